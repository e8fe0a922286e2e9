/* DMA transfers to invalid addresses report a transfer error: channel 2 reads from 0x60000000
   (nothing is mapped there) for USART0 TX; channel 3 moves a word that would straddle the end of
   SRAM. Both must set ISR.TERR, stop (SR.TEN = 0), keep MAR/TCR at the failing beat, interrupt
   on their NVIC line when TERR is enabled, and never put a byte on the console. CR.ECLR clears
   the flag. */
#include "sam4l_io.h"

static volatile int terr_irqs;
static volatile uint32_t seen_isr, seen_sr;

void irq_handler(void) {
    const unsigned irq = current_irq();
    if (irq != PDCA_IRQ(2) && irq != PDCA_IRQ(3)) sh_exit(90);
    const unsigned ch = irq - 1;
    seen_isr = PDCA_ISR(ch);
    seen_sr = PDCA_SR(ch);
    PDCA_IDR(ch) = 7;
    ++terr_irqs;
}

static int failures;
static void check(int ok, const char* what) {
    if (!ok) {
        sh_puts("FAIL ");
        sh_print(what);
        ++failures;
    }
}

int main(void) {
    io_clocks_on();
    usart0_console();
    US_CR = US_CR_TXEN;
    nvic_enable(PDCA_IRQ(2));
    nvic_enable(PDCA_IRQ(3));

    pdca_start(2, PID_USART0_TX, (volatile void*)0x60000000u, 8, PDCA_TERR);
    while (terr_irqs < 1) {
    }
    sh_kv("ch2_isr", seen_isr);
    check(seen_isr & PDCA_TERR, "channel 2 TERR");
    check(seen_sr == 0, "channel 2 stopped");
    check(PDCA_MAR(2) == 0x60000000u && PDCA_TCR(2) == 8, "channel 2 kept the failing beat");
    PDCA_CR(2) = PDCA_CR_ECLR;
    check(!(PDCA_ISR(2) & PDCA_TERR), "ECLR clears TERR");

    PDCA_IDR(3) = 7;
    PDCA_MR(3) = 2; /* word beats */
    PDCA_PSR8(3) = PID_USART0_TX;
    PDCA_MARR(3) = 0x2000FFFEu;
    PDCA_TCRR(3) = 1;
    PDCA_IER(3) = PDCA_TERR;
    PDCA_CR(3) = PDCA_CR_TEN;
    while (terr_irqs < 2) {
    }
    sh_kv("ch3_isr", seen_isr);
    check(seen_isr & PDCA_TERR, "channel 3 TERR at the end of SRAM");
    check(seen_sr == 0, "channel 3 stopped");

    usart0_drain();
    return failures;
}
