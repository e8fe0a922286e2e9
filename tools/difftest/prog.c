/* Harness of one tools/difftest program: runs test_body (gen.py) on a scratch buffer and prints
   the registers, APSR and the buffer, which run.sh compares between QEMU and tockemu. */
#include "testfw.h"

extern const uint8_t scratch_init[256];
void test_body(uint8_t* scratch);
uint32_t results[14];
static uint8_t scratch[256] __attribute__((aligned(8)));

/* SVC: stacked r0 += the immediate, r1 ^= r2 (the return must restore them). */
__attribute__((naked)) void svc_handler(void) {
    __asm volatile(
        "tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n"
        "ldr r1, [r0, #24]\n ldrb r1, [r1, #-2]\n ldr r2, [r0]\n add r2, r2, r1\n str r2, [r0]\n"
        "ldr r1, [r0, #4]\n ldr r2, [r0, #8]\n eor r1, r1, r2\n str r1, [r0, #4]\n bx lr\n");
}
/* PendSV: stacked r3 = ~r3. */
__attribute__((naked)) void pendsv_handler(void) {
    __asm volatile(
        "tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n"
        "ldr r1, [r0, #12]\n mvn r1, r1\n str r1, [r0, #12]\n bx lr\n");
}

int main(void) {
    for (unsigned i = 0; i < sizeof scratch; ++i) scratch[i] = scratch_init[i];
    test_body(scratch);
    static const char* const names[14] = {"r0", "r1", "r2",  "r3",  "r4",  "r5",  "r6",
                                          "r7", "r9", "r10", "r11", "r12", "apsr", 0};
    for (unsigned i = 0; i < 13; ++i) sh_kv(names[i], results[i]);
    for (unsigned i = 0; i < sizeof scratch; i += 4)
        sh_kv("m", (uint32_t)scratch[i] | (uint32_t)scratch[i + 1] << 8 |
                       (uint32_t)scratch[i + 2] << 16 | (uint32_t)scratch[i + 3] << 24);
    sh_kv("cfsr", SCB_CFSR);
    sh_kv("hfsr", SCB_HFSR);
    sh_print("done");
    return 0;
}
