/* ALU-bound benchmark: an xorshift32 generator summed in registers, no memory traffic in the
   loop. About 6 instructions per iteration; the default is ~200M instructions. */
#include "testfw.h"

#define ITERATIONS_ADDR 0x20008000u
#define DEFAULT_ITERATIONS 33000000u

int main(void) {
    uint32_t iterations = REG32(ITERATIONS_ADDR);
    if (iterations == 0) iterations = DEFAULT_ITERATIONS;
    uint32_t x = 2463534242u, sum = 0;
    for (uint32_t i = 0; i < iterations; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sum += x;
    }
    sh_kv("xorshift", sum);
    sh_kv("iterations", iterations);
    return 0;
}
