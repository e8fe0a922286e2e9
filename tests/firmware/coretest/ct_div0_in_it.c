/* A DIV_0_TRP UsageFault inside an IT block (ARMv7-M ARM B1.5.6: the stacked xPSR holds the
   faulting instruction's ITSTATE): the handler skips the UDIV, advancing ITSTATE, and the rest
   of the ITETE block still obeys its conditions. Finding F9 (the DIVBYZERO part). */
#include "ct.h"

static volatile uint32_t uf_cfsr, uf_xpsr;
FRAME_HANDLER(usagefault_handler, usagefault_c)
void usagefault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    uf_cfsr = SCB_CFSR;
    SCB_CFSR = uf_cfsr;
    uf_xpsr = frame[7];
    /* Skipping an instruction of an IT block means advancing ITSTATE too (A7.3.2 ITAdvance). */
    uint32_t it = ((frame[7] >> 25) & 3u) | ((frame[7] >> 8) & 0xFCu);
    it = (it & 7u) == 0 ? 0 : (it & 0xE0u) | ((it << 1) & 0x1Fu);
    frame[7] = (frame[7] & ~((3u << 25) | (0x3Fu << 10))) | ((it & 3u) << 25) | ((it >> 2) << 10);
    frame[6] += 4;
}

int main(void) {
    uint32_t r3;
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    SCB_CCR |= 1u << 4;
    barrier();
    uint32_t q = 5;
    __asm volatile(
        "movs r3, #0\n"
        "cmp r3, #0\n"
        "itete eq\n"
        "addeq r3, r3, #1\n"  /* runs */
        "addne r3, r3, #2\n"  /* skipped */
        "udiveq %1, %1, %2\n" /* DIVBYZERO: the handler skips it */
        "addne r3, r3, #16\n" /* skipped */
        "mov %0, r3\n"
        : "=&r"(r3), "+r"(q)
        : "r"(0u)
        : "r3", "cc", "memory");
    SCB_CCR &= ~(1u << 4);
    sh_kv("div0: cfsr", uf_cfsr);
    sh_kv("div0: stacked xpsr", uf_xpsr);
    sh_kv("div0: block result", r3);
    sh_print("done");
    return 0;
}
