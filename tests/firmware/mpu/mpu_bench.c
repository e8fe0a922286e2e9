/* MPU benchmark firmware: one memory-heavy loop (a load and a store per 8 instructions over a
   1 KiB buffer in user RAM), run in thread mode as selected at build time by BENCH_MODE:
     0  privileged, MPU off                 (baseline)
     1  privileged, MPU on (Tock-like: PRIVDEFENA, flash + user RAM regions)
     2  unprivileged, same MPU configuration (every load/store is checked)
   `tockemu bench mpu` times each image; the checksum proves the three did the same work. */
#include "mpu_rt.h"

#ifndef BENCH_MODE
#error "BENCH_MODE must be 0, 1 or 2"
#endif
#ifndef BENCH_ITERATIONS
#define BENCH_ITERATIONS 100000u
#endif

#define BUF_WORDS 256u
#define BUF_ADDR (USER_RAM + 0x400u)

static volatile uint32_t result;

static void bench_loop(uint32_t iterations) {
    volatile uint32_t *buf = (volatile uint32_t *)BUF_ADDR;
    uint32_t acc = 2166136261u;
    for (uint32_t it = 0; it < iterations; ++it) {
        for (uint32_t i = 0; i < BUF_WORDS; ++i) {
            uint32_t v = buf[i];
            acc = (acc ^ v) * 16777619u;
            buf[i] = v + acc;
        }
    }
    /* The user cannot write kernel RAM: leave the checksum in its own RAM. */
    *(volatile uint32_t *)(BUF_ADDR - 4) = acc;
}

int main(void) {
    for (uint32_t i = 0; i < BUF_WORDS; ++i) REG32(BUF_ADDR + 4 * i) = i;
    if (BENCH_MODE != 0) mpu_standard_setup();
    /* Unprivileged: entered by exception return, the way Tock starts a process. */
    int faulted = BENCH_MODE == 2 ? run_thread_eret(bench_loop, BENCH_ITERATIONS, USER_STACK_TOP)
                                  : run_thread(bench_loop, BENCH_ITERATIONS, USER_STACK_TOP, 0);
    result = REG32(BUF_ADDR - 4);
    mpu_ctrl(0);
    sh_puts("mpu_bench mode ");
    sh_dec(BENCH_MODE);
    sh_puts(" checksum ");
    sh_hex(result);
    sh_puts(faulted ? " FAULTED\n" : "\n");
    return faulted;
}
