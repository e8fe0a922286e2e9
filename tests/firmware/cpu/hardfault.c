/* Escalation to HardFault with HFSR.FORCED: a BusFault while BusFault is disabled, an SVC while
   PRIMASK is set, a UsageFault raised at the UsageFault's own priority. */
#include "cpu_fw.h"

static volatile uint32_t faults;

FRAME_HANDLER(hardfault_handler, hard_c)
void hard_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    faults++;
    sh_kv("hardfault hfsr", SCB_HFSR);
    sh_kv("  cfsr", SCB_CFSR);
    const uint16_t insn = *(const uint16_t *)frame[6];
    /* Skip a faulting 16-bit load/udf; an escalated svc already points past itself. */
    if ((insn & 0xF800) == 0x6800 || (insn & 0xFF00) == 0xDE00) frame[6] += 2;
    SCB_HFSR = SCB_HFSR;
    SCB_CFSR = SCB_CFSR;
}

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t *frame, uint32_t exc_return) {
    (void)frame;
    (void)exc_return;
    sh_kv("svc taken, primask", get_primask());
}

FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    sh_print("usagefault handler (should not run for the escalated case)");
    frame[6] += 2;
    SCB_CFSR = SCB_CFSR;
}

FRAME_HANDLER(pendsv_handler, pendsv_c)
void pendsv_c(uint32_t *frame, uint32_t exc_return) {
    (void)frame;
    (void)exc_return;
    /* PendSV and UsageFault share priority 0x80: the UsageFault cannot preempt, so it
       escalates to HardFault. */
    __asm volatile("udf #1" ::: "memory");
    sh_kv("pendsv continues, faults", faults);
}

int main(void) {
    uint32_t v;
    __asm volatile("ldr r1, =0x30000000\n ldr %0, [r1]\n b 1f\n .ltorg\n 1:\n" : "=r"(v) : : "r1", "memory");
    sh_kv("after disabled busfault", faults);

    set_primask(1);
    __asm volatile("svc #3" ::: "memory");
    set_primask(0);
    sh_kv("after svc with primask", faults);

    SCB_SHCSR |= SHCSR_USGFAULTENA;
    SHPR_BYTE(6) = 0x80;
    SHPR_BYTE(14) = 0x80;
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    sh_kv("after escalated usagefault", faults);
    sh_print("done");
    return 0;
}
