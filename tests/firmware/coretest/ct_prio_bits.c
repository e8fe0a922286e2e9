/* The SAM4L implements 4 priority bits ([7:4]; datasheet "NVIC ... 16 priority levels"): the
   unimplemented low bits of every priority field read as zero and ignore writes (ARMv7-M ARM
   B1.5.4, B3.4.9 NVIC_IPR, B3.2.10-12 SHPR), and so do those of BASEPRI (B1.4.3: BASEPRI holds
   the same implemented bits as the priority fields). Manual-only: QEMU's mps2-an386 NVIC has
   8 priority bits. */
#include "ct.h"

static volatile uint32_t irq_taken;
void irq_handler(void) {
    irq_taken++;
}

int main(void) {
    irq_prio(0, 0xFF);
    sh_kv("ipr 0xff reads", NVIC_IPR8(0));
    irq_prio(0, 0x1F);
    sh_kv("ipr 0x1f reads", NVIC_IPR8(0));
    SCB_SHPR_BYTE(14) = 0xFF;
    sh_kv("shpr pendsv 0xff reads", SCB_SHPR_BYTE(14));
    set_basepri(0xFF);
    sh_kv("basepri 0xff reads", get_basepri());
    set_basepri(0x1F);
    sh_kv("basepri 0x1f reads", get_basepri());
    set_basepri(0x0F);
    sh_kv("basepri 0x0f reads", get_basepri());
    set_basepri(0);
    set_basepri_max(0x0F);
    sh_kv("basepri_max 0x0f over 0 reads", get_basepri());
    set_basepri(0);
    /* BASEPRI 0x0F is BASEPRI 0 on this core: nothing is masked. */
    set_basepri(0x0F);
    irq_enable(0);
    irq_prio(0, 0xF0);
    irq_pend(0);
    sh_kv("basepri 0x0f masks nothing: irq0 taken", irq_taken);
    set_basepri(0);
    sh_print("done");
    return 0;
}
