/* SAM4L registers used by the upstream-replay firmware (addresses from
   ../shared/reference/sam4l.md), and the interrupt pattern of Tock's sam4l chip: the ISR only
   disables its NVIC line and leaves it pending; the main loop finds it, runs the driver's handler,
   then clears and re-enables the line (chips/sam4l/src/chip.rs service_pending_interrupts). */
#ifndef UPSTREAM_REGS_H
#define UPSTREAM_REGS_H
#include "testfw.h"

#define PM_BASE 0x400E0000u
#define PM_MCCTRL REG32(PM_BASE + 0x000)
#define PM_HSBMASK REG32(PM_BASE + 0x024)
#define PM_PBAMASK REG32(PM_BASE + 0x028)
#define PM_PBBMASK REG32(PM_BASE + 0x02C)
#define PM_UNLOCK REG32(PM_BASE + 0x058)

#define SCIF_BASE 0x400E0800u
#define SCIF_PCLKSR REG32(SCIF_BASE + 0x014)
#define SCIF_UNLOCK REG32(SCIF_BASE + 0x018)
#define SCIF_DFLL0CONF REG32(SCIF_BASE + 0x028)
#define SCIF_DFLL0MUL REG32(SCIF_BASE + 0x030)
#define SCIF_DFLL0STEP REG32(SCIF_BASE + 0x034)
#define SCIF_DFLL0SSG REG32(SCIF_BASE + 0x038)
#define SCIF_DFLL0SYNC REG32(SCIF_BASE + 0x040)
#define SCIF_GCCTRL0 REG32(SCIF_BASE + 0x074)
#define SCIF_DFLL0LOCKF (1u << 2)
#define SCIF_DFLL0RDY (1u << 3)

#define BSCIF_BASE 0x400F0400u
#define BSCIF_UNLOCK REG32(BSCIF_BASE + 0x018)
#define BSCIF_RC32KCR REG32(BSCIF_BASE + 0x024)
#define BSCIF_RC32KTUNE REG32(BSCIF_BASE + 0x028)

#define BPM_BASE 0x400F0000u
#define BPM_SR REG32(BPM_BASE + 0x014)
#define BPM_UNLOCK REG32(BPM_BASE + 0x018)
#define BPM_PMCON REG32(BPM_BASE + 0x01C)

#define HFLASHC_FCR REG32(0x400A0000u)
#define HFLASHC_FCMD REG32(0x400A0004u)
#define HFLASHC_FSR REG32(0x400A0008u)
#define HFLASHC_IRQ 0u
#define HCACHE_CTRL REG32(0x400A0408u)
#define HCACHE_SR REG32(0x400A040Cu)
#define HCACHE_MAINT0 REG32(0x400A0420u)

#define TRNG_BASE 0x40068000u
#define TRNG_CR REG32(TRNG_BASE + 0x00)
#define TRNG_IER REG32(TRNG_BASE + 0x10)
#define TRNG_IDR REG32(TRNG_BASE + 0x14)
#define TRNG_ISR REG32(TRNG_BASE + 0x1C)
#define TRNG_ODATA REG32(TRNG_BASE + 0x50)
#define TRNG_KEY (0x524E47u << 8)
#define TRNG_DATRDY 1u
#define TRNG_IRQ 73u

#define SPI_BASE 0x40008000u
#define SPI_CR REG32(SPI_BASE + 0x00)
#define SPI_MR REG32(SPI_BASE + 0x04)
#define SPI_SR REG32(SPI_BASE + 0x10)
#define SPI_CSR(n) REG32(SPI_BASE + 0x30 + 4u * (n))
#define SPI_SR_TXEMPTY (1u << 9)
#define SPI_SR_SPIENS (1u << 16)

#define USART3_BASE 0x40030000u
#define USART3(off) REG32(USART3_BASE + (off))
#define US_CR USART3(0x00)
#define US_MR USART3(0x04)
#define US_IER USART3(0x08)
#define US_IDR USART3(0x0C)
#define US_IMR USART3(0x10)
#define US_CSR USART3(0x14)
#define US_BRGR USART3(0x20)
#define US_RTOR USART3(0x24)
#define US_TIMEOUT (1u << 8)
#define USART3_IRQ 68u

#define PDCA_CH(n, off) REG32(0x400A2000u + 0x40u * (n) + (off))
#define PDCA_MAR(n) PDCA_CH(n, 0x00)
#define PDCA_PSR8(n) (*(volatile uint8_t*)(0x400A2004u + 0x40u * (n)))
#define PDCA_TCR(n) PDCA_CH(n, 0x08)
#define PDCA_MARR(n) PDCA_CH(n, 0x0C)
#define PDCA_TCRR(n) PDCA_CH(n, 0x10)
#define PDCA_CR(n) PDCA_CH(n, 0x14)
#define PDCA_MR(n) PDCA_CH(n, 0x18)
#define PDCA_IER(n) PDCA_CH(n, 0x20)
#define PDCA_IDR(n) PDCA_CH(n, 0x24)

/* pm.rs enable_clock/disable_clock: UNLOCK with the mask's offset, read, write. */
static inline void pm_mask_set(uint32_t offset, uint32_t bit) {
    PM_UNLOCK = 0xAA000000u | offset;
    uint32_t v = REG32(PM_BASE + offset);
    REG32(PM_BASE + offset) = v | bit;
}
static inline void pm_mask_clear(uint32_t offset, uint32_t bit) {
    PM_UNLOCK = 0xAA000000u | offset;
    uint32_t v = REG32(PM_BASE + offset);
    REG32(PM_BASE + offset) = v & ~bit;
}

/* Tock's sleep: WFI with interrupts masked, then let the pending one in (CPSIE). */
static inline void sleep_until_pending(unsigned irq) {
    __asm volatile("cpsid i" ::: "memory");
    while (!(NVIC_ISPR(irq / 32) & (1u << (irq % 32)))) {
        __asm volatile("wfi" ::: "memory");
        __asm volatile("cpsie i\n isb\n cpsid i" ::: "memory");
    }
    __asm volatile("cpsie i" ::: "memory");
}
static inline void nvic_clear_and_enable(unsigned irq) {
    NVIC_ICPR(irq / 32) = 1u << (irq % 32);
    NVIC_ISER(irq / 32) = 1u << (irq % 32);
}
#endif
