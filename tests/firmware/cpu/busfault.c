/* BusFault on unmapped memory: a load (PRECISERR, BFARVALID, BFAR = the address, stacked PC =
   the load) and an instruction fetch (IBUSERR, stacked PC = the target). 0x30000000 is
   unmapped both on the SAM4L and on QEMU's mps2-an386. */
#include "cpu_fw.h"

#define UNMAPPED 0x30000000u

static volatile uint32_t faults;
uint32_t load_pc, resume_fetch;

FRAME_HANDLER(busfault_handler, bus_c)
void bus_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    const uint32_t cfsr = SCB_CFSR;
    faults++;
    sh_kv("busfault cfsr", cfsr);
    if (cfsr & (1u << 15)) sh_kv("  bfar", SCB_BFAR);
    if (cfsr & (1u << 9)) {
        sh_kv("  stacked_pc_is_load", frame[6] == load_pc);
        frame[6] += 2;
    }
    if (cfsr & (1u << 8)) {
        sh_kv("  stacked_pc", frame[6]);
        frame[6] = resume_fetch;
    }
    SCB_CFSR = cfsr;
}

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    uint32_t v = 0x1234;
    __asm volatile(
        "adr r2, 1f\n ldr r3, =load_pc\n str r2, [r3]\n"
        "movs r0, #5\n"
        "ldr r1, =0x30000010\n"
        ".balign 4\n"
        "1: ldr %0, [r1]\n"
        "movs r0, #6\n"
        "b 2f\n .ltorg\n 2:\n"
        : "+r"(v)
        :
        : "r0", "r1", "r2", "r3", "memory");
    sh_kv("after load fault", faults);
    sh_kv("destination untouched", v);

    __asm volatile(
        "ldr r0, =resume_fetch\n adr r1, 3f\n adds r1, #1\n str r1, [r0]\n"
        "ldr r0, =0x30000101\n"
        "blx r0\n"
        "b 3f\n .ltorg\n .balign 4\n"
        "3:\n"
        :
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    sh_kv("after fetch fault", faults);
    sh_print("done");
    return 0;
}
