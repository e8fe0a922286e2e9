/* tock/tock chips/sam4l/src/pm.rs setup_system_clock(SystemClockSource::DfllRc32kAt48MHz), the
   clock source of SAM4L boards that have no crystal, with scif.rs setup_dfll_rc32k_48mhz as in
   the tock-registers revision: PS2 (poll PSOK), RC32K on (EN read-back) and tuned, PicoCache
   (poll CSTS), flash high-speed mode (poll FRDY), then the DFLL: DFLL0SYNC and a poll of
   PCLKSR.DFLL0RDY *before* the DFLL is enabled, GCLK0 <- RC32K, DFLL0CONF.EN, DFLL0STEP,
   DFLL0MUL = 1464, DFLL0SSG, each followed by a DFLL0RDY poll, closed loop + RANGE 2, poll
   DFLL0LOCKF; FWS = 1; MCCTRL = DFLL. None of the loops has a timeout, as upstream.
   The host checks the core frequency (1464 x 32 768 Hz). Exit code = failed checks. */
#include "upstream_regs.h"

static void wait_dfll0_ready(void) {
    while (!(SCIF_PCLKSR & SCIF_DFLL0RDY)) {
    }
}

static void set_power_scaling_ps2(void) {
    while (!(BPM_SR & 1u)) { /* PSOK */
    }
    uint32_t control = BPM_PMCON;
    BPM_UNLOCK = 0xAA00001Cu;
    BPM_PMCON = (control & ~0x3u) | 0x2u | (1u << 2) | (1u << 3); /* PS2, PSCM, PSCREQ */
}

static void enable_rc32k(void) {
    uint32_t rc32kcr = BSCIF_RC32KCR;
    BSCIF_UNLOCK = 0xAA000024u;
    BSCIF_RC32KCR = rc32kcr | (1u << 2) | (1u << 1) | 1u; /* EN32K, TCEN, EN */
    while (!(BSCIF_RC32KCR & 1u)) {
    }
    BSCIF_UNLOCK = 0xAA000028u;
    BSCIF_RC32KTUNE = (0x1Du << 16) | 0x15u;
}

static void enable_cache_and_high_speed_flash(void) {
    pm_mask_set(0x024, 1u << 2); /* HSB: FLASHCALWP */
    pm_mask_set(0x02C, 1u << 1); /* PBB: HRAMC1 */
    HCACHE_CTRL = 1;
    while (!(HCACHE_SR & 1u)) {
    }
    HFLASHC_FCR = HFLASHC_FCR | (1u << 6);                      /* FWS */
    HFLASHC_FCMD = (HFLASHC_FCMD & ~0xFF00003Fu) | 0xA5000010u; /* KEY, HSEN */
    while (!(HFLASHC_FSR & 1u)) {
    }
}

static void setup_dfll_rc32k_48mhz(void) {
    if ((SCIF_DFLL0CONF & 1u) && (SCIF_PCLKSR & SCIF_DFLL0LOCKF)) return;
    if (!(BSCIF_RC32KCR & 1u)) enable_rc32k();
    SCIF_DFLL0SYNC = 1;
    wait_dfll0_ready();
    uint32_t conf = SCIF_DFLL0CONF;
    conf = (conf & ~(3u << 16)) | (2u << 16) | (1u << 1) | 1u; /* RANGE 2, closed loop, EN */
    SCIF_GCCTRL0 = (13u << 8) | 1u; /* RC32K, CEN, no divider (no unlock, as upstream) */
    SCIF_UNLOCK = 0xAA000028u;
    SCIF_DFLL0CONF = 1u;
    wait_dfll0_ready();
    SCIF_UNLOCK = 0xAA000034u;
    SCIF_DFLL0STEP = (4u << 16) | 4u; /* CSTEP, FSTEP */
    wait_dfll0_ready();
    SCIF_UNLOCK = 0xAA000030u;
    SCIF_DFLL0MUL = 1464; /* 48 MHz / 32 768 Hz */
    wait_dfll0_ready();
    SCIF_UNLOCK = 0xAA000038u;
    SCIF_DFLL0SSG = 0;
    wait_dfll0_ready();
    SCIF_UNLOCK = 0xAA000028u;
    SCIF_DFLL0CONF = conf;
    while (!(SCIF_PCLKSR & SCIF_DFLL0LOCKF)) {
    }
}

int main(void) {
    int failures = 0;
    set_power_scaling_ps2();
    enable_rc32k();
    enable_cache_and_high_speed_flash();
    setup_dfll_rc32k_48mhz();
    HFLASHC_FCR = HFLASHC_FCR | (1u << 6); /* set_wait_state(1) */
    PM_UNLOCK = 0xAA000000u;
    PM_MCCTRL = 3; /* DFLL */
    if (PM_MCCTRL != 3) ++failures;
    if ((SCIF_DFLL0CONF & 3u) != 3u) ++failures;
    sh_kv("dfll0conf", SCIF_DFLL0CONF);
    return failures;
}
