/* SAM4L TWIM1, PDCA and PM clock-mask registers for the periph_i2c test firmware (sam4l.md §4,
   §11, §15.5). The CPU and PBA run at the machine's 48 MHz until the guest programs the PM. */
#ifndef SAM4L_I2C_H
#define SAM4L_I2C_H
#include <stdint.h>

#include "testfw.h"

#define TWIM1_BASE 0x4001C000u
#define TWIM_CR REG32(TWIM1_BASE + 0x00)
#define TWIM_CWGR REG32(TWIM1_BASE + 0x04)
#define TWIM_CMDR REG32(TWIM1_BASE + 0x0C)
#define TWIM_NCMDR REG32(TWIM1_BASE + 0x10)
#define TWIM_RHR REG32(TWIM1_BASE + 0x14)
#define TWIM_SR REG32(TWIM1_BASE + 0x1C)
#define TWIM_IER REG32(TWIM1_BASE + 0x20)
#define TWIM_IDR REG32(TWIM1_BASE + 0x24)
#define TWIM_SCR REG32(TWIM1_BASE + 0x2C)
#define TWIM_CR_MEN (1u << 0)
#define TWIM_CR_MDIS (1u << 1)
#define TWIM_CR_SWRST (1u << 7)
#define CMD_READ (1u << 0)
#define CMD_SADR(a) ((uint32_t)(a) << 1)
#define CMD_START (1u << 13)
#define CMD_STOP (1u << 14)
#define CMD_VALID (1u << 15)
#define CMD_NBYTES(n) ((uint32_t)(n) << 16)
#define SR_RXRDY (1u << 0)
#define SR_CCOMP (1u << 3)
#define SR_IDLE (1u << 4)
#define SR_ANAK (1u << 8)
#define SR_DNAK (1u << 9)
#define TWIM1_IRQ 63
/* 400 kHz from 48 MHz as Tock's set_bus_speed computes it: EXP 0, STASTO 60, HIGH 30, LOW 30. */
#define CWGR_400K ((60u << 16) | (30u << 8) | 30u)

#define PDCA_BASE 0x400A2000u
#define PDCA(ch, off) REG32(PDCA_BASE + 0x40u * (ch) + (off))
#define PDCA_PSR8(ch) (*(volatile uint8_t*)(PDCA_BASE + 0x40u * (ch) + 0x04))
#define PDCA_TCR(ch) PDCA(ch, 0x08)
#define PDCA_MARR(ch) PDCA(ch, 0x0C)
#define PDCA_TCRR(ch) PDCA(ch, 0x10)
#define PDCA_CR(ch) PDCA(ch, 0x14)
#define PDCA_MR(ch) PDCA(ch, 0x18)
#define PDCA_ISR(ch) PDCA(ch, 0x2C)
#define PDCA_CR_TEN (1u << 0)
#define PDCA_CR_TDIS (1u << 1)
#define PDCA_TRC (1u << 1)
#define PID_TWIM1_RX 6
#define PID_TWIM1_TX 24
#define TWIM1_DMA_CH 11 /* Tock's fixed channel for TWIM1 */

/* GPIO port A (sam4l.md §9): PA09 is the FXOS8700CQ's INT1 on the Hail. */
#define GPIO_PA 0x400E1000u
#define GPIO_GPERS REG32(GPIO_PA + 0x004)
#define GPIO_ODERC REG32(GPIO_PA + 0x048)
#define GPIO_PVR REG32(GPIO_PA + 0x060)
#define GPIO_IERS REG32(GPIO_PA + 0x094)
#define GPIO_IMR0C REG32(GPIO_PA + 0x0A8)
#define GPIO_IMR1S REG32(GPIO_PA + 0x0B4)
#define GPIO_IFR REG32(GPIO_PA + 0x0D0)
#define GPIO_IFRC REG32(GPIO_PA + 0x0D8)
#define GPIO_STERS REG32(GPIO_PA + 0x164)
#define FXOS_INT1_PIN 9
#define GPIO_PA8_15_IRQ 26 /* GPIO_1: PA08..PA15 */

#define PM_BASE 0x400E0000u
#define PM_UNLOCK REG32(PM_BASE + 0x058)
#define PM_HSBMASK_OFF 0x024u
#define PM_PBAMASK_OFF 0x028u
#define PM_PBBMASK_OFF 0x02Cu
#define PBA_TWIM1 (1u << 6)
#define HSB_PDCA (1u << 0)
#define PBB_PDCA (1u << 3)

static inline void pm_unmask(uint32_t offset, uint32_t bits) {
    const uint32_t v = REG32(PM_BASE + offset);
    PM_UNLOCK = 0xAA000000u | offset;
    REG32(PM_BASE + offset) = v | bits;
}

#endif
