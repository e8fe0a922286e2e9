/* A precise BusFault on a load or store with base writeback leaves the base register as it was
   (ARMv7-M ARM B1.5.6/A3.x: an instruction that takes a precise fault has not updated its
   registers, so the handler can retry it): LDR post- and pre-indexed, LDMIA!, STMDB! (PUSH-like)
   and STR pre-indexed, each at the unmapped 0x30000000 with the handler skipping it. */
#include "ct.h"

static volatile uint32_t bf_count, stacked_r2, stacked_pc;

FRAME_HANDLER(busfault_handler, busfault_c)
void busfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    bf_count++;
    stacked_r2 = frame[2];
    stacked_pc = frame[6];
    SCB_CFSR = SCB_CFSR;
    frame[6] += 4; /* every instruction below is 32-bit */
}

#define TRY(what, insn)                                                                    \
    do {                                                                                   \
        uint32_t r2_after;                                                                 \
        __asm volatile("ldr r2, =0x30000010\n" insn "\n mov %0, r2\n b 1f\n .ltorg\n 1:\n" \
                       : "=r"(r2_after)                                                    \
                       :                                                                   \
                       : "r0", "r1", "r2", "memory");                                      \
        sh_puts(what);                                                                     \
        sh_kv(": base in the frame", stacked_r2);                                          \
        sh_kv("  base after the return", r2_after);                                        \
    } while (0)

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    barrier();
    TRY("ldr r1, [r2], #8", "ldr.w r1, [r2], #8");
    TRY("ldr r1, [r2, #8]!", "ldr.w r1, [r2, #8]!");
    TRY("ldmia r2!, {r0, r1}", "ldmia.w r2!, {r0, r1}");
    TRY("stmdb r2!, {r0, r1}", "stmdb.w r2!, {r0, r1}");
    TRY("str r1, [r2, #-4]!", "str.w r1, [r2, #-4]!");
    sh_kv("busfaults", bf_count);
    sh_print("done");
    return 0;
}
