/* AST alarm at exactly the programmed tick, configured as Tock's Hail does: RC32K on (BSCIF),
   the 32 kHz clock from RC32K (BPM.PMCON.CK32S), AST CLOCK = 32 kHz clock with CLKBUSY polls,
   PSEL = 0 (16 384 Hz), AR0 = CV + 1600, ALARM0 interrupt on NVIC line 39, then WFI.
   Right after the CR.EN write the firmware drops PA13 as a time marker for the host; the
   handler checks that CV equals AR0 (the alarm is taken at the programmed tick) and exits. */
#include "sam4l_sys.h"

#define MARKER (1u << 13)
#define TICKS 1600u

static volatile int fired;
static volatile uint32_t cv_at_irq, sr_at_irq;

void irq_handler(void) {
    if (current_irq() != AST_ALARM_IRQ) sh_exit(90);
    sr_at_irq = AST_SR;
    ast_wait_busy();
    cv_at_irq = AST_CV;
    ast_wait_busy();
    AST_SCR = AST_SR_ALARM0;
    ast_wait_busy();
    AST_IDR = AST_SR_ALARM0;
    fired = 1;
}

int main(void) {
    int failures = 0;
    GPIO_OVRS(0) = MARKER; /* high before the pin is driven: the first low is the marker */
    GPIO_GPERS(0) = MARKER;
    GPIO_ODERS(0) = MARKER;

    const uint32_t rc32kcr = BSCIF_RC32KCR;
    BSCIF_UNLOCK = 0xAA000024u;
    BSCIF_RC32KCR = rc32kcr | 0x7u;
    while (!(BSCIF_RC32KCR & 1u)) {
    }
    const uint32_t pmcon = BPM_PMCON;
    BPM_UNLOCK = 0xAA00001Cu;
    BPM_PMCON = pmcon | (1u << 16); /* CK32S = RC32K */

    ast_wait_clkbusy();
    AST_CLOCK = 0;
    ast_wait_clkbusy();
    AST_CLOCK = 0x100; /* CSSEL = 32 kHz clock */
    ast_wait_clkbusy();
    AST_CLOCK = 0x101; /* CEN */
    ast_wait_clkbusy();
    ast_wait_busy();
    AST_CR = 0; /* PSEL = 0: 16 384 Hz */
    ast_wait_busy();
    AST_CV = 0;
    ast_wait_busy();
    AST_SCR = AST_SR_ALARM0;
    ast_wait_busy();
    AST_AR0 = TICKS;
    ast_wait_busy();
    AST_IER = AST_SR_ALARM0;
    nvic_enable(AST_ALARM_IRQ);
    ast_wait_busy();
    AST_CR = 1; /* EN: counting starts now */
    GPIO_OVRC(0) = MARKER;
    wait_for(&fired);

    if (cv_at_irq != TICKS) ++failures;
    if (!(sr_at_irq & AST_SR_ALARM0)) ++failures;
    sh_kv("cv", cv_at_irq);
    return failures;
}
