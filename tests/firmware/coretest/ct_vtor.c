/* The vector table through VTOR (ARMv7-M ARM B1.5.3, B3.2.5): a table copied to SRAM and
   selected by VTOR serves the next exception; a vector pointing at unmapped memory makes the
   handler's first fetch a BusFault IBUSERR whose frame shows the exception that was entered
   (stacked PC = the handler address, IPSR 11). (A vector with bit 0 clear: ct_vtor_even.) */
#include "ct.h"

extern void (*const vector_table[96])(void);
static void (*ram_table[128])(void) __attribute__((aligned(512)));

static volatile uint32_t which;
static void svc_from_ram(void) {
    which = 2;
}
void svc_handler(void) {
    which = 1;
}

/* The BusFault lands in the abandoned SVCall context: return to thread mode through the SVC
   frame, which lies just above this one on MSP. */
static volatile uint32_t bf_count, bf_cfsr, bf_pc, bf_xpsr;
void svc_exit_to_thread(void);
__asm(
    ".thumb_func\n.global svc_exit_to_thread\nsvc_exit_to_thread:\n"
    " ldr lr, =0xFFFFFFF9\n bx lr\n .ltorg\n");
FRAME_HANDLER(busfault_handler, busfault_c)
void busfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    bf_count++;
    bf_cfsr = SCB_CFSR;
    SCB_CFSR = bf_cfsr;
    bf_pc = frame[6];
    bf_xpsr = frame[7];
    frame[6] = (uint32_t)svc_exit_to_thread & ~1u;
    frame[7] |= 1u << 24;
}

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

    /* SVCall vector -> 0x30000000 (unmapped on both machines). */
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    SCB_SHPR_BYTE(11) = 0x80;
    barrier();
    ram_table[11] = (void (*)(void))0x30000001u;
    which = 0;
    __asm volatile("svc #0" ::: "memory");
    sh_kv("unmapped handler: busfaults", bf_count);
    sh_kv("unmapped handler: cfsr", bf_cfsr);
    sh_kv("unmapped handler: stacked pc", bf_pc);
    sh_kv("unmapped handler: stacked ipsr", bf_xpsr & 0x1FF);
    sh_kv("unmapped handler: back in thread, svc handler never ran", which);

    SCB_VTOR = 0;
    barrier();
    sh_print("done");
    return 0;
}
