/* The stacked PC of a precise BusFault is the faulting instruction (ARMv7-M ARM B1.5.6), even
   when an earlier memory instruction of the same straight-line code used the same base register
   with a different value: here `ldr r0, [r2]` reads SRAM, r2 is then moved to the unmapped
   0x30000000 and `ldr r1, [r2]` faults; the same with stores (the earlier store stays done).
   The handler skips the faulting instruction, so a wrong stacked PC shows as a second fault and
   code running twice. Finding F10. */
#include "ct.h"

static volatile uint32_t bf_count, bf_pc, bf_bfar;
static uint32_t ram_word = 0x1234;
extern char second_ldr[], second_str[];

FRAME_HANDLER(busfault_handler, busfault_c)
void busfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    if (bf_count++ == 0) { /* the first fault of each case */
        bf_pc = frame[6];
        bf_bfar = SCB_BFAR;
    }
    SCB_CFSR = SCB_CFSR;
    frame[6] += 2; /* the faulting instructions are 16-bit */
}

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    barrier();
    uint32_t first, counter = 0;
    __asm volatile(
        "mov r2, %2\n"
        "ldr %0, [r2]\n" /* SRAM */
        "mov r2, %3\n"   /* now unmapped */
        "adds %1, %1, #1\n"
        ".global second_ldr\n"
        "second_ldr: ldr r1, [r2]\n"
        "adds %1, %1, #1\n"
        : "=&l"(first), "+l"(counter)
        : "l"(&ram_word), "l"(0x30000000u)
        : "r1", "r2", "cc", "memory");
    sh_kv("load: busfaults", bf_count);
    sh_kv("load: stacked pc is the faulting ldr", bf_pc == ((uint32_t)second_ldr & ~1u));
    sh_kv("load: bfar", bf_bfar);
    sh_kv("load: first value", first);
    sh_kv("load: code around it ran once", counter);

    bf_count = 0;
    counter = 0;
    __asm volatile(
        "mov r2, %1\n"
        "str %2, [r2]\n" /* SRAM: must stay written */
        "mov r2, %3\n"
        "adds %0, %0, #1\n"
        ".global second_str\n"
        "second_str: str %2, [r2]\n"
        "adds %0, %0, #1\n"
        : "+l"(counter)
        : "l"(&ram_word), "l"(0x5678u), "l"(0x30000000u)
        : "r2", "cc", "memory");
    sh_kv("store: busfaults", bf_count);
    sh_kv("store: stacked pc is the faulting str", bf_pc == ((uint32_t)second_str & ~1u));
    sh_kv("store: first store kept", ram_word);
    sh_kv("store: code around it ran once", counter);
    sh_print("done");
    return 0;
}
