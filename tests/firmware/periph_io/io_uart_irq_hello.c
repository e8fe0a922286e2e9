/* Interrupt-driven UART hello: every character goes out from the USART0 TXRDY interrupt; the
   last one is followed by a TXEMPTY interrupt. The host checks the console bytes and that the
   run took at least one frame time per character. */
#include "sam4l_io.h"

static const char msg[] = "hello from USART0 interrupts\n";
static volatile unsigned pos;
static volatile int done;
static volatile unsigned txrdy_irqs;

void irq_handler(void) {
    if (current_irq() != USART0_IRQ) sh_exit(90);
    const uint32_t pending = US_CSR & US_IMR;
    if (pending & US_TXRDY) {
        ++txrdy_irqs;
        US_THR = (uint8_t)msg[pos++];
        if (msg[pos] == 0) {
            US_IDR = US_TXRDY;
            US_IER = US_TXEMPTY;
        }
    } else if (pending & US_TXEMPTY) {
        US_IDR = US_TXEMPTY;
        done = 1;
    }
}

int main(void) {
    io_clocks_on();
    usart0_console();
    US_CR = US_CR_TXEN;
    nvic_enable(USART0_IRQ);
    US_IER = US_TXRDY;
    wait_for(&done);
    nvic_disable(USART0_IRQ);
    sh_kv("txrdy_irqs", txrdy_irqs);
    int failures = 0;
    if (pos != sizeof msg - 1) ++failures;
    if (txrdy_irqs != sizeof msg - 1) ++failures;
    if (!(US_CSR & US_TXEMPTY)) ++failures;
    return failures;
}
