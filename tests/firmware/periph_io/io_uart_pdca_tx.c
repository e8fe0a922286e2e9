/* UART transmit by PDCA, the way Tock's console does it: channel 1 moves the message from flash
   to USART0 THR (PID 18); its TRC interrupt (NVIC line 2) enables USART TXEMPTY, whose interrupt
   ends the transfer. The order of the two interrupts is checked here, the bytes by the host. */
#include "sam4l_io.h"

static const char msg[] = "hello from the PDCA\n";
static volatile int events, trc_order, txempty_order, done;

void irq_handler(void) {
    const unsigned irq = current_irq();
    if (irq == PDCA_IRQ(1)) {
        if (PDCA_ISR(1) & PDCA_TRC) {
            PDCA_IDR(1) = 7;
            trc_order = ++events;
            US_IER = US_TXEMPTY;
        }
    } else if (irq == USART0_IRQ) {
        if (US_CSR & US_IMR & US_TXEMPTY) {
            US_IDR = US_TXEMPTY;
            US_CR = US_CR_TXDIS;
            txempty_order = ++events;
            done = 1;
        }
    } else {
        sh_exit(90);
    }
}

int main(void) {
    io_clocks_on();
    usart0_console();
    US_CR = US_CR_TXEN;
    nvic_enable(PDCA_IRQ(1));
    nvic_enable(USART0_IRQ);
    pdca_start(1, PID_USART0_TX, (volatile void*)msg, sizeof msg - 1, PDCA_TRC);
    wait_for(&done);
    PDCA_CR(1) = PDCA_CR_TDIS;
    sh_kv("trc_order", (uint32_t)trc_order);
    sh_kv("txempty_order", (uint32_t)txempty_order);
    sh_kv("mar", PDCA_MAR(1));
    int failures = 0;
    if (trc_order != 1 || txempty_order != 2) ++failures;
    if (PDCA_TCR(1) != 0) ++failures;
    if (PDCA_MAR(1) != (uint32_t)msg + sizeof msg - 1) ++failures;
    return failures;
}
