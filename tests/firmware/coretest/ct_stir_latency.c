/* When a software-pended interrupt is taken without a barrier: a store to NVIC_ISPR, to
   NVIC_STIR or to ICSR.PENDSVSET, followed by five ADDs and no DSB/ISB. The ARMv7-M ARM only
   guarantees the interrupt after DSB+ISB (B3.4, B2.5 barriers), so any point is legal; QEMU
   takes it right after the store in all three cases; tockemu does so after the ISPR store but
   only at the end of the translation block after STIR and ICSR.PENDSVSET stores.
   Compatibility finding F11 (low): pending from any of the three at once would match QEMU and
   be consistent. */
#include "ct.h"

static volatile uint32_t seen;
FRAME_HANDLER(irq_handler, irq_c)
void irq_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    seen = frame[3];
}
FRAME_HANDLER(pendsv_handler, pendsv_c)
void pendsv_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    seen = frame[3];
}

#define STORE_THEN_COUNT(value, address)                           \
    __asm volatile(                                                \
        "movs r3, #0\n str %0, [%1]\n adds r3, #1\n adds r3, #1\n" \
        "adds r3, #1\n adds r3, #1\n adds r3, #1\n" ::"r"(value),  \
        "r"(address)                                               \
        : "r3", "cc", "memory")

int main(void) {
    irq_enable(0);
    STORE_THEN_COUNT(1u, 0xE000E200u);
    sh_kv("adds done when taken after an ispr store", seen);
    STORE_THEN_COUNT(0u, 0xE000EF00u);
    sh_kv("adds done when taken after a stir store", seen);
    STORE_THEN_COUNT(1u << 28, 0xE000ED04u);
    sh_kv("adds done when taken after a pendsvset store", seen);
    sh_print("done");
    return 0;
}
