/* The vector table through VTOR (ARMv7-M ARM B1.5.3, B3.2.5): a table copied to SRAM and
   selected by VTOR serves the next exception. (A vector with bit 0 clear: ct_vtor_even.) */
#include "ct.h"

extern void (*const vector_table[96])(void);
static void (*ram_table[128])(void) __attribute__((aligned(512)));

static volatile uint32_t which;
static void svc_from_ram(void) { which = 2; }
void svc_handler(void) { which = 1; }

int main(void) {
    sh_kv("vtor at reset", SCB_VTOR);
    __asm volatile("svc #0" ::: "memory");
    sh_kv("flash table: handler", which);

    for (int i = 0; i < 96; ++i) ram_table[i] = vector_table[i];
    ram_table[11] = svc_from_ram;
    SCB_VTOR = (uint32_t)ram_table;
    barrier();
    sh_kv("vtor reads back", SCB_VTOR == (uint32_t)ram_table);
    __asm volatile("svc #0" ::: "memory");
    sh_kv("ram table: handler", which);

    SCB_VTOR = 0;
    barrier();
    sh_print("done");
    return 0;
}
