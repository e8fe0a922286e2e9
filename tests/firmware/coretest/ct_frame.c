/* Exception entry (ARMv7-M ARM B1.5.6 PushStack, B1.5.7 EXC_RETURN): every stacked word (R0-R3,
   R12, LR, ReturnAddress, xPSR with NZCVQ, GE, T, IPSR and the bit-9 realignment flag), the
   EXC_RETURN in LR for thread/MSP, thread/PSP and handler origins, the IPSR and SP in the
   handler, and the ITSTATE stacked for an SVC inside an IT block. */
#include "ct.h"

static volatile uint32_t saved[8];
static volatile uint32_t saved_lr, saved_ipsr, saved_frame, saved_msp, saved_control;

static void save(const uint32_t* frame, uint32_t exc_return) {
    for (int i = 0; i < 8; ++i) saved[i] = frame[i];
    saved_lr = exc_return;
    saved_ipsr = get_ipsr();
    saved_frame = (uint32_t)frame;
    saved_msp = get_msp();
    saved_control = get_control();
}

/* svc #7 from inside another handler: pend PendSV (higher priority) from the SVC handler. */
FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t* frame, uint32_t exc_return) {
    const uint8_t imm = ((const uint8_t*)frame[6])[-2];
    if (imm == 7) {
        SCB_ICSR = ICSR_PENDSVSET;
        barrier();
        return;
    }
    save(frame, exc_return);
}

FRAME_HANDLER(pendsv_handler, pendsv_c)
void pendsv_c(uint32_t* frame, uint32_t exc_return) {
    save(frame, exc_return);
}

extern char after_svc5[], after_svc6[], after_svc7[];

