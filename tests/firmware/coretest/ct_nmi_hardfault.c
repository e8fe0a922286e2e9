/* Fixed priorities (ARMv7-M ARM B1.5.4): NMI (-2) preempts the HardFault handler (-1); PendSV
   and configurable interrupts pended inside HardFault wait for its return; ICSR.VECTACTIVE and
   IPSR inside each; IRQ 31 (the last bit of the first NVIC word; QEMU's mps2-an386 has no
   second word) through ISPR0/IABR0/VECTPENDING. */
#include "ct.h"

static volatile uint32_t nmi_ipsr, nmi_active_hf, hf_ipsr, hf_vectpending;

void nmi_handler(void) {
    log_note(2);
    nmi_ipsr = get_ipsr();
    nmi_active_hf = SCB_ICSR & 0x1FF; /* VECTACTIVE inside NMI */
}

FRAME_HANDLER(hardfault_handler, hardfault_c)
void hardfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    log_note(3);
    hf_ipsr = get_ipsr();
    SCB_ICSR = ICSR_PENDSVSET; /* waits: PendSV is configurable */
    irq_pend(31);              /* waits too */
    hf_vectpending = icsr_vectpending();
    SCB_ICSR = 1u << 31; /* NMI preempts HardFault */
    barrier();
    log_note(103);
    SCB_HFSR = SCB_HFSR;
    frame[6] += 2; /* skip the udf */
}

void pendsv_handler(void) {
    log_note(14);
}

static volatile uint32_t iabr0_in;
void irq_handler(void) {
    log_note(get_ipsr());
    iabr0_in = NVIC_IABR(0);
}

int main(void) {
    irq_enable(31);
    irq_prio(31, 0x20);
    SCB_SHPR_BYTE(14) = 0x40;
    __asm volatile("udf #1" ::: "memory"); /* UsageFault disabled: HardFault */
    log_dump("order");
    sh_kv("hardfault ipsr", hf_ipsr);
    sh_kv("nmi ipsr", nmi_ipsr);
    sh_kv("nmi vectactive", nmi_active_hf);
    sh_kv("vectpending in hardfault (irq 31 at 0x20 over pendsv 0x40)", hf_vectpending);
    sh_kv("iabr0 in irq 31", iabr0_in);

    sh_print("done");
    return 0;
}
