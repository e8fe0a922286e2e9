/* CCR.STKALIGN and stacked xPSR bit 9 (ARMv7-M ARM B1.5.6 PushStack, B1.5.8 PopStack, B3.2.8):
   with STKALIGN = 0 the frame is pushed at SP - 32 with no realignment and bit 9 = 0 even when
   SP % 8 == 4. On return PopStack computes SP = (frame + 32) OR spmask, spmask =
   (psr<9> AND CCR.STKALIGN) << 2: bit 9 is ignored while STKALIGN = 0, and with STKALIGN = 1
   it cannot move a frame whose end already has bit 2 set. Finding F6. */
#include "ct.h"

static volatile uint32_t frame_addr, stacked_xpsr, set_bit9;

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    frame_addr = (uint32_t)frame;
    stacked_xpsr = frame[7];
    if (set_bit9) frame[7] |= 1u << 9;
    if (set_bit9 == 2) SCB_CCR |= CCR_STKALIGN; /* STKALIGN on before the return */
}

/* svc with SP = (SP rounded down to 8) - extra; returns that SP, *moved = SP after the return
   minus SP before the svc. */
static uint32_t svc_at(uint32_t extra, uint32_t* moved) {
    uint32_t before, after, saved, tmp;
    __asm volatile(
        "mov %[saved], sp\n"
        "bic %[tmp], %[saved], #7\n"
        "sub %[tmp], %[tmp], %[extra]\n"
        "mov sp, %[tmp]\n"
        "mov %[before], sp\n"
        "svc #0\n"
        "mov %[after], sp\n"
        "mov sp, %[saved]\n"
        : [before] "=&r"(before), [after] "=&r"(after), [saved] "=&r"(saved), [tmp] "=&r"(tmp)
        : [extra] "r"(extra)
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    *moved = after - before;
    return before;
}

int main(void) {
    uint32_t moved, sp;
    SCB_CCR &= ~CCR_STKALIGN;
    barrier();
    sh_kv("ccr.stkalign", (SCB_CCR >> 9) & 1);
    sp = svc_at(4, &moved);
    sh_kv("stkalign 0, sp%8=4: sp-frame", sp - frame_addr);
    sh_kv("stkalign 0, sp%8=4: bit9", (stacked_xpsr >> 9) & 1);
    sh_kv("stkalign 0, sp%8=4: sp moved", moved);
    sp = svc_at(0, &moved);
    sh_kv("stkalign 0, aligned: sp-frame", sp - frame_addr);
    set_bit9 = 1;
    sp = svc_at(0, &moved);
    sh_kv("stkalign 0, bit9 set by handler: sp moved", moved);
    /* Frame pushed at SP % 8 == 4 with STKALIGN = 0, then the handler sets STKALIGN and bit 9:
       (frame + 32) already has bit 2 set, so OR-ing spmask moves nothing. */
    set_bit9 = 2;
    sp = svc_at(4, &moved);
    sh_kv("misaligned frame, handler sets stkalign and bit9: sp moved", moved);
    set_bit9 = 0;
    SCB_CCR |= CCR_STKALIGN;
    barrier();
    sp = svc_at(4, &moved);
    sh_kv("stkalign 1, sp%8=4: sp-frame", sp - frame_addr);
    sh_kv("stkalign 1, sp%8=4: bit9", (stacked_xpsr >> 9) & 1);
    sh_kv("stkalign 1, sp%8=4: sp moved", moved);
    sh_print("done");
    return 0;
}
