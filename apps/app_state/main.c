// app_state: keeps a block of persistent state in its own flash (a `.app_state` section, which
// the packer describes with a WriteableFlashRegions TLV) and checks that the kernel reports the
// same region through memop 7/8/9 that the app sees at its relocated address.
#include "console.h"

typedef struct {
    uint32_t magic;
    uint32_t boots;
    uint8_t pad[504];
} app_state_t;

__attribute__((section(".app_state"), used, aligned(4))) static const app_state_t state = {
    0x54434B31u, 0, {0}};

int main(void) {
    const uint32_t regions = memop(7, 0).data;
    const uint32_t start = memop(8, 0).data, end = memop(9, 0).data;
    const uint32_t mine = (uint32_t)&state;
    printf("app_state: %u writeable flash region(s), region 0 is %u bytes\n", (unsigned)regions,
           (unsigned)(end - start));
    printf("app_state: region %s my .app_state, magic %08x\n",
           start == mine && end - start == sizeof state ? "matches" : "DOES NOT MATCH",
           (unsigned)state.magic);
    return 0;
}
