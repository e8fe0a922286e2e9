/* CCR.UNALIGN_TRP (ARMv7-M A3.2.1): with the bit set, every unaligned halfword or word access
   is a UsageFault with CFSR.UNALIGNED at the access, and a faulting store writes nothing; with
   it clear a plain unaligned LDR is allowed. Runs unchanged on QEMU mps2-an386. */
#include "cpu_fw.h"

static volatile uint32_t faults;
static volatile uint32_t fault_pc;

FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    const uint32_t cfsr = SCB_CFSR;
    /* Compiled code may merge byte stores into unaligned ones: no trapping while printing. */
    SCB_CCR &= ~(1u << 3);
    faults++;
    fault_pc = frame[6];
    sh_kv("usagefault cfsr", cfsr);
    SCB_CFSR = cfsr;
    frame[6] += 4; /* every faulting access below is a 32-bit encoding */
}

extern char ldr_site, str_site;

int main(void) {
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    static uint32_t words[2] = {1, 2};
    uint32_t v = 0;

    __asm volatile("ldr.w %0, [%1]" : "=r"(v) : "r"((uint32_t)words + 1) : "memory");
    sh_kv("trap off: unaligned ldr value", v);

    SCB_CCR |= 1u << 3;
    barrier();
    __asm volatile(".global ldr_site\nldr_site: ldr.w %0, [%1]"
                   : "=r"(v)
                   : "r"((uint32_t)words + 1)
                   : "memory");
    sh_kv("ldr faults", faults);
    sh_kv("at the ldr", fault_pc == ((uint32_t)&ldr_site & ~1u));

    SCB_CCR |= 1u << 3;
    barrier();
    __asm volatile(".global str_site\nstr_site: str.w %0, [%1]"
                   :
                   : "r"(0xAABBCCDDu), "r"((uint32_t)words + 2)
                   : "memory");
    sh_kv("str faults", faults);
    sh_kv("at the str", fault_pc == ((uint32_t)&str_site & ~1u));
    sh_kv("nothing stored", words[0] == 1 && words[1] == 2);

    SCB_CCR |= 1u << 3;
    barrier();
    const uint32_t before = faults;
    __asm volatile("ldrh.w %0, [%1]" : "=r"(v) : "r"((uint32_t)words + 4) : "memory");
    __asm volatile("ldr.w %0, [%1]" : "=r"(v) : "r"((uint32_t)words + 4) : "memory");
    SCB_CCR &= ~(1u << 3);
    barrier();
    sh_kv("aligned accesses allowed", faults == before && v == 2);
    sh_print("done");
    return 0;
}
