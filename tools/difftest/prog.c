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

/* Faults: log the exception, CFSR and the stacked PC, clear CFSR, and return past the faulting
   instruction (the generator never puts one in an IT block). */
static volatile uint32_t fault_log[3 * 16], fault_count;
void fault_c(uint32_t* frame, uint32_t ipsr) {
    const uint32_t pc = frame[6];
    const uint16_t hw = *(const volatile uint16_t*)pc;
    if (fault_count < 16) {
        fault_log[3 * fault_count] = ipsr;
        fault_log[3 * fault_count + 1] = SCB_CFSR;
        fault_log[3 * fault_count + 2] = pc;
    }
    fault_count++;
    SCB_CFSR = SCB_CFSR;
    frame[6] = pc + ((hw >> 11) >= 0x1D ? 4 : 2);
}
#define FAULT_HANDLER(name)                                                      \
    __attribute__((naked)) void name(void) {                                     \
        __asm volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n" \
                       "mrs r1, ipsr\n push {r4, lr}\n bl fault_c\n pop {r4, pc}\n");  \
    }
FAULT_HANDLER(usagefault_handler)
FAULT_HANDLER(busfault_handler)
FAULT_HANDLER(memmanage_handler)

extern const uint32_t difftest_seed;

int main(void) {
    for (unsigned i = 0; i < sizeof scratch; ++i) scratch[i] = scratch_init[i];
    SCB_SHCSR |= 7u << 16; /* MemManage, BusFault, UsageFault enabled */
    if (difftest_seed & 1) SCB_CCR |= 1u << 4; /* DIV_0_TRP */
    __asm volatile("dsb\n isb" ::: "memory");
    test_body(scratch);
    static const char* const names[14] = {"r0", "r1", "r2",  "r3",  "r4",  "r5",  "r6",
                                          "r7", "r9", "r10", "r11", "r12", "apsr", 0};
    for (unsigned i = 0; i < 13; ++i) sh_kv(names[i], results[i]);
    for (unsigned i = 0; i < sizeof scratch; i += 4)
        sh_kv("m", (uint32_t)scratch[i] | (uint32_t)scratch[i + 1] << 8 |
                       (uint32_t)scratch[i + 2] << 16 | (uint32_t)scratch[i + 3] << 24);
    sh_kv("faults", fault_count);
    for (unsigned i = 0; i < fault_count && i < 16; ++i) {
        sh_kv("  exception", fault_log[3 * i]);
        sh_kv("  cfsr", fault_log[3 * i + 1]);
        sh_kv("  pc", fault_log[3 * i + 2]);
    }
    sh_kv("cfsr", SCB_CFSR);
    sh_kv("hfsr", SCB_HFSR);
    sh_print("done");
    return 0;
}
