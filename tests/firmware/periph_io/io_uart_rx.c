/* UART receive of injected bytes: the host injects "ABCDwxyz" on USART0 before the run. The
   first four characters are taken by the RXRDY interrupt, the next four by PDCA channel 0
   (PID 0, TRC on NVIC line 1). The firmware then echoes what it got on the console with polled
   writes: "irq:ABCD dma:wxyz\n". */
#include "sam4l_io.h"

static volatile char by_irq[4];
static volatile unsigned n_irq;
static volatile int irq_done, dma_done;
static char by_dma[4];

void irq_handler(void) {
    const unsigned irq = current_irq();
    if (irq == USART0_IRQ) {
        if (US_CSR & US_IMR & US_RXRDY) {
            by_irq[n_irq++] = (char)US_RHR;
            if (n_irq == sizeof by_irq) {
                US_IDR = US_RXRDY;
                irq_done = 1;
            }
        }
    } else if (irq == PDCA_IRQ(0)) {
        if (PDCA_ISR(0) & PDCA_TRC) {
            PDCA_IDR(0) = 7;
            dma_done = 1;
        }
    } else {
        sh_exit(90);
    }
}

int main(void) {
    io_clocks_on();
    usart0_console();
    US_CR = US_CR_RXEN | US_CR_TXEN;
    nvic_enable(USART0_IRQ);
    nvic_enable(PDCA_IRQ(0));
    US_IER = US_RXRDY;
    wait_for(&irq_done);
    pdca_start(0, PID_USART0_RX, by_dma, sizeof by_dma, PDCA_TRC);
    wait_for(&dma_done);
    PDCA_CR(0) = PDCA_CR_TDIS;
    const int overrun = (US_CSR & US_OVRE) != 0;
    usart0_puts("irq:");
    for (unsigned i = 0; i < sizeof by_irq; ++i) usart0_putc(by_irq[i]);
    usart0_puts(" dma:");
    for (unsigned i = 0; i < sizeof by_dma; ++i) usart0_putc(by_dma[i]);
    usart0_putc('\n');
    usart0_drain();
    sh_kv("overrun", (uint32_t)overrun);
    return overrun;
}
