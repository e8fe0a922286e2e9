/* Masking (ARMv7-M ARM B1.4.3, B1.5.4, B5.2.3): FAULTMASK is cleared by an exception return
   except from NMI, and masks everything but NMI; PRIMASK holds a pending interrupt that still
   wakes WFI (B1.5.19) without being taken; NMI pended through ICSR.NMIPENDSET is taken over
   PRIMASK and FAULTMASK; CPSID/CPSIE and MSR/MRS of the mask registers. */
#include "ct.h"

static volatile uint32_t svc_sets_faultmask, nmi_sets_faultmask;
static volatile uint32_t nmi_count, nmi_icsr, nmi_faultmask_in;

static volatile uint32_t svc_runs, hf_runs, hf_hfsr;
void svc_handler(void) {
    svc_runs++;
    if (svc_sets_faultmask) set_faultmask(1);
}

/* An SVC that cannot be taken (BASEPRI at or above its priority) escalates to HardFault with
   FORCED (B1.5.4: SVC is synchronous); the HardFault returns past the svc. */
void hardfault_handler(void) {
    hf_runs++;
    hf_hfsr = SCB_HFSR;
    SCB_HFSR = hf_hfsr;
}

void nmi_handler(void) {
    nmi_count++;
    nmi_icsr = SCB_ICSR & 0x1FF;
    nmi_faultmask_in = get_faultmask();
    if (nmi_sets_faultmask) set_faultmask(1);
}

void irq_handler(void) {
    log_note(get_ipsr());
}

int main(void) {
    irq_prio(0, 0x40);
    irq_enable(0);

    /* FAULTMASK set inside SVCall is cleared by its return. */
    svc_sets_faultmask = 1;
    __asm volatile("svc #0" ::: "memory");
    svc_sets_faultmask = 0;
    sh_kv("faultmask after svc return", get_faultmask());

    /* FAULTMASK in thread mode masks IRQs (execution priority -1); NMI still comes. */
    set_faultmask(1);
    irq_pend(0);
    sh_kv("faultmask: irq0 pending", NVIC_ISPR(0) & 1);
    SCB_ICSR = 1u << 31; /* NMIPENDSET */
    barrier();
    sh_kv("faultmask: nmi taken", nmi_count);
    sh_kv("nmi: vectactive", nmi_icsr);
    sh_kv("nmi: faultmask inside", nmi_faultmask_in);
    sh_kv("faultmask kept across nmi return", get_faultmask());
    set_faultmask(0);
    log_dump("after faultmask cleared");

    /* FAULTMASK set inside NMI survives NMI's return. */
    nmi_sets_faultmask = 1;
    SCB_ICSR = 1u << 31;
    barrier();
    nmi_sets_faultmask = 0;
    sh_kv("faultmask after nmi return", get_faultmask());
    set_faultmask(0);
    sh_kv("nmi count", nmi_count);

    /* CPSID/CPSIE and MRS. */
    __asm volatile("cpsid i" ::: "memory");
    sh_kv("primask after cpsid i", get_primask());
    __asm volatile("cpsid f" ::: "memory");
    sh_kv("faultmask after cpsid f", get_faultmask());
    __asm volatile("cpsie f" ::: "memory");
    sh_kv("faultmask after cpsie f", get_faultmask());
    sh_kv("primask still", get_primask());

    /* PRIMASK: a pending interrupt wakes WFI but is not taken until PRIMASK clears. */
    irq_pend(0);
    __asm volatile("wfi" ::: "memory");
    log_note(1000);
    sh_kv("primask: pending after wfi", NVIC_ISPR(0) & 1);
    __asm volatile("cpsie i" ::: "memory");
    __asm volatile("isb" ::: "memory");
    log_dump("wfi woke, then taken");

    /* MSR PRIMASK/FAULTMASK take bit 0 only. */
    set_primask(0xFFFFFFFEu);
    sh_kv("primask after writing 0xfffffffe", get_primask());
    set_faultmask(0xFFFFFFFEu);
    sh_kv("faultmask after writing 0xfffffffe", get_faultmask());

    /* SVC (0x80) under BASEPRI: 0xA0 lets it in, 0x80 escalates it to HardFault. */
    SCB_SHPR_BYTE(11) = 0x80;
    svc_runs = 0;
    set_basepri(0xA0);
    __asm volatile("svc #0" ::: "memory");
    sh_kv("svc under basepri 0xa0: svc runs", svc_runs);
    set_basepri(0x80);
    __asm volatile("svc #0" ::: "memory");
    set_basepri(0);
    sh_kv("svc under basepri 0x80: svc runs", svc_runs);
    sh_kv("svc under basepri 0x80: hardfaults", hf_runs);
    sh_kv("svc under basepri 0x80: hfsr", hf_hfsr);
    sh_print("done");
    return 0;
}
