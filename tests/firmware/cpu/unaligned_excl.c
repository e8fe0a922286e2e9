/* STREX/STREXH at an unaligned address are a UsageFault UNALIGNED whether or not the exclusive
   monitor is held (ARMv7-M ExclusiveMonitorsPass(): the alignment check comes first; only
   whether a memory abort is detected before the monitor check is IMPLEMENTATION DEFINED).
   tockemu follows the manual. QEMU 7.2 compares the address with the monitor first and lets
   the store fail silently (status 1, no fault): this firmware is therefore not in the
   differential list, tests/cpu/firmware_test.cpp asserts its lines. */
#include "cpu_fw.h"

static volatile uint32_t faults;
static volatile uint32_t fault_pc;

FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    const uint32_t cfsr = SCB_CFSR;
    faults++;
    fault_pc = frame[6];
    sh_kv("usagefault cfsr", cfsr);
    SCB_CFSR = cfsr;
    frame[6] += 4; /* both faulting instructions are 32-bit encodings */
}

static uint32_t buf[2] __attribute__((aligned(8))) = {0x11111111u, 0x22222222u};

extern char s_strex, s_strexh;

int main(void) {
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    const uint32_t odd = (uint32_t)buf + 2;
    uint32_t r = 0, before = faults;

    /* The monitor is held (for the aligned word): the unaligned STREX still faults. */
    __asm volatile("ldrex %0, [%1]" : "=&r"(r) : "r"(buf) : "memory");
    __asm volatile("mov %0, #5\n.global s_strex\ns_strex: strex %0, %1, [%2]\n"
                   : "=&r"(r)
                   : "r"(0xEEu), "r"(odd)
                   : "memory");
    sh_kv("strex faults", faults - before);
    sh_kv("  at the instruction", fault_pc == ((uint32_t)&s_strex & ~1u));
    sh_kv("  status register untouched", r == 5);

    /* No monitor held: STREXH at an odd address faults too. */
    __asm volatile("clrex" ::: "memory");
    before = faults;
    __asm volatile(".global s_strexh\ns_strexh: strexh %0, %1, [%2]\n"
                   : "=&r"(r)
                   : "r"(0xEEu), "r"(odd + 1)
                   : "memory");
    sh_kv("strexh faults", faults - before);
    sh_kv("  at the instruction", fault_pc == ((uint32_t)&s_strexh & ~1u));
    sh_kv("nothing stored", buf[0] == 0x11111111u && buf[1] == 0x22222222u);
    sh_print("done");
    return 0;
}
