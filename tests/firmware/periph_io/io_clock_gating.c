/* PM clock masking (datasheet §10.5.5) as a program sees it: a peripheral whose PBAMASK /
   PBBMASK / HSBMASK bit is 0 reads 0 and ignores writes; a character on the USART line stands
   still while CLK_USART is masked and finishes once it is unmasked; the PDCA moves nothing while
   its bus-master clock (HSBMASK bit 0) is masked. The host checks the console bytes, the time the
   masked character took, and the "clock masked" report. */
#include "sam4l_io.h"

#define US_VERSION REG32(USART0_BASE + 0xFC)

static const char dma_msg[] = "dma";

static void spin(unsigned n) {
    for (volatile unsigned i = 0; i < n; ++i) {
    }
}

int main(void) {
    int failures = 0;
    /* Out of reset PBAMASK = 0: USART0 is not clocked. */
    if (US_VERSION != 0) ++failures;
    US_MR = 0x000808C0u; /* lost */
    pm_unmask(PM_PBAMASK_OFF, PBA_USART0);
    if (US_VERSION != 0x602u) ++failures;
    if (US_MR != 0) ++failures;
    usart0_console();
    US_CR = US_CR_TXEN;
    usart0_puts("on\n");
    usart0_drain();

    /* 'X' starts shifting, then its clock is masked for a while. */
    US_THR = 'X';
    pm_mask(PM_PBAMASK_OFF, PBA_USART0);
    if (US_CSR != 0) ++failures; /* masked: reads 0 */
    spin(20000);
    pm_unmask(PM_PBAMASK_OFF, PBA_USART0);
    usart0_drain();

    /* PDCA registers clocked (PBBMASK bit 3) but not its transfers (HSBMASK bit 0). */
    pm_unmask(PM_PBBMASK_OFF, PBB_PDCA);
    pdca_start(1, PID_USART0_TX, (volatile void*)dma_msg, sizeof dma_msg - 1, 0);
    spin(2000);
    if (PDCA_TCR(1) != sizeof dma_msg - 1) ++failures;
    pm_unmask(PM_HSBMASK_OFF, HSB_PDCA);
    while (!(PDCA_ISR(1) & PDCA_TRC)) {
    }
    usart0_drain();
    PDCA_CR(1) = PDCA_CR_TDIS;
    return failures;
}
