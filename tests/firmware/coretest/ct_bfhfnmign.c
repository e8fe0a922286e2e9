/* CCR.BFHFNMIGN (ARMv7-M ARM B3.2.8): while the execution priority is negative (HardFault, NMI,
   or FAULTMASK set), a precise data BusFault is ignored when BFHFNMIGN = 1: the load completes
   with an UNKNOWN value and no exception is taken. 0x30000000 is unmapped on both machines.
   Manual-only: QEMU 7.2 does not implement BFHFNMIGN either (it stops with "Lockup: can't
   escalate 3 to HardFault"). Finding F7. */
#include "ct.h"

static volatile uint32_t bf_count;
void busfault_handler(void) {
    bf_count = 99;
    sh_exit(3);
}

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    SCB_CCR |= 1u << 8; /* BFHFNMIGN */
    barrier();
    set_faultmask(1);
    uint32_t v;
    __asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(0x30000000u) : "memory");
    set_faultmask(0);
    (void)v;
    sh_kv("busfault ignored at priority -1: busfaults", bf_count);
    sh_print("done");
    return 0;
}
