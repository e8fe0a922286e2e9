/* The GE bits on exception return (ARMv7-M ARM B1.5.8 PopStack: with the DSP extension,
   APSR<19:16> = psr<19:16> from the frame). A handler that changes GE itself (any SIMD
   instruction does) must not leak them into the interrupted code, and a handler that edits the
   stacked GE bits must see them in APSR after the return. Finding F1. */
#include "ct.h"

static volatile uint32_t mode;

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    if (mode == 1) __asm volatile("msr APSR_g, %0" ::"r"(0x000A0000u) : "cc");
    if (mode == 2) frame[7] |= 0x000F0000u;
}

static uint32_t svc_between(uint32_t apsr) {
    uint32_t after;
    __asm volatile(
        "msr APSR_nzcvqg, %1\n"
        "svc #0\n"
        "mrs %0, apsr\n"
        : "=r"(after)
        : "r"(apsr)
        : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
    return after;
}

int main(void) {
    mode = 0;
    sh_kv("handler leaves ge: apsr", svc_between(0x00050000u));
    mode = 1;
    sh_kv("handler sets ge 0b1010: apsr", svc_between(0x00050000u));
    mode = 2;
    sh_kv("handler sets stacked ge 0b1111: apsr", svc_between(0x00000000u));
    /* SEL after a return picks bytes by the thread's GE, not the handler's. */
    mode = 1;
    uint32_t sel;
    __asm volatile(
        "msr APSR_nzcvqg, %1\n"
        "svc #0\n"
        "sel %0, %2, %3\n"
        : "=r"(sel)
        : "r"(0x00050000u), "r"(0x11223344u), "r"(0xAABBCCDDu)
        : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
    sh_kv("sel after the return", sel);
    sh_print("done");
    return 0;
}
