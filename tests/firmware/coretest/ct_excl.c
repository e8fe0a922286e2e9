/* The local exclusive monitor (ARMv7-M ARM A3.4, B1.5.6/B1.5.8: exception entry and return
   execute ClearExclusiveLocal): STREX succeeds (returns 0) only after an LDREX to the same
   address; CLREX clears the monitor; STREX without LDREX fails. (Exceptions between LDREX and
   STREX: ct_excl_exception.) */
#include "ct.h"

static volatile uint32_t word = 5;

static uint32_t ldrex_then(uint32_t how) {
    uint32_t status, v;
    switch (how) {
        case 0: /* nothing between */
            __asm volatile("ldrex %1, [%2]\n strex %0, %1, [%2]\n"
                           : "=&r"(status), "=&r"(v)
                           : "r"(&word)
                           : "memory");
            break;
        case 3: /* CLREX between */
            __asm volatile("ldrex %1, [%2]\n clrex\n strex %0, %1, [%2]\n"
                           : "=&r"(status), "=&r"(v)
                           : "r"(&word)
                           : "memory");
            break;
        default: /* STREX alone (the monitor was left open by nothing) */
            __asm volatile("clrex\n strex %0, %1, [%2]\n"
                           : "=&r"(status)
                           : "r"(7u), "r"(&word)
                           : "memory");
            break;
    }
    return status;
}

int main(void) {
    sh_kv("ldrex/strex", ldrex_then(0));
    sh_kv("ldrex/clrex/strex", ldrex_then(3));
    sh_kv("strex alone", ldrex_then(4));
    sh_kv("word", word);
    /* Byte and halfword exclusives. */
    uint32_t status, v;
    __asm volatile("ldrexb %1, [%2]\n strexb %0, %1, [%2]\n"
                   : "=&r"(status), "=&r"(v)
                   : "r"(&word)
                   : "memory");
    sh_kv("ldrexb/strexb", status);
    sh_print("done");
    return 0;
}
