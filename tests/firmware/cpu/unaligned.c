/* Accesses that must be aligned whatever CCR.UNALIGN_TRP says (ARMv7-M A3.2.1): LDRD/STRD,
   LDM/STM (word), LDREX (word), LDREXH (halfword); STREX/STREXH are in unaligned_excl.c,
   because QEMU does not check them. Each unaligned one is a
   UsageFault UNALIGNED at the instruction: the instructions before it ran, it did nothing (no
   partial STM/STRD, no base writeback). The cases cover the ways the emulator finds them: the
   first instruction of a block, further in with the base from block entry, a base loaded inside
   the block, a constant base, an IT block, writeback forms. Runs unchanged on QEMU mps2-an386.
   UNALIGN_TRP stays 0 throughout: plain LDR/STR may be unaligned. */
#include "cpu_fw.h"

static volatile uint32_t faults;
static volatile uint32_t fault_pc;
static volatile uint32_t fault_xpsr;

FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    const uint32_t cfsr = SCB_CFSR;
    faults++;
    fault_pc = frame[6];
    fault_xpsr = frame[7];
    sh_kv("usagefault cfsr", cfsr);
    SCB_CFSR = cfsr;
    frame[6] += 4; /* every faulting instruction below is a 32-bit encoding */
    /* The IT case faults on the last instruction of its IT block: skipping it ends the block. */
    frame[7] &= ~0x0600FC00u;
}

static uint32_t buf[8] __attribute__((aligned(8)));
static uint32_t *volatile odd_ptr;

static void fill(void) {
    for (int i = 0; i < 8; ++i) buf[i] = 0x11111111u * (uint32_t)(i + 1);
}
static int untouched(void) {
    for (int i = 0; i < 8; ++i)
        if (buf[i] != 0x11111111u * (uint32_t)(i + 1)) return 0;
    return 1;
}
static void expect(const char *what, uint32_t before, uint32_t site) {
    sh_kv(what, faults - before);
    sh_kv("  at the instruction", fault_pc == (site & ~1u));
}

extern char s_first, s_mid, s_loaded, s_const, s_wb, s_it, s_ldrex, s_ldrexh,
    s_ldmdb;

int main(void) {
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    uint32_t odd = (uint32_t)buf + 2;
    uint32_t a = 0, b = 0, r = 0;
    uint32_t before;

    /* The first instruction of a block (a branch ends the previous one). */
    fill();
    before = faults;
    __asm volatile("b 1f\n1:\n.global s_first\ns_first: ldrd %0, %1, [%2]\n"
                   : "=&r"(a), "=&r"(b)
                   : "r"(odd)
                   : "memory");
    expect("ldrd first in block", before, (uint32_t)&s_first);

    /* Further in, base from block entry: the instruction before it ran, nothing stored. */
    fill();
    before = faults;
    r = 0;
    __asm volatile("b 1f\n1: movs %0, #0x42\n.global s_mid\ns_mid: strd %2, %3, [%1]\n"
                   : "+&r"(r)
                   : "r"(odd), "r"(0xAAAAAAAAu), "r"(0xBBBBBBBBu)
                   : "memory");
    expect("strd mid block", before, (uint32_t)&s_mid);
    sh_kv("  earlier instruction ran", r == 0x42);
    sh_kv("  nothing stored", untouched());

    /* Base loaded inside the block: no partial STM. */
    fill();
    odd_ptr = (uint32_t *)odd;
    before = faults;
    __asm volatile("b 1f\n1: ldr r0, [%0]\n.global s_loaded\ns_loaded: stm.w r0, {%1, %2}\n"
                   :
                   : "r"(&odd_ptr), "r"(0xCCCCCCCCu), "r"(0xDDDDDDDDu)
                   : "r0", "memory");
    expect("stm base loaded in block", before, (uint32_t)&s_loaded);
    sh_kv("  nothing stored", untouched());

    /* A constant base (literal pool). */
    before = faults;
    __asm volatile("b 1f\n1: ldr r0, =buf + 1\n.global s_const\ns_const: ldm.w r0, {r2, r3}\n"
                   "b 2f\n.ltorg\n2:\n"
                   :
                   :
                   : "r0", "r2", "r3", "memory");
    expect("ldm constant base", before, (uint32_t)&s_const);

    /* Writeback: the base register keeps its value. */
    r = odd;
    before = faults;
    __asm volatile("b 1f\n1:\n.global s_wb\ns_wb: ldmia.w %0!, {r2, r3}\n"
                   : "+&r"(r)
                   :
                   : "r2", "r3", "memory");
    expect("ldm writeback", before, (uint32_t)&s_wb);
    sh_kv("  base unchanged", r == odd);

    before = faults;
    r = odd + 8;
    __asm volatile(".global s_ldmdb\ns_ldmdb: ldmdb.w %0!, {r2, r3}\n" : "+&r"(r) : : "r2", "r3",
                   "memory");
    expect("ldmdb writeback", before, (uint32_t)&s_ldmdb);
    sh_kv("  base unchanged", r == odd + 8);

    /* In an IT block: not executed when the condition fails, faults when it passes. */
    before = faults;
    __asm volatile("cmp %2, %2\n it ne\n ldrdne %0, %1, [%2]\n"
                   : "=&r"(a), "=&r"(b)
                   : "r"(odd)
                   : "cc", "memory");
    sh_kv("ldrd it-false faults", faults - before);
    before = faults;
    __asm volatile("cmp %2, %2\n itt eq\n moveq %0, #1\n.global s_it\ns_it: strdeq %0, %1, [%2]\n"
                   : "=&r"(a), "=&r"(b)
                   : "r"(odd)
                   : "cc", "memory");
    expect("strd it-true", before, (uint32_t)&s_it);
    sh_kv("  stacked it state", (fault_xpsr >> 10) & 0x3F);
    sh_kv("  nothing stored", untouched());

    /* Exclusives. */
    before = faults;
    __asm volatile(".global s_ldrex\ns_ldrex: ldrex %0, [%1]\n" : "=&r"(a) : "r"(odd) : "memory");
    expect("ldrex", before, (uint32_t)&s_ldrex);
    before = faults;
    __asm volatile(".global s_ldrexh\ns_ldrexh: ldrexh %0, [%1]\n"
                   : "=&r"(a)
                   : "r"(odd + 1)
                   : "memory");
    expect("ldrexh", before, (uint32_t)&s_ldrexh);
    /* Aligned forms, and halfword-aligned STREXH / plain unaligned LDR, are fine. */
    before = faults;
    uint64_t d = 0;
    __asm volatile("ldrd %Q0, %R0, [%1]\n strd %Q0, %R0, [%1, #8]\n" : "=&r"(d) : "r"(buf)
                   : "memory");
    __asm volatile("ldm.w %0, {r2, r3}\n stm.w %0, {r2, r3}\n" : : "r"(buf) : "r2", "r3", "memory");
    uint32_t status = 0;
    __asm volatile("ldrexh %0, [%2]\n strexh %1, %0, [%2]\n clrex\n"
                   : "=&r"(r), "=&r"(status)
                   : "r"(odd)
                   : "memory");
    __asm volatile("ldr.w %0, [%1]\n" : "=r"(r) : "r"(odd + 1) : "memory");
    sh_kv("aligned forms fault", faults - before);
    sh_print("done");
    return 0;
}
