/* VTOR pointing at unmapped memory (0x30000000, allowed by TBLOFF): the SVCall vector read
   fails (HardFault, HFSR.VECTTBL) and so does the HardFault vector read from the same table:
   the core locks up (ARMv7-M ARM B1.5.15, unrecoverable exception). tockemu-only: the test
   expects StopReason::Lockup (QEMU stops with a fatal "Lockup" error). */
#include "ct.h"

int main(void) {
    sh_print("moving the vector table to unmapped memory");
    SCB_VTOR = 0x30000000u;
    barrier();
    __asm volatile("svc #0" ::: "memory");
    sh_print("not reached");
    return 1;
}
