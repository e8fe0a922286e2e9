/* SAM4L USART0, SPI and PDCA registers for the periph_io test firmware (sam4l.md §10-12), and
   the few helpers the tests share. Clock frequencies are left at reset: tockemu runs the CPU and
   the PBA bridge at the machine's configured 48 MHz until the guest programs PM
   (clock_tree.hpp). The clock masks are not: out of reset PBAMASK is 0, so like real code every
   program first unmasks the peripherals it uses (io_clocks_on). */
#ifndef SAM4L_IO_H
#define SAM4L_IO_H
#include <stdint.h>

#include "testfw.h"

#define USART0_BASE 0x40024000u
#define US_CR REG32(USART0_BASE + 0x00)
#define US_MR REG32(USART0_BASE + 0x04)
#define US_IER REG32(USART0_BASE + 0x08)
#define US_IDR REG32(USART0_BASE + 0x0C)
#define US_IMR REG32(USART0_BASE + 0x10)
#define US_CSR REG32(USART0_BASE + 0x14)
#define US_RHR REG32(USART0_BASE + 0x18)
#define US_THR REG32(USART0_BASE + 0x1C)
#define US_BRGR REG32(USART0_BASE + 0x20)
#define US_CR_RSTRX (1u << 2)
#define US_CR_RSTTX (1u << 3)
#define US_CR_RXEN (1u << 4)
#define US_CR_TXEN (1u << 6)
#define US_CR_TXDIS (1u << 7)
#define US_CR_RSTSTA (1u << 8)
#define US_RXRDY (1u << 0)
#define US_TXRDY (1u << 1)
#define US_OVRE (1u << 5)
#define US_TXEMPTY (1u << 9)
#define USART0_IRQ 65

#define SPI_BASE 0x40008000u
#define SPI_CR REG32(SPI_BASE + 0x00)
#define SPI_MR REG32(SPI_BASE + 0x04)
#define SPI_RDR REG32(SPI_BASE + 0x08)
#define SPI_TDR REG32(SPI_BASE + 0x0C)
#define SPI_SR REG32(SPI_BASE + 0x10)
#define SPI_CSR(n) REG32(SPI_BASE + 0x30 + 4 * (n))
#define SPI_CR_SPIEN (1u << 0)
#define SPI_CR_SPIDIS (1u << 1)
#define SPI_CR_LASTXFER (1u << 24)
#define SPI_MR_MSTR (1u << 0)
#define SPI_MR_MODFDIS (1u << 4)
#define SPI_MR_PCS(cs) ((0xFu & ~(1u << (cs))) << 16)
#define SPI_SR_RDRF (1u << 0)
#define SPI_SR_TDRE (1u << 1)
#define SPI_SR_OVRES (1u << 3)
#define SPI_SR_TXEMPTY (1u << 9)
#define SPI_CSR_CSAAT (1u << 3)
#define SPI_CSR_SCBR(n) ((uint32_t)(n) << 8)

#define PDCA_BASE 0x400A2000u
#define PDCA(ch, off) REG32(PDCA_BASE + 0x40u * (ch) + (off))
#define PDCA_MAR(ch) PDCA(ch, 0x00)
#define PDCA_PSR8(ch) (*(volatile uint8_t*)(PDCA_BASE + 0x40u * (ch) + 0x04))
#define PDCA_TCR(ch) PDCA(ch, 0x08)
#define PDCA_MARR(ch) PDCA(ch, 0x0C)
#define PDCA_TCRR(ch) PDCA(ch, 0x10)
#define PDCA_CR(ch) PDCA(ch, 0x14)
#define PDCA_MR(ch) PDCA(ch, 0x18)
#define PDCA_SR(ch) PDCA(ch, 0x1C)
#define PDCA_IER(ch) PDCA(ch, 0x20)
#define PDCA_IDR(ch) PDCA(ch, 0x24)
#define PDCA_ISR(ch) PDCA(ch, 0x2C)
#define PDCA_CR_TEN (1u << 0)
#define PDCA_CR_TDIS (1u << 1)
#define PDCA_CR_ECLR (1u << 8)
#define PDCA_RCZ (1u << 0)
#define PDCA_TRC (1u << 1)
#define PDCA_TERR (1u << 2)
#define PDCA_IRQ(ch) (1 + (ch))

