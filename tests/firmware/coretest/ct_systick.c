/* SysTick (ARMv7-M ARM B3.3): RVR = 0 keeps the counter at 0 and never wraps (no COUNTFLAG,
   no interrupt); a write to CVR clears it to 0 and clears COUNTFLAG; COUNTFLAG clears on a CSR
   read; TICKINT pends SysTick on the wrap to 0 (not on a CVR write, not with TICKINT clear);
   RVR holds 24 bits; CLKSOURCE reads back as written for the processor clock (1).
   Counts are compared, not times: QEMU and the SAM4L tick at different rates. */
#include "ct.h"

static volatile uint32_t ticks, cvr_in_handler, csr_in_handler;
void systick_handler(void) {
    if (!ticks) {
        cvr_in_handler = SYST_CVR;
        csr_in_handler = SYST_CSR;
    }
    ticks++;
}

static void spin(uint32_t n) {
    for (volatile uint32_t i = 0; i < n; ++i) {
    }
}

int main(void) {
    SYST_CSR = 0;
    SYST_RVR = 0xFFFFFFFFu;
    sh_kv("rvr keeps 24 bits", SYST_RVR);
    SYST_CVR = 0x1234;
    sh_kv("cvr after write", SYST_CVR);

    /* RVR = 0: enabled, but the counter stays 0 and never sets COUNTFLAG or interrupts. */
    SYST_RVR = 0;
    SYST_CVR = 0;
    SYST_CSR = 7; /* ENABLE | TICKINT | CLKSOURCE */
    spin(2000);
    sh_kv("rvr 0: cvr", SYST_CVR);
    sh_kv("rvr 0: countflag", (SYST_CSR >> 16) & 1);
    sh_kv("rvr 0: ticks", ticks);
    sh_kv("rvr 0: pendstset", (SCB_ICSR >> 26) & 1);
    SYST_CSR = 0;

    /* Enabled without TICKINT: wraps set COUNTFLAG, no interrupt, no pend. */
    SYST_RVR = 499;
    SYST_CVR = 0;
    SYST_CSR = 5;
    uint32_t polls = 0;
    while (!(SYST_CSR & (1u << 16)) && polls < 1000000) polls++;
    sh_kv("no tickint: countflag seen", polls < 1000000);
    sh_kv("no tickint: countflag cleared by the read", (SYST_CSR >> 16) & 1);
    sh_kv("no tickint: ticks", ticks);
    sh_kv("no tickint: pendstset", (SCB_ICSR >> 26) & 1);
    sh_kv("csr reads enable|clksource", SYST_CSR & 0xFFFFu);

    /* A CVR write clears COUNTFLAG: wait for a wrap without reading CSR, then write CVR. */
    spin(2000);
    SYST_CVR = 77;
    sh_kv("countflag after cvr write", (SYST_CSR >> 16) & 1);
    SYST_CSR = 0;
    const uint32_t frozen = SYST_CVR;
    spin(100);
    sh_kv("stopped counter holds", SYST_CVR == frozen);
    sh_kv("cvr in range", frozen <= 499);

    /* Disabled with a pending wrap: setting CVR to 0 and enabling loads RVR on the next tick,
       and the wrap from 1 to 0 pends SysTick with TICKINT. */
    SYST_RVR = 2000;
    SYST_CVR = 0;
    SYST_CSR = 7;
    while (ticks == 0) {
    }
    SYST_CSR = 0;
    sh_kv("tickint: ticks after first wrap", ticks);
    SCB_ICSR = 1u << 25; /* PENDSTCLR, in case the counter wrapped again */

    /* Writing CVR does not pend SysTick even with TICKINT set. */
    ticks = 0;
    SYST_RVR = 100000;
    SYST_CVR = 0;
    SYST_CSR = 7;
    SYST_CVR = 5;
    barrier();
    const uint32_t t = ticks;
    SYST_CSR = 0;
    sh_kv("tickint: a cvr write does not tick", t);

    /* The interrupt comes at the wrap (B3.3.1: reaching 0 pends SysTick, the next clock reloads
       RVR), and COUNTFLAG is set inside the handler. */
    ticks = 0;
    SYST_RVR = 20000;
    SYST_CVR = 0;
    SYST_CSR = 7;
    while (ticks == 0) {
    }
    SYST_CSR = 0;
    /* 0 when the handler starts within the same SysTick clock as the wrap (QEMU ticks every
       40 instructions with -icount shift=0), else just below RVR (tockemu: a tick per cycle). */
    sh_kv("handler: cvr at the wrap",
          cvr_in_handler == 0 || (cvr_in_handler <= 20000 && cvr_in_handler > 19800));
    sh_kv("handler: countflag", (csr_in_handler >> 16) & 1);

    /* Enabling with CVR = 0 reloads RVR without a wrap: COUNTFLAG stays clear. */
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    (void)SYST_CSR;
    SYST_CSR = 5;
    spin(10);
    sh_kv("reload from 0: countflag", (SYST_CSR >> 16) & 1);
    sh_kv("reload from 0: counting down from rvr", SYST_CVR > 0x00F00000u);
    SYST_CSR = 0;

    /* RVR set to 0 while counting: the counter runs down to 0 once more (COUNTFLAG and one
       interrupt for that 1 -> 0), then stays at 0 (B3.3.1: RVR 0 disables on the next wrap). */
    ticks = 0;
    SYST_RVR = 50000;
    SYST_CVR = 0;
    SYST_CSR = 7;
    spin(100);
    SYST_RVR = 0;
    sh_kv("rvr 0 while counting: cvr nonzero", SYST_CVR != 0);
    polls = 0;
    while (SYST_CVR != 0 && polls < 10000000) polls++;
    spin(3000);
    sh_kv("rvr 0 while counting: cvr", SYST_CVR);
    sh_kv("rvr 0 while counting: countflag", (SYST_CSR >> 16) & 1);
    sh_kv("rvr 0 while counting: countflag again", (SYST_CSR >> 16) & 1);
    sh_kv("rvr 0 while counting: ticks", ticks);
    spin(3000);
    sh_kv("rvr 0 while counting: ticks later", ticks);
    SYST_CSR = 0;
    sh_print("done");
    return 0;
}
