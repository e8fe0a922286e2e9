/* The clock set-up of Tock's Hail boot (hail-boot-trace.md §1.1, steps 13-53), every busy-wait
   included: PSOK, RC32KCR.EN read-back, HCACHE CSTS, FSR.FRDY after HSEN, OSC0RDY, PLL0LOCK,
   then MCCTRL = PLL0 (48 MHz). The host checks that the core frequency became 48 MHz and that
   nothing was reported as never ready. Exit code = failed checks. */
#include "sam4l_sys.h"

int main(void) {
    int failures = 0;
    while (!(BPM_SR & 1u)) {
    }
    uint32_t v = BPM_PMCON;
    BPM_UNLOCK = 0xAA00001Cu;
    BPM_PMCON = v | 0xEu; /* PS2, PSCM, PSCREQ */

    v = BSCIF_RC32KCR;
    BSCIF_UNLOCK = 0xAA000024u;
    BSCIF_RC32KCR = v | 0x7u;
    while (!(BSCIF_RC32KCR & 1u)) {
    }

    PM_UNLOCK = 0xAA000024u;
    v = REG32(PM_BASE + 0x024);
    REG32(PM_BASE + 0x024) = v | 0x4u; /* HSBMASK: PicoCache */
    PM_UNLOCK = 0xAA00002Cu;
    v = REG32(PM_BASE + 0x02C);
    REG32(PM_BASE + 0x02C) = v | 0x2u; /* PBBMASK: HCACHE */
    HCACHE_CTRL = 1;
    while (!(HCACHE_SR & 1u)) {
    }

    HFLASHC_FCR = HFLASHC_FCR | 0x40u; /* FWS = 1 */
    HFLASHC_FCMD = (HFLASHC_FCMD & ~0xFF00003Fu) | 0xA5000010u; /* HSEN */
    while (!(HFLASHC_FSR & 1u)) {
    }

    SCIF_UNLOCK = 0xAA000020u;
    SCIF_OSCCTRL0 = 0x00010E01u;
    while (!(SCIF_PCLKSR & SCIF_OSC0RDY)) {
    }
    SCIF_UNLOCK = 0xAA000024u;
    SCIF_PLL0 = 0x3F050111u;
    while (!(SCIF_PCLKSR & SCIF_PLL0LOCK)) {
    }
    PM_UNLOCK = 0xAA000000u;
    PM_MCCTRL = 2; /* PLL0 */
    if (PM_MCCTRL != 2) ++failures;
    if (!(HFLASHC_FSR & (1u << 6))) ++failures; /* HSMODE */
    return failures;
}