#define PID_USART0_RX 0
#define PID_SPI_RX 4
#define PID_USART0_TX 18
#define PID_SPI_TX 22

/* PM clock masks (sam4l.md §4): each mask register is written right after its UNLOCK. */
#define PM_BASE 0x400E0000u
#define PM_UNLOCK REG32(PM_BASE + 0x058)
#define PM_HSBMASK_OFF 0x024u
#define PM_PBAMASK_OFF 0x028u
#define PM_PBBMASK_OFF 0x02Cu
#define PBA_SPI (1u << 1)
#define PBA_USART0 (1u << 8)
#define HSB_PDCA (1u << 0)
#define PBB_PDCA (1u << 3)

static inline void pm_unmask(uint32_t offset, uint32_t bits) {
    const uint32_t v = REG32(PM_BASE + offset);
    PM_UNLOCK = 0xAA000000u | offset;
    REG32(PM_BASE + offset) = v | bits;
}
static inline void pm_mask(uint32_t offset, uint32_t bits) {
    const uint32_t v = REG32(PM_BASE + offset);
    PM_UNLOCK = 0xAA000000u | offset;
    REG32(PM_BASE + offset) = v & ~bits;
}
/* USART0, SPI and the PDCA (its bus-master clock and its registers). */
static inline void io_clocks_on(void) {
    pm_unmask(PM_PBAMASK_OFF, PBA_USART0 | PBA_SPI);
    pm_unmask(PM_HSBMASK_OFF, HSB_PDCA);
    pm_unmask(PM_PBBMASK_OFF, PBB_PDCA);
}

static inline void nvic_enable(unsigned irq) {
    NVIC_ISER(irq / 32) = 1u << (irq % 32);
}
static inline void nvic_disable(unsigned irq) {
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
}
static inline unsigned current_irq(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr - 16;
}
static inline void wfi(void) {
    __asm volatile("wfi" ::: "memory");
}

/* Sleeps until an interrupt handler sets *flag. Interrupts are masked around the test so that a
   handler running between the test and WFI cannot be missed (WFI still wakes on a pending IRQ). */
static inline void wait_for(volatile int* flag) {
    __asm volatile("cpsid i" ::: "memory");
    while (!*flag) {
        wfi();
        __asm volatile("cpsie i\n isb\n cpsid i" ::: "memory");
    }
    __asm volatile("cpsie i" ::: "memory");
}

/* The Hail console set-up Tock uses: 115 200 Bd 8N1 from 48 MHz (MR 0x000808C0, BRGR 0x10034). */
static inline void usart0_console(void) {
    US_CR = US_CR_RSTSTA | US_CR_RSTTX | US_CR_RSTRX;
    US_MR = 0x000808C0u;
    US_BRGR = 0x00010034u;
}

/* Polled transmit, as Tock's panic writer does: wait TXRDY, write THR. */
static inline void usart0_putc(char c) {
    while (!(US_CSR & US_TXRDY)) {
    }
    US_THR = (uint8_t)c;
}
static inline void usart0_puts(const char* s) {
    while (*s) usart0_putc(*s++);
}
static inline void usart0_drain(void) {
    while (!(US_CSR & US_TXEMPTY)) {
    }
}

/* Tock's do_transfer(): size, PID (byte store), reload address/count, IER, enable. */
static inline void pdca_start(unsigned ch, unsigned pid, volatile void* buf, uint32_t len,
                              uint32_t ier) {
    PDCA_IDR(ch) = 7;
    PDCA_MR(ch) = 0; /* byte beats */
    PDCA_PSR8(ch) = (uint8_t)pid;
    PDCA_MARR(ch) = (uint32_t)buf;
    PDCA_TCRR(ch) = len;
    PDCA_IER(ch) = ier;
    PDCA_CR(ch) = PDCA_CR_TEN;
}

#endif
