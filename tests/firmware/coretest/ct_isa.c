/* A few Cortex-M4 (ARMv7E-M) instructions with their flags (ARMv7-M ARM A7.7): DSP SIMD
   (SADD16, UQSUB8, SEL by GE), long multiply-accumulate (SMLAL, SMUAD with Q), saturation
   (SSAT/USAT set Q; QADD), CLZ, RBIT, REV/REV16/REVSH, UDIV/SDIV edge cases (INT_MIN / -1,
   division by zero with DIV_0_TRP clear gives 0), IT blocks that read and write flags,
   bit-field instructions. Unicorn shares QEMU's TCG, so these are cheap sanity checks. */
#include "ct.h"

#define OP2(name, insn, a, b)                                                        \
    do {                                                                             \
        uint32_t r_, apsr_ = 0; /* flags, Q and GE cleared before the instruction */ \
        __asm volatile("msr APSR_nzcvqg, %3\n" insn " %0, %1, %2\n mrs %3, apsr\n"   \
                       : "=&r"(r_), "+r"(a), "+r"(b), "+&r"(apsr_)                   \
                       :                                                             \
                       : "cc");                                                      \
        sh_kv(name, r_);                                                             \
        sh_kv("  apsr", apsr_);                                                      \
    } while (0)

static uint32_t apsr_zero(void) {
    return 0;
}

