/* Memory-bound benchmark: table-driven CRC-32 over a 4 KiB buffer, repeated. About 7
   instructions and 2 loads per byte; the default 7000 iterations are ~200M instructions. */
#include "testfw.h"

#define ITERATIONS_ADDR 0x20008000u
#define DEFAULT_ITERATIONS 7000u

static uint32_t table[256];
static uint8_t buffer[4096];

int main(void) {
    uint32_t iterations = REG32(ITERATIONS_ADDR);
    if (iterations == 0) iterations = DEFAULT_ITERATIONS;
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t x = 2463534242u;
    for (uint32_t i = 0; i < sizeof buffer; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buffer[i] = (uint8_t)x;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t it = 0; it < iterations; ++it) {
        const uint8_t *p = buffer;
        for (uint32_t n = sizeof buffer; n != 0; --n) crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    }
    sh_kv("crc32", ~crc);
    sh_kv("iterations", iterations);
    return 0;
}
