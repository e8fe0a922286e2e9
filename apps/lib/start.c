// Second half of crt0: relocate the GOT, copy .data, zero .bss, apply the relocation block
// elf2tbf appended, then run main and exit with its result (tock-abi.md §4.4, A.6).
//
// Runs before the GOT is valid, so it touches no globals and calls nothing that might.
#include <stdint.h>

#include "tock.h"

struct crt0_header {
    uint32_t got_sym_start;  // GOT image in flash, offset from app_start
    uint32_t got_start;      // GOT in RAM, offset from mem_start
    uint32_t got_size;
    uint32_t data_sym_start;  // .data image in flash, offset from app_start
    uint32_t data_start;      // .data in RAM, offset from mem_start
    uint32_t data_size;
    uint32_t bss_start;
    uint32_t bss_size;
    uint32_t reldata_start;  // relocation block, offset from app_start
    uint32_t stack_size;
};

int main(void);

// Link-time addresses have bit 31 set for flash (linked at 0x80000000) and clear for RAM
// (linked at 0): rebase each to where the kernel actually put us.
static inline uint32_t rebase(uint32_t word, uint32_t app_start, uint32_t mem_start) {
    return (word & 0x80000000u) ? (word ^ 0x80000000u) + app_start : word + mem_start;
}

__attribute__((noreturn, used)) void _c_start_pic(uint32_t app_start, uint32_t mem_start) {
    const struct crt0_header* h = (const struct crt0_header*)app_start;

    uint32_t* got = (uint32_t*)(mem_start + h->got_start);
    const uint32_t* got_image = (const uint32_t*)(app_start + h->got_sym_start);
    for (uint32_t i = 0; i < h->got_size / 4; ++i)
        got[i] = rebase(got_image[i], app_start, mem_start);

    volatile uint8_t* data = (volatile uint8_t*)(mem_start + h->data_start);
    const uint8_t* data_image = (const uint8_t*)(app_start + h->data_sym_start);
    for (uint32_t i = 0; i < h->data_size; ++i) data[i] = data_image[i];

    volatile uint8_t* bss = (volatile uint8_t*)(mem_start + h->bss_start);
    for (uint32_t i = 0; i < h->bss_size; ++i) bss[i] = 0;

    // Relocation block: u32 byte count, then Elf32_Rel {r_offset, r_info}; r_offset is the
    // word's RAM offset. Only absolute words occur in .data, so r_info is not needed.
    const uint32_t* rel = (const uint32_t*)(app_start + h->reldata_start);
    const uint32_t entries = rel[0] / 8;
    for (uint32_t i = 0; i < entries; ++i) {
        uint32_t* target = (uint32_t*)(mem_start + rel[1 + 2 * i]);
        *target = rebase(*target, app_start, mem_start);
    }

    tock_exit((uint32_t)main());
}
