/* A data access to an address where no device is, inside a 1 KiB page that holds a device
   (the SAM4L's GPIO ports end at 0x400E1600, the page at 0x400E1800), is a precise BusFault like
   any unmapped address: PRECISERR, BFARVALID, BFAR = the address, stacked PC = the access, the
   load's register unchanged, the instruction before it done. tockemu-only (QEMU's mps2-an386
   reads 0x400E1600 as zero): tests/cpu/firmware_test.cpp asserts the lines. */
#include "cpu_fw.h"

#define GAP 0x400E1600u

static volatile uint32_t faults;
static volatile uint32_t fault_pc;

FRAME_HANDLER(busfault_handler, bus_c)
void bus_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    const uint32_t cfsr = SCB_CFSR;
    faults++;
    fault_pc = frame[6];
    sh_kv("busfault cfsr", cfsr);
    if (cfsr & (1u << 15)) sh_kv("  bfar", SCB_BFAR);
    SCB_CFSR = cfsr;
    frame[6] += 4; /* both accesses below are 32-bit encodings */
}

extern char s_load, s_store;

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    uint32_t v = 0x1234, r = 0;
    __asm volatile("b 1f\n1: movs %1, #7\n.global s_load\ns_load: ldr.w %0, [%2, #4]\n"
                   : "+&r"(v), "+&r"(r)
                   : "r"(GAP)
                   : "memory");
    sh_kv("load faults", faults);
    sh_kv("  at the load", fault_pc == ((uint32_t)&s_load & ~1u));
    sh_kv("  register unchanged", v == 0x1234);
    sh_kv("  earlier instruction ran", r == 7);
    __asm volatile(".global s_store\ns_store: str.w %0, [%1, #8]\n" : : "r"(v), "r"(GAP)
                   : "memory");
    sh_kv("store faults", faults);
    sh_kv("  at the store", fault_pc == ((uint32_t)&s_store & ~1u));
    sh_print("done");
    return 0;
}
