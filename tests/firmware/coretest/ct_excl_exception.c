/* The local exclusive monitor (ARMv7-M ARM A3.4, B1.5.6/B1.5.8: exception entry and return
   execute ClearExclusiveLocal): STREX succeeds (returns 0) only after an LDREX to the same
   address with no exception in between. The RTOS pattern this protects: a context switch
   between LDREX and STREX must make the STREX fail. Finding F4. */
#include "ct.h"

static volatile uint32_t word = 5;

void svc_handler(void) {}
void pendsv_handler(void) {}

static uint32_t ldrex_then(uint32_t how) {
    uint32_t status, v;
    switch (how) {
        case 0: /* nothing between */
            __asm volatile("ldrex %1, [%2]\n strex %0, %1, [%2]\n"
                           : "=&r"(status), "=&r"(v)
                           : "r"(&word)
                           : "memory");
            break;
        case 1: /* an SVC between */
            __asm volatile("ldrex %1, [%2]\n svc #0\n strex %0, %1, [%2]\n"
                           : "=&r"(status), "=&r"(v)
                           : "r"(&word)
                           : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
            break;
        case 2: /* an interrupt (PendSV) between */
            __asm volatile(
                "ldrex %1, [%2]\n"
                "str %4, [%3]\n" /* ICSR.PENDSVSET */
                "dsb\n isb\n"
                "strex %0, %1, [%2]\n"
                : "=&r"(status), "=&r"(v)
                : "r"(&word), "r"(0xE000ED04u), "r"(1u << 28)
                : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
            break;
        default:
            status = 2;
            break;
    }
    return status;
}

int main(void) {
    sh_kv("ldrex/strex", ldrex_then(0));
    sh_kv("ldrex/svc/strex", ldrex_then(1));
    sh_kv("ldrex/interrupt/strex", ldrex_then(2));

    uint32_t status, v;
    __asm volatile("ldrexh %1, [%2]\n svc #0\n strexh %0, %1, [%2]\n"
                   : "=&r"(status), "=&r"(v)
                   : "r"(&word)
                   : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    sh_kv("ldrexh/svc/strexh", status);
    sh_print("done");
    return 0;
}