int main(void) {
    uint32_t a, b;

    a = 0x7FFF8000u;
    b = 0x00018000u;
    OP2("sadd16", "sadd16", a, b);
    a = 0x10FF0520u;
    b = 0x20010630u;
    OP2("uqsub8", "uqsub8", a, b);
    a = 0x11223344u;
    b = 0x55667788u;
    OP2("usub8 (sets ge)", "usub8", a, b);
    a = 0x80007FFFu;
    b = 0x80000001u;
    OP2("qadd16", "qadd16", a, b);
    a = 0x7FFFFFFFu;
    b = 1;
    OP2("qadd (saturates, q)", "qadd", a, b);
    a = 0x00020003u;
    b = 0x00040005u;
    OP2("smuad", "smuad", a, b);
    a = 0x80008000u;
    b = 0x80008000u;
    OP2("smuad (overflow sets q)", "smuad", a, b);
    a = 0x12345678u;
    b = 0x9ABCDEF0u;
    OP2("uadd8", "uadd8", a, b);
    a = 0x12345678u;
    b = 0x9ABCDEF0u;
    OP2("shadd16", "shadd16", a, b);
    a = 0x12345678u;
    b = 0x9ABCDEF0u;
    OP2("uhsub8", "uhsub8", a, b);

    /* SEL by the GE bits a previous SIMD instruction left. */
    uint32_t sel;
    __asm volatile("usub8 %0, %1, %2\n sel %0, %3, %4\n"
                   : "=&r"(sel)
                   : "r"(0x80108010u), "r"(0x10801080u), "r"(0xAAAAAAAAu), "r"(0x55555555u)
                   : "cc");
    sh_kv("usub8 then sel", sel);

    /* SMLAL: 64-bit accumulate. */
    uint32_t lo = 0xFFFFFFFFu, hi = 0x00000001u;
    __asm volatile("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(-3), "r"(0x40000000));
    sh_kv("smlal lo", lo);
    sh_kv("smlal hi", hi);
    lo = 0x00000010u;
    hi = 0;
    __asm volatile("umlal %0, %1, %2, %3"
                   : "+r"(lo), "+r"(hi)
                   : "r"(0xFFFFFFFFu), "r"(0xFFFFFFFFu));
    sh_kv("umlal lo", lo);
    sh_kv("umlal hi", hi);

    /* SSAT/USAT and the Q flag. */
    uint32_t s, apsr;
    __asm volatile("msr APSR_nzcvq, %2\n ssat %0, #8, %1\n mrs %2, apsr\n"
                   : "=&r"(s), "+r"((uint32_t){300u}), "=&r"(apsr)
                   : "2"(apsr_zero())
                   : "cc");
    sh_kv("ssat #8 300", s);
    sh_kv("  q", (apsr >> 27) & 1);
    __asm volatile("msr APSR_nzcvq, %2\n usat %0, #8, %1\n mrs %2, apsr\n"
                   : "=&r"(s), "+r"((uint32_t){(uint32_t)-5}), "=&r"(apsr)
                   : "2"(apsr_zero())
                   : "cc");
    sh_kv("usat #8 -5", s);
    sh_kv("  q", (apsr >> 27) & 1);
    __asm volatile("msr APSR_nzcvq, %2\n ssat %0, #16, %1, asr #4\n mrs %2, apsr\n"
                   : "=&r"(s), "+r"((uint32_t){0x00012340u}), "=&r"(apsr)
                   : "2"(apsr_zero())
                   : "cc");
    sh_kv("ssat #16 asr 4 in range", s);
    sh_kv("  q", (apsr >> 27) & 1);
    __asm volatile("msr APSR_nzcvq, %2\n ssat16 %0, #4, %1\n mrs %2, apsr\n"
                   : "=&r"(s), "+r"((uint32_t){0x0010FFF0u}), "=&r"(apsr)
                   : "2"(apsr_zero())
                   : "cc");
    sh_kv("ssat16 #4", s);
    sh_kv("  q", (apsr >> 27) & 1);

    /* Bit manipulation. */
    uint32_t r;
    __asm volatile("clz %0, %1" : "=r"(r) : "r"(0x00010000u));
    sh_kv("clz 0x00010000", r);
    __asm volatile("clz %0, %1" : "=r"(r) : "r"(0u));
    sh_kv("clz 0", r);
    __asm volatile("rbit %0, %1" : "=r"(r) : "r"(0x12345678u));
    sh_kv("rbit", r);
    __asm volatile("rev %0, %1" : "=r"(r) : "r"(0x12345678u));
    sh_kv("rev", r);
    __asm volatile("rev16 %0, %1" : "=r"(r) : "r"(0x12345678u));
    sh_kv("rev16", r);
    __asm volatile("revsh %0, %1" : "=r"(r) : "r"(0x000080FFu));
    sh_kv("revsh", r);
    __asm volatile("ubfx %0, %1, #4, #12" : "=r"(r) : "r"(0xABCDEF12u));
    sh_kv("ubfx", r);
    __asm volatile("sbfx %0, %1, #8, #8" : "=r"(r) : "r"(0x0000F000u));
    sh_kv("sbfx", r);
    r = 0xFFFFFFFFu;
    __asm volatile("bfc %0, #8, #16" : "+r"(r));
    sh_kv("bfc", r);
    r = 0;
    __asm volatile("bfi %0, %1, #4, #8" : "+r"(r) : "r"(0x1FFu));
    sh_kv("bfi", r);

    /* Division edge cases (DIV_0_TRP clear: x / 0 = 0). */
    volatile int32_t int_min = (int32_t)0x80000000, minus_one = -1, zero = 0;
    int32_t q;
    __asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(int_min), "r"(minus_one));
    sh_kv("sdiv int_min / -1", (uint32_t)q);
    __asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(-7), "r"(2));
    sh_kv("sdiv -7 / 2", (uint32_t)q);
    __asm volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(-7), "r"(zero));
    sh_kv("sdiv -7 / 0", (uint32_t)q);
    uint32_t uq;
    __asm volatile("udiv %0, %1, %2" : "=r"(uq) : "r"(0xFFFFFFFFu), "r"(2u));
    sh_kv("udiv 0xffffffff / 2", uq);
    __asm volatile("udiv %0, %1, %2" : "=r"(uq) : "r"(5u), "r"((uint32_t)zero));
    sh_kv("udiv 5 / 0", uq);

    /* IT blocks: conditions evaluated on flags set inside the block. */
    uint32_t x = 0;
    __asm volatile(
        "movs %0, #0\n"
        "cmp %0, #0\n"
        "itete eq\n"
        "addeq %0, %0, #1\n"  /* runs */
        "addne %0, %0, #2\n"  /* skipped */
        "cmpeq %0, #5\n"      /* runs: 1 != 5 -> Z = 0 */
        "addne %0, %0, #16\n" /* runs: NE now true */
        : "+l"(x)
        :
        : "cc");
    sh_kv("it block with flags set inside", x);
    uint32_t c;
    __asm volatile(
        "movs %0, #0\n"
        "adds %1, %2, %2\n" /* 0x80000000 + 0x80000000: C=1 V=1 Z=1 */
        "ite cs\n"
        "movcs %0, #1\n"
        "movcc %0, #2\n"
        "it vs\n"
        "addvs %0, %0, #4\n"
        : "=&r"(c), "=&r"(r)
        : "r"(0x80000000u)
        : "cc");
    sh_kv("it cs/vs after adds", c);
    /* 64-bit add with carry and a shifted operand. */
    uint32_t l0 = 0xFFFFFFFFu, h0 = 1, l1 = 1, h1 = 2;
    __asm volatile("adds %0, %0, %2\n adc %1, %1, %3\n"
                   : "+r"(l0), "+r"(h0)
                   : "r"(l1), "r"(h1)
                   : "cc");
    sh_kv("adds/adc lo", l0);
    sh_kv("adds/adc hi", h0);
    __asm volatile("rsb %0, %1, %1, lsl #3" : "=r"(r) : "r"(5u));
    sh_kv("rsb lsl 3", r);
    sh_print("done");
    return 0;
}
