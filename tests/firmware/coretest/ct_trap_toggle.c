/* CCR.DIV_0_TRP and CCR.UNALIGN_TRP take effect for code that already ran before the bit
   changed (ARMv7-M ARM B3.2.8; A3.2.1, A7.7 SDIV/UDIV): the same function divides by zero and
   loads unaligned with each bit clear, set, and clear again. */
#include "ct.h"

static volatile uint32_t uf_count, uf_cfsr;

FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    uf_count++;
    uf_cfsr = SCB_CFSR;
    SCB_CFSR = uf_cfsr;
    frame[6] += 4; /* udiv and ldr.w are 32-bit */
}

static uint32_t words[2] = {0x11223344u, 0x55667788u};

__attribute__((noinline)) static uint32_t divide(uint32_t a, uint32_t b) {
    uint32_t q = 0xDEADu;
    __asm volatile("udiv %0, %1, %2" : "+r"(q) : "r"(a), "r"(b));
    __asm volatile("" ::: "memory");
    return q;
}

__attribute__((noinline)) static uint32_t load_unaligned(void) {
    uint32_t v = 0xDEADu;
    __asm volatile("ldr.w %0, [%1]" : "+r"(v) : "r"((uint32_t)words + 1) : "memory");
    return v;
}

/* Runs both with CCR trap bits `ccr_bits`, printing only once they are clear again (the
   semihosting helpers may themselves make unaligned accesses). */
static void round(const char* what, uint32_t ccr_bits) {
    SCB_CCR |= ccr_bits;
    barrier();
    uf_count = 0;
    const uint32_t q = divide(7, 0);
    const uint32_t div_faults = uf_count;
    uf_count = 0;
    const uint32_t v = load_unaligned();
    const uint32_t unaligned_faults = uf_count;
    SCB_CCR &= ~ccr_bits;
    barrier();
    sh_puts(what);
    sh_kv(": udiv 7/0 (0xdead: rd kept, 0: quotient 0, 1: other)",
          q == 0xDEADu ? 0xDEADu : (q == 0 ? 0 : 1));
    sh_kv("  div faults", div_faults);
    sh_kv("  unaligned ldr", v);
    sh_kv("  unaligned faults", unaligned_faults);
}

int main(void) {
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    barrier();
    round("traps clear", 0);
    round("traps set", (1u << 4) | (1u << 3));
    round("traps clear again", 0);
    round("traps set again", (1u << 4) | (1u << 3));
    sh_print("done");
    return 0;
}
