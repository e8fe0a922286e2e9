/* Accesses that must be aligned whatever CCR.UNALIGN_TRP says (ARMv7-M ARM A3.2.1): LDRD/STRD,
   LDM/STM and LDREX/STREX at a non-word-aligned address, LDREXH at an odd address, are a
   UsageFault with UFSR.UNALIGNED at the instruction, and a refused store writes nothing.
   A plain unaligned LDR stays allowed (UNALIGN_TRP = 0). Finding F5 (docs/0004 lists it as a
   known gap). */
#include "ct.h"

static volatile uint32_t uf_count, uf_cfsr;

FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    uf_count++;
    uf_cfsr = SCB_CFSR;
    SCB_CFSR = uf_cfsr;
    frame[6] += 4; /* every instruction below is 32 bits */
}

static uint32_t buf[8] __attribute__((aligned(8))) = {0x11111111u, 0x22222222u, 0x33333333u,
                                                      0x44444444u, 0x55555555u, 0x66666666u};

static void report(const char* what) {
    sh_print(what);
    sh_kv("  usagefaults", uf_count);
    sh_kv("  cfsr", uf_cfsr);
    uf_count = uf_cfsr = 0;
}

int main(void) {
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    barrier();
    const uint32_t base = (uint32_t)buf;
    uint32_t lo = 0, hi = 0;

    __asm volatile("ldr.w %0, [%1]" : "=r"(lo) : "r"(base + 2) : "memory");
    sh_kv("plain ldr at +2", lo);
    report("  (no fault)");

    __asm volatile("ldrd %0, %1, [%2]" : "=&r"(lo), "=&r"(hi) : "r"(base + 2) : "memory");
    report("ldrd at +2");
    __asm volatile("strd %0, %1, [%2]" ::"r"(0xAAAAAAAAu), "r"(0xBBBBBBBBu), "r"(base + 9)
                   : "memory");
    report("strd at +9");
    sh_kv("  buf[2] untouched", buf[2]);
    sh_kv("  buf[3] untouched", buf[3]);
    __asm volatile("ldmia.w %2, {%0, %1}" : "=&r"(lo), "=&r"(hi) : "r"(base + 4 + 2) : "memory");
    report("ldm at +6");
    __asm volatile("stmia.w %0, {%1, %2}" ::"r"(base + 16 + 1), "r"(0xCCCCCCCCu), "r"(0xDDDDDDDDu)
                   : "memory");
    report("stm at +17");
    sh_kv("  buf[4] untouched", buf[4]);
    __asm volatile("ldrex %0, [%1]" : "=r"(lo) : "r"(base + 2) : "memory");
    report("ldrex at +2");
    __asm volatile("ldrexh %0, [%1]\n nop" : "=r"(lo) : "r"(base + 1) : "memory");
    report("ldrexh at +1");
    __asm volatile("clrex" ::: "memory");
    sh_print("done");
    return 0;
}
