/* AIRCR.SYSRESETREQ (ARMv7-M ARM B3.2.6, B1.5.5 reset behaviour): a write with the VECTKEY
   resets the system; the core starts again from the reset vector with the SCS back at its
   reset values (VTOR 0, priorities 0, CCR.STKALIGN set, SHCSR 0, no pending interrupt) while
   SRAM keeps its contents (a marker word at 0x2000C000, in the area tests/firmware/common/
   link.ld leaves free, tells the second run from the first). A write with a wrong key does
   nothing. */
#include "ct.h"

#define MARKER REG32(0x2000C000u)
#define MAGIC 0x5EB007EDu

static uint32_t ram_table[128] __attribute__((aligned(512)));
extern void (*const vector_table[96])(void);

int main(void) {
    if (MARKER != MAGIC) {
        sh_print("first run");
        for (int i = 0; i < 96; ++i) ram_table[i] = (uint32_t)vector_table[i];
        SCB_VTOR = (uint32_t)ram_table;
        SCB_SHPR_BYTE(14) = 0x80;
        irq_prio(3, 0x40);
        irq_enable(3);
        SCB_CCR = (1u << 9) | CCR_NONBASETHRDENA;
        SCB_SHCSR = SHCSR_USGFAULTENA;
        set_primask(1);
        irq_pend(3);
        SCB_AIRCR = 0x12340004u; /* wrong key: ignored */
        barrier();
        sh_kv("wrong key: still here, vtor kept", SCB_VTOR == (uint32_t)ram_table);
        MARKER = MAGIC;
        barrier();
        SCB_AIRCR = 0x05FA0004u; /* SYSRESETREQ */
        barrier();
        for (;;) {
        }
    }
    MARKER = 0;
    sh_print("second run");
    sh_kv("vtor", SCB_VTOR);
    sh_kv("shpr3", SCB_SHPR3);
    sh_kv("ipr0", NVIC_IPR32(0));
    sh_kv("iser0", NVIC_ISER(0));
    sh_kv("ispr0", NVIC_ISPR(0));
    sh_kv("ccr", SCB_CCR);
    sh_kv("shcsr", SCB_SHCSR);
    sh_kv("primask", get_primask());
    sh_kv("control", get_control());
    sh_print("done");
    return 0;
}