/* Known values in every caller-saved register and APSR, then svc #5. */
static void svc_with_known_registers(uint32_t apsr) {
    __asm volatile(
        "msr APSR_nzcvqg, %0\n"
        "ldr r0, =0x10101010\n"
        "ldr r1, =0x21212121\n"
        "ldr r2, =0x32323232\n"
        "ldr r3, =0x43434343\n"
        "ldr r12, =0xC0C0C0C0\n"
        "ldr lr, =0xE1E1E1E1\n"
        "svc #5\n"
        ".global after_svc5\n"
        "after_svc5:\n"
        "b 1f\n"
        ".ltorg\n"
        "1:\n" ::"r"(apsr)
        : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
}

static void print_frame(const char* what) {
    sh_print(what);
    sh_kv("  r0", saved[0]);
    sh_kv("  r1", saved[1]);
    sh_kv("  r2", saved[2]);
    sh_kv("  r3", saved[3]);
    sh_kv("  r12", saved[4]);
    sh_kv("  lr", saved[5]);
    sh_kv("  xpsr", saved[7]);
    sh_kv("  exc_return", saved_lr);
    sh_kv("  ipsr", saved_ipsr);
    sh_kv("  control", saved_control);
}

/* svc with SP lowered by `extra` bytes first (4: a frame that needs realigning). */
static uint32_t svc_at_offset(uint32_t extra) {
    uint32_t sp_before;
    __asm volatile(
        "sub sp, sp, %1\n"
        "mov %0, sp\n"
        "svc #5\n"
        "add sp, sp, %1\n"
        : "=&r"(sp_before)
        : "r"(extra)
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    return sp_before;
}

static uint32_t process_stack[128] __attribute__((aligned(8)));

int main(void) {
    SCB_SHPR_BYTE(11) = 0x80; /* SVCall */
    SCB_SHPR_BYTE(14) = 0x40; /* PendSV above it */
    barrier();

    /* Thread mode, MSP: N, C, Q and GE = 0b1010 in the stacked xPSR, T set, IPSR 0. */
    svc_with_known_registers(0xA80A0000u);
    print_frame("thread msp");
    sh_kv("  pc_is_after_svc", saved[6] == ((uint32_t)after_svc5 & ~1u));
    sh_kv("  frame_is_msp", saved_frame > saved_msp && saved_frame < saved_msp + 128);

    /* Z, V and GE = 0b0101. */
    svc_with_known_registers(0x50050000u);
    sh_kv("thread msp zv xpsr", saved[7]);

    /* Frame alignment: aligned SP pushes no padding; SP % 8 == 4 pushes one word and sets
       xPSR bit 9 (B1.5.6, CCR.STKALIGN = 1 out of reset on the Cortex-M4). */
    sh_kv("ccr.stkalign", (SCB_CCR >> 9) & 1);
    uint32_t sp = svc_at_offset(0);
    sh_kv("aligned: sp-frame", sp - saved_frame);
    sh_kv("aligned: bit9", (saved[7] >> 9) & 1);
    sp = svc_at_offset(4);
    sh_kv("misaligned: sp-frame", sp - saved_frame);
    sh_kv("misaligned: bit9", (saved[7] >> 9) & 1);
    sh_kv("misaligned: frame%8", saved_frame & 7);

    /* Thread mode, PSP: 0xFFFFFFFD, the frame on the process stack, CONTROL.SPSEL reads 0 in
       the handler. */
    set_psp((uint32_t)&process_stack[128]);
    set_control(2);
    svc_with_known_registers(0x00000000u);
    set_control(0);
    print_frame("thread psp");
    sh_kv("  frame_in_process_stack", saved_frame >= (uint32_t)process_stack &&
                                          saved_frame <= (uint32_t)&process_stack[128] - 32);

    /* Thread on PSP with PSP % 8 == 4 (a task stack one word off): the frame is realigned on
       the process stack, bit 9 set, and PSP comes back to its old value. */
    set_psp((uint32_t)&process_stack[127]);
    set_control(2);
    uint32_t psp_after;
    __asm volatile("svc #5\n mov %0, sp\n"
                   : "=r"(psp_after)
                   :
                   : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    set_control(0);
    sh_kv("misaligned psp: top-frame", (uint32_t)&process_stack[127] - saved_frame);
    sh_kv("misaligned psp: bit9", (saved[7] >> 9) & 1);
    sh_kv("misaligned psp: psp restored", psp_after == (uint32_t)&process_stack[127]);

    /* Handler mode: PendSV taken inside the SVC handler gets 0xFFFFFFF1 and a frame whose
       xPSR carries IPSR = 11 and whose return address is inside the SVC handler. */
    __asm volatile("svc #7\n.global after_svc7\nafter_svc7:\n" ::
                       : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    sh_kv("nested: exc_return", saved_lr);
    sh_kv("nested: ipsr", saved_ipsr);
    sh_kv("nested: stacked ipsr", saved[7] & 0x1FF);
    sh_kv("nested: stacked t", (saved[7] >> 24) & 1);
    sh_kv("nested: pc in svc_c",
          saved[6] >= ((uint32_t)svc_c & ~1u) && saved[6] < ((uint32_t)svc_c & ~1u) + 64);

    /* SVC in an IT block: the return address is the next instruction and the stacked ITSTATE
       is the state for it (one instruction left of ITT EQ: IT[7:0] = 0x04 | cond bits). */
    uint32_t r1_out;
    __asm volatile(
        "movs r1, #0\n"
        "cmp r1, #0\n"
        "itt eq\n"
        "svceq #6\n"
        "addeq r1, r1, #1\n"
        "mov %0, r1\n"
        : "=r"(r1_out)
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
    sh_kv("svc in it: xpsr", saved[7]);
    sh_kv("svc in it: second instruction ran", r1_out);

    /* A handler that does not touch the frame returns every APSR bit it stacked: NZCVQ and
       the GE bits (B1.5.8 PopStack restores APSR<19:16> when the DSP extension is present). */
    uint32_t apsr_after;
    __asm volatile(
        "msr APSR_nzcvqg, %1\n"
        "svc #5\n"
        "mrs %0, apsr\n"
        : "=r"(apsr_after)
        : "r"(0x980F0000u)
        : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
    sh_kv("apsr after svc return", apsr_after);
    /* SEL after the return picks bytes by the GE bits that were set before it. */
    uint32_t sel;
    __asm volatile(
        "msr APSR_nzcvqg, %1\n"
        "svc #5\n"
        "sel %0, %2, %3\n"
        : "=r"(sel)
        : "r"(0x00050000u), "r"(0x11223344u), "r"(0xAABBCCDDu)
        : "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
    sh_kv("sel after svc return", sel);
    sh_print("done");
    return 0;
}
