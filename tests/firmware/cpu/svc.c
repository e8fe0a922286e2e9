/* SVC: immediate, arguments and return value through the frame, frame contents and 8-byte
   alignment (stacked xPSR bit 9), EXC_RETURN for thread/MSP. */
#include "cpu_fw.h"

uint32_t expected_pc;

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t *frame, uint32_t exc_return) {
    const uint8_t imm = ((const uint8_t *)frame[6])[-2];
    sh_kv("svc.imm", imm);
    sh_kv("svc.r0", frame[0]);
    sh_kv("svc.r1", frame[1]);
    sh_kv("svc.r2", frame[2]);
    sh_kv("svc.r3", frame[3]);
    sh_kv("svc.r12", frame[4]);
    sh_kv("svc.exc_return", exc_return);
    sh_kv("svc.ipsr", get_ipsr());
    sh_kv("svc.frame_aligned8", ((uint32_t)frame & 7) == 0);
    sh_kv("svc.xpsr_realigned", (frame[7] >> 9) & 1);
    sh_kv("svc.xpsr_thumb", (frame[7] >> 24) & 1);
    sh_kv("svc.pc_after_svc", frame[6] == expected_pc);
    frame[0] = frame[0] + frame[1] + frame[2] + frame[3];
}

static uint32_t svc_aligned(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    register uint32_t r0 __asm("r0") = a;
    register uint32_t r1 __asm("r1") = b;
    register uint32_t r2 __asm("r2") = c;
    register uint32_t r3 __asm("r3") = d;
    register uint32_t r12 __asm("r12") = 0x12121212;
    __asm volatile(
        "adr r4, 1f\n"
        "adds r4, #1\n"
        "ldr r5, =expected_pc\n"
        "bic r4, r4, #1\n"
        "str r4, [r5]\n"
        "mov r4, sp\n"
        "bic r5, r4, #7\n"
        "mov sp, r5\n"
        "svc #42\n"
        "1: mov sp, r4\n"
        : "+r"(r0)
        : "r"(r1), "r"(r2), "r"(r3), "r"(r12)
        : "r4", "r5", "memory");
    return r0;
}

static uint32_t svc_misaligned(uint32_t a) {
    register uint32_t r0 __asm("r0") = a;
    __asm volatile(
        "adr r4, 1f\n"
        "ldr r5, =expected_pc\n"
        "str r4, [r5]\n"
        "mov r4, sp\n"
        "bic r5, r4, #7\n"
        "sub r5, #4\n"
        "mov sp, r5\n"
        "movs r1, #0\n movs r2, #0\n movs r3, #0\n"
        "svc #0xfe\n"
        "1: mov sp, r4\n"
        : "+r"(r0)
        :
        : "r1", "r2", "r3", "r4", "r5", "memory");
    return r0;
}

int main(void) {
    sh_print("svc test");
    sh_kv("ret", svc_aligned(1, 2, 3, 4));
    sh_kv("ret", svc_misaligned(100));
    sh_kv("ipsr.after", get_ipsr());
    sh_print("done");
    return 0;
}
