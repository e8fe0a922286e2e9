/* SysTick: counting down from RVR, COUNTFLAG set on wrap and cleared by reading CSR, the
   interrupt with TICKINT, PENDSTSET from ICSR, WFI woken by the tick. */
#include "cpu_fw.h"

static volatile uint32_t ticks;
void systick_handler(void) { ticks++; }

int main(void) {
    SYST_CSR = 0;
    SYST_RVR = 999;
    SYST_CVR = 0;
    sh_kv("rvr", SYST_RVR);
    sh_kv("cvr_after_write", SYST_CVR);
    SYST_CSR = 5; /* enable, processor clock, no interrupt */
    uint32_t polls = 0;
    uint32_t csr = 0;
    while (!((csr = SYST_CSR) & (1u << 16)) && polls < 1000000) polls++;
    const uint32_t again = SYST_CSR; /* right after the read that saw COUNTFLAG */
    __asm volatile("" ::: "memory");
    sh_kv("countflag_seen", polls < 1000000);
    sh_kv("countflag_cleared_by_read", (again >> 16) & 1);
    const uint32_t v = SYST_CVR;
    sh_kv("cvr_in_range", v <= 999);
    SYST_CSR = 0;
    const uint32_t frozen = SYST_CVR;
    for (volatile int i = 0; i < 100; ++i) {
    }
    sh_kv("disabled_counter_frozen", SYST_CVR == frozen);

    SCB_ICSR = ICSR_PENDSTSET;
    barrier();
    sh_kv("pendstset_ticks", ticks);

    ticks = 0;
    SYST_RVR = 4999;
    SYST_CVR = 0;
    SYST_CSR = 7;
    while (ticks < 5) __asm volatile("wfi");
    SYST_CSR = 0;
    sh_kv("ticks", ticks);
    sh_print("done");
    return 0;
}
