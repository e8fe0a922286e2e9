/* CCR.NONBASETHRDENA = 1 (ARMv7-M ARM B1.5.8, B3.2.8): IRQ 0, taken inside the SVC handler,
   returns to thread mode (its frame's IPSR cleared and return address moved to
   thread_with_svcall_active) while SVCall is still active. Thread mode then runs at the
   execution priority of the active SVCall (B1.5.4): IPSR reads 0, an IRQ at 0xC0 stays pending,
   and clearing SHCSR.SVCALLACT by hand lets it in. */
#include "ct_return.h"

static volatile uint32_t irq1_taken;

static void thread_with_svcall_active(void) {
    sh_print("thread mode with svcall active");
    sh_kv("  ipsr", get_ipsr());
    sh_kv("  vectactive", icsr_vectactive());
    sh_kv("  shcsr.svcallact", (SCB_SHCSR >> 7) & 1);
    sh_kv("  usagefaults", uf_count);
    irq_return = 0xFFFFFFF9u;
    irq_prio(1, 0xC0);
    irq_enable(1);
    irq_pend(1);
    sh_kv("  irq1 (0xc0) pending", (NVIC_ISPR(0) >> 1) & 1);
    sh_kv("  vectpending", icsr_vectpending());
    SCB_SHCSR &= ~(1u << 7); /* clear SVCALLACT by hand */
    barrier();
    sh_kv("  after clearing svcallact, irq1 pending", (NVIC_ISPR(0) >> 1) & 1);
    sh_kv("  shcsr", SCB_SHCSR);
    sh_print("done");
    sh_exit(0);
}

int main(void) {
    return_setup();
    SCB_CCR |= CCR_NONBASETHRDENA;
    barrier();
    svc_mode = SVC_PEND_IRQ;
    irq_return = 0xFFFFFFF9u;
    irq_edit = 2;
    irq_pc = (uint32_t)thread_with_svcall_active & ~1u;
    svc();
    sh_print("not reached");
    return 1;
}
