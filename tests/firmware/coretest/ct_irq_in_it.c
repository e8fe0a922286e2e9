/* An interrupt taken inside an IT block (ARMv7-M ARM B1.5.6, A7.3.2): MSR PRIMASK inside the
   block unmasks a pending interrupt, which is taken before the next instruction of the block;
   the stacked xPSR holds that instruction's ITSTATE and the return resumes the block under its
   conditions. (Where exactly a core takes an interrupt after MSR is implementation timing;
   QEMU and tockemu both take it right after the MSR, see tests/firmware/cpu/nvic.c.) */
#include "ct.h"

static volatile uint32_t irq_xpsr, irq_count;

FRAME_HANDLER(irq_handler, irq_c)
void irq_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    irq_count++;
    irq_xpsr = frame[7];
}

int main(void) {
    irq_enable(0);
    set_primask(1);
    irq_pend(0);
    uint32_t r3;
    __asm volatile(
        "movs r3, #0\n"
        "movs r0, #0\n"
        "cmp r3, #0\n"
        "itete eq\n"
        "msreq primask, r0\n" /* unmasks: IRQ 0 comes here */
        "addne r3, r3, #2\n"  /* skipped */
        "addeq r3, r3, #1\n"  /* runs */
        "addne r3, r3, #16\n" /* skipped */
        "mov %0, r3\n"
        : "=r"(r3)
        :
        : "r0", "r3", "cc", "memory");
    sh_kv("irq taken", irq_count);
    sh_kv("stacked xpsr", irq_xpsr);
    sh_kv("block result", r3);
    sh_print("done");
    return 0;
}
