/* Fault status after each fault type (ARMv7-M ARM B1.5.14, B3.2.15-B3.2.18): CFSR (MMFSR,
   BFSR, UFSR), HFSR, MMFAR/BFAR and their VALID bits, the stacked PC, escalation to HardFault
   with FORCED when the fault is disabled or cannot preempt (B1.5.4), CFSR/HFSR write-one-to-
   clear, BKPT without a debugger or DebugMonitor (HardFault, HFSR.DEBUGEVT), a fetch from an
   execute-never region (IACCVIOL, MMFAR not valid).
   Every fault handler records what it saw, clears nothing, and resumes at `resume` (or at the
   stacked LR for a bad fetch). Addresses: 0x30000000 is unmapped on the SAM4L and on
   mps2-an386; 0x40000000 is in the Peripheral region (XN in the default map). */
#include "ct.h"

static volatile uint32_t f_ipsr, f_cfsr, f_hfsr, f_mmfar, f_bfar, f_pc, f_count;
static volatile uint32_t resume_skip; /* bytes to skip at the stacked PC; 0: resume at LR */

uint32_t fault_c(uint32_t* frame) {
    f_count++;
    f_ipsr = get_ipsr();
    f_cfsr = SCB_CFSR;
    f_hfsr = SCB_HFSR;
    f_mmfar = SCB_MMFAR;
    f_bfar = SCB_BFAR;
    f_pc = frame[6];
    if (resume_skip)
        frame[6] += resume_skip;
    else
        frame[6] = frame[5] & ~1u; /* a bad branch target: back to the caller */
    return 0;
}

/* The fault handlers all share fault_c (thread code runs on MSP). */
#define FAULT_HANDLER(name)                          \
    __attribute__((naked)) void name(void) {         \
        __asm volatile("mrs r0, msp\n b fault_c\n"); \
    }
FAULT_HANDLER(hardfault_handler)
FAULT_HANDLER(memmanage_handler)
FAULT_HANDLER(busfault_handler)
FAULT_HANDLER(usagefault_handler)

static void report(const char* what, uint32_t expected_pc) {
    sh_print(what);
    sh_kv("  faults", f_count);
    sh_kv("  ipsr", f_ipsr);
    sh_kv("  cfsr", f_cfsr);
    sh_kv("  hfsr", f_hfsr);
    if (f_cfsr & (1u << 7)) sh_kv("  mmfar", f_mmfar);
    if (f_cfsr & (1u << 15)) sh_kv("  bfar", f_bfar);
    sh_kv("  stacked pc is the faulting instruction", f_pc == expected_pc);
    f_count = 0;
    SCB_CFSR = 0xFFFFFFFFu;
    SCB_HFSR = 0xFFFFFFFFu;
}

static uint32_t at; /* address of the faulting instruction, set by the asm below */

static void load_unmapped(void) {
    __asm volatile(
        "ldr r1, =0x30000000\n"
        "adr r2, 1f\n"
        "str r2, [%0]\n"
        ".align 2\n"
        "1: ldr r1, [r1]\n"
        "nop\n"
        "b 2f\n"
        ".ltorg\n"
        "2:\n" ::"r"(&at)
        : "r1", "r2", "memory");
}

static void store_unmapped(void) {
    __asm volatile(
        "ldr r1, =0x30000010\n"
        "adr r2, 1f\n"
        "str r2, [%0]\n"
        ".align 2\n"
        "1: str r1, [r1]\n"
        "nop\n"
        "b 2f\n"
        ".ltorg\n"
        "2:\n" ::"r"(&at)
        : "r1", "r2", "memory");
}

static void udf(void) {
    __asm volatile(
        "adr r2, 1f\n"
        "str r2, [%0]\n"
        ".align 2\n"
        "1: udf #3\n"
        "nop\n" ::"r"(&at)
        : "r2", "memory");
}

static void bkpt(void) {
    __asm volatile(
        "adr r2, 1f\n"
        "str r2, [%0]\n"
        ".align 2\n"
        "1: bkpt #1\n"
        "nop\n" ::"r"(&at)
        : "r2", "memory");
}

static void jump_to(uint32_t target) {
    __asm volatile("blx %0\n" ::"r"(target | 1u) : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
}

/* SVC handler at priority 0: a BusFault (0x80) raised here cannot preempt and escalates. */
void svc_handler(void) {
    load_unmapped();
}

int main(void) {
    SCB_SHPR1 = 0x00808080u; /* MemManage, BusFault, UsageFault at 0x80 */

    /* Disabled faults escalate: HardFault with FORCED, the CFSR bit still recorded. */
    resume_skip = 2;
    load_unmapped();
    report("load unmapped, busfault disabled", at);
    udf();
    report("udf, usagefault disabled", at);
    resume_skip = 0;
    jump_to(0x40000000u);
    report("fetch from xn region, memmanage disabled", 0x40000000u);

    SCB_SHCSR = SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    barrier();
    resume_skip = 2;
    load_unmapped();
    report("load unmapped", at);
    store_unmapped();
    report("store unmapped", at);
    udf();
    report("udf", at);
    resume_skip = 0;
    jump_to(0x40000000u);
    report("fetch from xn region", 0x40000000u);
    jump_to(0x30000000u);
    report("fetch from unmapped", 0x30000000u);

    /* Raised where it cannot preempt (inside SVCall at priority 0): escalates. */
    resume_skip = 2;
    __asm volatile("svc #0" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    report("load unmapped in svc (priority 0)", at);

    /* BKPT with no debugger and no DebugMonitor enabled: HardFault, HFSR.DEBUGEVT. */
    bkpt();
    report("bkpt #1", at);

    /* CFSR and HFSR are write-one-to-clear; MMFAR/BFAR keep their value. */
    load_unmapped();
    const uint32_t cfsr = SCB_CFSR;
    SCB_CFSR = 0;
    sh_kv("cfsr after writing 0", SCB_CFSR == cfsr);
    SCB_CFSR = 1u << 9; /* PRECISERR only */
    sh_kv("cfsr after clearing preciserr", SCB_CFSR);
    *(volatile uint8_t*)0xE000ED29 = 0x80; /* BFSR byte: BFARVALID */
    sh_kv("cfsr after byte write", SCB_CFSR);
    sh_kv("bfar kept", SCB_BFAR);
    f_count = 0;
    SCB_SHCSR = 0;
    resume_skip = 2;
    load_unmapped();
    sh_kv("hfsr forced", SCB_HFSR);
    SCB_HFSR = 0;
    sh_kv("hfsr after writing 0", SCB_HFSR);
    SCB_HFSR = 1u << 30;
    sh_kv("hfsr after w1c", SCB_HFSR);
    SCB_CFSR = 0xFFFFFFFFu;
    sh_kv("cfsr after w1c", SCB_CFSR);
    sh_print("done");
    return 0;
}
