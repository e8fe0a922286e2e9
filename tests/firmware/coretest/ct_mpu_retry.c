/* A MemManage handler that repairs the access and retries it (the demand-mapping pattern;
   ARMv7-M ARM B1.5.6: the stacked ReturnAddress is the faulting instruction, its ITSTATE is
   stacked with it, and B1.5.8 restores both). Unprivileged code reads an allowed word through
   r2, then moves r2 into a privileged-only MPU region and reads again inside an ITETE block;
   the handler points r2 (frame[2]) back at the allowed word and returns. Expected: one fault
   at the second load, and the rest of the IT block still conditional. The handler switches the
   MPU off after 3 faults so that a wrong stacked PC cannot loop forever. Findings F9, F10. */
#include "ct.h"

static volatile uint32_t mm_count, mm_cfsr, first_pc, first_xpsr;
static uint32_t okword = 7;
extern char the_ldr[];

FRAME_HANDLER(memmanage_handler, memmanage_c)
void memmanage_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    if (mm_count++ == 0) {
        first_pc = frame[6];
        first_xpsr = frame[7];
    }
    mm_cfsr = SCB_CFSR;
    SCB_CFSR = mm_cfsr;
    frame[2] = (uint32_t)&okword;
    if (mm_count >= 3) MPU_CTRL = 0;
}

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    const uint8_t imm = ((const uint8_t*)frame[6])[-2];
    set_control(imm == 1 ? 1u : 0u); /* svc #1: drop privilege, svc #2: back */
}

int main(void) {
    /* Region 0: everything, full access. Region 1 (wins): 0x20008000/32 B, privileged only. */
    MPU_RNR = 0;
    MPU_RBAR = 0x00000000u;
    MPU_RASR = (3u << 24) | (31u << 1) | 1u;
    MPU_RNR = 1;
    MPU_RBAR = 0x20008000u;
    MPU_RASR = (1u << 24) | (4u << 1) | 1u;
    MPU_CTRL = 5; /* ENABLE | PRIVDEFENA */
    SCB_SHCSR |= SHCSR_MEMFAULTENA;
    barrier();

    uint32_t r3, loaded;
    __asm volatile("svc #1" ::: "memory");
    __asm volatile(
        "mov r2, %2\n"
        "ldr r1, [r2]\n" /* allowed */
        "movs r3, #0\n"
        "ldr r2, =0x20008000\n"
        "cmp r3, #0\n"
        "itete eq\n"
        "addeq r3, r3, #1\n" /* runs */
        "addne r3, r3, #2\n" /* skipped */
        ".global the_ldr\n"
        "the_ldr: ldreq r1, [r2]\n" /* MemManage, retried at okword */
        "addne r3, r3, #16\n"       /* skipped */
        "b 1f\n"
        ".ltorg\n"
        "1: mov %0, r3\n"
        "mov %1, r1\n"
        : "=r"(r3), "=r"(loaded)
        : "r"(&okword)
        : "r1", "r2", "r3", "cc", "memory");
    __asm volatile("svc #2" ::: "memory");
    MPU_CTRL = 0;
    barrier();
    sh_kv("memmanages", mm_count);
    sh_kv("cfsr", mm_cfsr);
    sh_kv("first stacked pc is the faulting ldr", first_pc == ((uint32_t)the_ldr & ~1u));
    sh_kv("first stacked xpsr", first_xpsr);
    sh_kv("loaded", loaded);
    sh_kv("block result", r3);
    sh_print("done");
    return 0;
}
