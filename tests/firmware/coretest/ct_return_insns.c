/* What starts an exception return (ARMv7-M ARM B1.5.8, A2.3.1): in Handler mode an EXC_RETURN
   value written to the PC by BX, POP, LDR or LDM returns; written by an ALU instruction (MOV PC)
   it is a plain branch to 0xFFFFFFF8, an execute-never address: the fetch is a MemManage
   IACCVIOL (HardFault here, MemManage disabled) with the stacked PC 0xFFFFFFF8. */
#include "ct.h"

static volatile uint32_t mode, hf_count, hf_cfsr, hf_pc, hf_ipsr_stacked;
void svc_resume(void);

/* SVC returns through the instruction `mode` selects. r4 is saved by the stub itself. */
__attribute__((naked)) void svc_handler(void) {
    __asm volatile(
        "ldr r0, =mode\n"
        "ldr r0, [r0]\n"
        "cmp r0, #1\n"
        "beq 1f\n"
        "cmp r0, #2\n"
        "beq 2f\n"
        "cmp r0, #3\n"
        "beq 3f\n"
        "cmp r0, #4\n"
        "beq 4f\n"
        "bx lr\n"
        "1: push {r4, lr}\n pop {r4, pc}\n"
        "2: str lr, [sp, #-8]!\n ldr pc, [sp], #8\n"
        "3: push {r0, lr}\n ldmia sp!, {r0, pc}\n"
        "4: mov pc, lr\n"
        /* Where the HardFault of mode 4 resumes: still in the SVC handler, SP at its frame. */
        ".global svc_resume\n"
        ".thumb_func\n"
        "svc_resume: ldr lr, =0xFFFFFFF9\n"
        "bx lr\n"
        ".ltorg\n");
}

FRAME_HANDLER(hardfault_handler, hardfault_c)
void hardfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    hf_count++;
    hf_cfsr = SCB_CFSR;
    SCB_CFSR = hf_cfsr;
    SCB_HFSR = SCB_HFSR;
    hf_pc = frame[6];
    hf_ipsr_stacked = frame[7] & 0x1FF;
    /* Back into the SVC handler (still active), which then returns to thread mode with its own
       frame, just above this one. */
    frame[6] = (uint32_t)svc_resume & ~1u;
}

int main(void) {
    static const char* const names[] = {"bx lr", "pop {pc}", "ldr pc", "ldm {pc}"};
    for (uint32_t m = 0; m < 4; ++m) {
        mode = m;
        uint32_t back = 0;
        __asm volatile("svc #0\n movs %0, #1\n"
                       : "=l"(back)::"r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
        sh_puts(names[m]);
        sh_kv(": returned", back);
    }
    sh_kv("hardfaults", hf_count);
    mode = 4;
    __asm volatile("svc #0" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    sh_kv("mov pc, lr: hardfaults", hf_count);
    sh_kv("mov pc, lr: cfsr", hf_cfsr);
    sh_kv("mov pc, lr: stacked pc", hf_pc);
    sh_kv("mov pc, lr: stacked ipsr", hf_ipsr_stacked);
    sh_print("done");
    return 0;
}
