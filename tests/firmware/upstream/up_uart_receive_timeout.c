/* tock/tock chips/sam4l/src/usart.rs receive_automatic() on USART3, as the nRF51822
   serialization capsule uses it on Hail (chip.rs: USART3 RX DMA = PDCA channel 6, PID 3):
   set_mode (IDR, CR = RSTSTA|RSTTX|RSTRX), configure (MR 0x0008_00C2, BRGR 0x18: 250 kBd),
   then CR = RXEN, IER = PARE|FRAME|OVRE, RTOR = TO, IER = TIMEOUT, CR = STTTO, and a 16-byte
   PDCA receive. The host sends 5 bytes; the receiver time-out fires TO = 250 bit periods after the
   last one; handle_interrupt (CSR & IMR has TIMEOUT) -> disable_rx_timeout (RTOR = 0,
   IDR = TIMEOUT) -> abort_rx (IDR rx interrupts, CR = RXDIS, length = 16 - PDCA TCR,
   abort_transfer: IDR, TCR = 0; TDIS) -> CR = RSTSTA. Checks the length and the bytes.
   Exit code = failed checks. */
#include "upstream_regs.h"

#define RX_CH 6u
#define LEN 16u

void irq_handler(void) {
    unsigned irq = 0;
    __asm volatile("mrs %0, ipsr" : "=r"(irq));
    irq -= 16;
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}

static uint8_t buffer[LEN];

int main(void) {
    int failures = 0;
    pm_mask_set(0x028, 1u << 11); /* PBA USART3 */
    /* set_mode(Uart) */
    US_IDR = 0x1E1u | (1u << 12);
    US_IDR = 0x202u;
    US_CR = (1u << 8) | (1u << 3) | (1u << 2); /* RSTSTA, RSTTX, RSTRX */
    /* configure() */
    US_MR = 0x000800C2u;
    US_BRGR = 0x18u;
    /* receive_automatic(buffer, 16, 8 bit times) */
    US_CR = 1u << 4;                            /* RXEN */
    US_IER = (1u << 5) | (1u << 6) | (1u << 7); /* OVRE, FRAME, PARE */
    US_RTOR = 250;                              /* the nRF51822 capsule's interbyte timeout */
    US_IER = US_TIMEOUT;
    US_CR = 1u << 11; /* STTTO: start counting after the next character */
    pm_mask_set(0x024, 1u << 0);
    pm_mask_set(0x02C, 1u << 3);
    PDCA_IDR(RX_CH) = 7;
    PDCA_MR(RX_CH) = 0;
    PDCA_PSR8(RX_CH) = 3; /* USART3 RX */
    PDCA_MARR(RX_CH) = (uint32_t)buffer;
    PDCA_TCRR(RX_CH) = LEN;
    PDCA_IER(RX_CH) = 2;
    PDCA_CR(RX_CH) = 1;
    NVIC_ISER(USART3_IRQ / 32) = 1u << (USART3_IRQ % 32);
    NVIC_ISER(0) = 1u << (RX_CH + 1);
    sh_print("receiving");

    sleep_until_pending(USART3_IRQ);
    uint32_t status = US_CSR, mask = US_IMR;
    uint32_t length = 0;
    if ((status & US_TIMEOUT) && (mask & US_TIMEOUT)) {
        US_RTOR = 0;
        US_IDR = US_TIMEOUT;
        US_IDR = (1u << 12) | US_TIMEOUT | (1u << 7) | (1u << 6) | (1u << 5) | 1u;
        US_CR = 1u << 5; /* RXDIS */
        length = LEN - PDCA_TCR(RX_CH);
        PDCA_IDR(RX_CH) = 7;
        PDCA_TCR(RX_CH) = 0;
        PDCA_CR(RX_CH) = 2;
    } else {
        ++failures;
    }
    US_CR = 1u << 8; /* RSTSTA */
    nvic_clear_and_enable(USART3_IRQ);
    if (length != 5) ++failures;
    for (unsigned i = 0; i < length && i < LEN; ++i) failures += buffer[i] != (uint8_t)('a' + i);
    if (NVIC_ISPR(0) & (1u << (RX_CH + 1))) ++failures; /* no TRC: the buffer was not filled */
    sh_kv("length", length);
    return failures;
}
