/* Lockup: a fault inside the HardFault handler. The core cannot take any exception and stops;
   tockemu reports the lockup (QEMU hangs here, so this one is tockemu-only). */
#include "cpu_fw.h"

void hardfault_handler(void) {
    sh_print("in hardfault, faulting again");
    __asm volatile("udf #2" ::: "memory");
    sh_print("not reached");
}

int main(void) {
    sh_print("lockup test");
    __asm volatile("udf #1" ::: "memory");
    sh_print("not reached");
    return 0;
}
