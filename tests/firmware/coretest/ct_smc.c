/* Code written to SRAM at run time (ARMv7-M ARM A3.5.4 / B2.2: after a DSB and an ISB the new
   instructions are the ones executed): a two-instruction function is copied to SRAM, called,
   patched in place (its MOVS immediate, and once the whole instruction), and called again; a
   function in SRAM that patches the next instruction of its own code path. */
#include "ct.h"

static uint16_t code[16] __attribute__((aligned(4)));

typedef uint32_t (*fn_t)(void);

static uint32_t call(void) {
    __asm volatile("dsb\n isb" ::: "memory");
    return ((fn_t)((uint32_t)code | 1u))();
}

int main(void) {
    code[0] = 0x2001; /* movs r0, #1 */
    code[1] = 0x4770; /* bx lr */
    sh_kv("first", call());
    code[0] = 0x2002; /* movs r0, #2 */
    sh_kv("patched immediate", call());
    code[0] = 0x2005; /* movs r0, #5 */
    sh_kv("patched again", call());
    code[0] = 0x4608; /* mov r0, r1 */
    uint32_t r;
    __asm volatile(
        "movs r1, #0x77\n"
        "dsb\n isb\n"
        "blx %1\n"
        "mov %0, r0\n"
        : "=r"(r)
        : "r"((uint32_t)code | 1u)
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    sh_kv("new instruction", r);

    /* Self-modifying: the SRAM code stores a new MOVS over a later instruction, then ISB. */
    code[0] = 0x800A; /* strh r2, [r1] */
    code[1] = 0xF3BF; /* isb (32-bit: f3bf 8f6f) */
    code[2] = 0x8F6F;
    code[3] = 0x2003; /* movs r0, #3 (overwritten with movs r0, #9 by the strh) */
    code[4] = 0x4770; /* bx lr */
    __asm volatile(
        "mov r1, %1\n"
        "movs r2, #0x09\n"
        "orr r2, r2, #0x2000\n" /* 0x2009 = movs r0, #9 */
        "dsb\n isb\n"
        "blx %2\n"
        "mov %0, r0\n"
        : "=r"(r)
        : "r"((uint32_t)&code[3]), "r"((uint32_t)code | 1u)
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    sh_kv("self-modified", r);
    sh_print("done");
    return 0;
}
