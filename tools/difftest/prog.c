/* Harness of one tools/difftest program: runs test_body (gen.py) on a scratch buffer and prints
   the registers, APSR and the buffer, which run.sh compares between QEMU and tockemu. */
#include "testfw.h"

extern const uint8_t scratch_init[256];
void test_body(uint8_t* scratch);
uint32_t results[14];
static uint8_t scratch[256] __attribute__((aligned(256)));

/* SVC: stacked r0 += the immediate, r1 ^= r2 (the return must restore them); SVC 255 (prog.c
   only) makes Thread mode privileged again. */
__attribute__((naked)) void svc_handler(void) {
    __asm volatile(
        "tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n"
        "ldr r1, [r0, #24]\n ldrb r1, [r1, #-2]\n cmp r1, #255\n bne 1f\n"
        "mrs r1, control\n bic r1, r1, #1\n msr control, r1\n isb\n bx lr\n"
        "1: ldr r2, [r0]\n add r2, r2, r1\n str r2, [r0]\n"
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
static volatile uint32_t fault_log[4 * 16], fault_count;
void fault_c(uint32_t* frame, uint32_t ipsr) {
    const uint32_t pc = frame[6];
    const uint16_t hw = *(const volatile uint16_t*)pc;
    if (fault_count < 16) {
        const uint32_t cfsr = SCB_CFSR;
        fault_log[4 * fault_count] = ipsr;
        fault_log[4 * fault_count + 1] = cfsr;
        fault_log[4 * fault_count + 2] = pc;
        fault_log[4 * fault_count + 3] = (cfsr & (1u << 7))    ? SCB_MMFAR
                                         : (cfsr & (1u << 15)) ? SCB_BFAR
                                                               : 0;
    }
    fault_count++;
    SCB_CFSR = SCB_CFSR;
    frame[6] = pc + ((hw >> 11) >= 0x1D ? 4 : 2);
}
#define FAULT_HANDLER(name)                                                \
    __attribute__((naked)) void name(void) {                               \
        __asm volatile(                                                    \
            "tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n"        \
            "mrs r1, ipsr\n push {r4, lr}\n bl fault_c\n pop {r4, pc}\n"); \
    }
FAULT_HANDLER(usagefault_handler)
FAULT_HANDLER(busfault_handler)
FAULT_HANDLER(memmanage_handler)

extern const uint32_t difftest_seed;

int main(void) {
    for (unsigned i = 0; i < sizeof scratch; ++i) scratch[i] = scratch_init[i];
    SCB_SHCSR |= 7u << 16;                     /* MemManage, BusFault, UsageFault enabled */
    if (difftest_seed & 1) SCB_CCR |= 1u << 4; /* DIV_0_TRP */
    __asm volatile("dsb\n isb" ::: "memory");
    /* Every third seed: unprivileged under the MPU (PMSAv7, B3.5). Flash read-only/executable,
       SRAM read-write/XN, the scratch buffer a 256-byte region of seeded AP. No subregion is
       disabled: QEMU 7.2 (get_phys_addr_pmsav7) goes on to the next region for an address in a
       disabled subregion without limiting the TLB entry to it, so the region below (SRAM, read-
       write) is cached for the whole 1 KiB page and later accesses to the enabled subregions
       of the same page are not checked; the manual (B3.5.8, SRD) checks every access, as
       tockemu does (found by this tester: seeds 3, 9, 12, 15 with seeded SRD). */
    const int mpu = difftest_seed % 3 == 0;
    if (mpu) {
        static const uint32_t aps[4] = {1, 2, 3, 6};
        const uint32_t h = difftest_seed * 2654435761u;
        MPU_RNR = 0;
        MPU_RBAR = 0x00000000;
        MPU_RASR = (6u << 24) | (18u << 1) | 1;
        MPU_RNR = 1;
        MPU_RBAR = 0x20000000;
        MPU_RASR = (1u << 28) | (3u << 24) | (15u << 1) | 1;
        MPU_RNR = 2;
        MPU_RBAR = (uint32_t)scratch;
        MPU_RASR = (1u << 28) | (aps[(h >> 8) & 3] << 24) | (7u << 1) | 1;
        MPU_CTRL = 5; /* ENABLE | PRIVDEFENA */
        __asm volatile("dsb\n isb\n mrs r0, control\n orr r0, r0, #1\n msr control, r0\n isb" ::
                           : "r0", "memory");
    }
    test_body(scratch);
    if (mpu) {
        __asm volatile("svc #255" ::: "memory");
        MPU_CTRL = 0;
        __asm volatile("dsb\n isb" ::: "memory");
    }
    static const char* const names[14] = {"r0", "r1", "r2",  "r3",  "r4",  "r5",   "r6",
                                          "r7", "r9", "r10", "r11", "r12", "apsr", 0};
    for (unsigned i = 0; i < 13; ++i) sh_kv(names[i], results[i]);
    for (unsigned i = 0; i < sizeof scratch; i += 4)
        sh_kv("m", (uint32_t)scratch[i] | (uint32_t)scratch[i + 1] << 8 |
                       (uint32_t)scratch[i + 2] << 16 | (uint32_t)scratch[i + 3] << 24);
    sh_kv("faults", fault_count);
    for (unsigned i = 0; i < fault_count && i < 16; ++i) {
        sh_kv("  exception", fault_log[4 * i]);
        sh_kv("  cfsr", fault_log[4 * i + 1]);
        sh_kv("  pc", fault_log[4 * i + 2]);
        sh_kv("  far", fault_log[4 * i + 3]);
    }
    sh_kv("cfsr", SCB_CFSR);
    sh_kv("hfsr", SCB_HFSR);
    sh_print("done");
    return 0;
}
