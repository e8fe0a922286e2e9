/* Firmware the GDB tests debug (tests/gdb/): the same gdb-multiarch script runs against tockemu
   and against qemu-system-arm -M mps2-an386, and the registers and memory gdb prints must be the
   same. Core-only: a call chain to break in and backtrace through, a table to examine, an SVC to
   step into and out of, and a variable written twice for a watchpoint. */
#include "testfw.h"

const uint32_t table[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444,
                           0x55555555, 0x66666666, 0x77777777, 0x88888888};
volatile uint32_t watched;
volatile uint32_t svc_count;

void svc_handler(void) {
    svc_count++;
}

__attribute__((noinline)) uint32_t mix(uint32_t acc, uint32_t word) {
    return acc * 3u + word;
}

__attribute__((noinline)) uint32_t compute(uint32_t seed) {
    uint32_t acc = seed;
    for (unsigned i = 0; i < 8; ++i) acc = mix(acc, table[i]);
    return acc;
}

__attribute__((noinline)) void do_svc(void) {
    __asm volatile("svc #7" ::: "memory");
}

int main(void) {
    const uint32_t r = compute(0x1234);
    do_svc();
    watched = r;
    watched = r + svc_count;
    sh_kv("result", watched);
    sh_exit(0);
}
