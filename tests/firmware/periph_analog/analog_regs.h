/* SAM4L ADCIFE, DACC, CRCCU, WDT and EIC registers for the analog replay firmware (offsets from
   the ASF component headers as listed in ../shared/reference/sam4l.md and the models'
   headers), on top of the upstream-replay helpers (PM masks, Tock's interrupt servicing). */
#ifndef ANALOG_REGS_H
#define ANALOG_REGS_H
#include "upstream_regs.h"

#define PBAMASK_OFF 0x028u
#define PBBMASK_OFF 0x02Cu
#define HSBMASK_OFF 0x024u

#define PDCA_ISR(n) PDCA_CH(n, 0x2C)

#define SCIF_GCCTRL(n) REG32(SCIF_BASE + 0x074 + 4u * (n))
#define GCLK_RC32K 13u

#define CRCCU_BASE 0x400A4000u
#define CRCCU(off) REG32(CRCCU_BASE + (off))
#define CRCCU_DSCR CRCCU(0x00)
#define CRCCU_DMAEN CRCCU(0x08)
#define CRCCU_DMADIS CRCCU(0x0C)
#define CRCCU_DMASR CRCCU(0x10)
#define CRCCU_DMAIER CRCCU(0x14)
#define CRCCU_DMAIDR CRCCU(0x18)
#define CRCCU_DMAISR CRCCU(0x20)
#define CRCCU_CR CRCCU(0x34)
#define CRCCU_MR CRCCU(0x38)
#define CRCCU_SR CRCCU(0x3C)
#define CRCCU_IER CRCCU(0x40)
#define CRCCU_ISR CRCCU(0x4C)
#define CRCCU_IRQ 17u

#define ADC_BASE 0x40038000u
#define ADC(off) REG32(ADC_BASE + (off))
#define ADC_CR ADC(0x00)
#define ADC_CFG ADC(0x04)
#define ADC_SR ADC(0x08)
#define ADC_SCR ADC(0x0C)
#define ADC_SEQCFG ADC(0x14)
#define ADC_TIM ADC(0x1C)
#define ADC_ITIMER ADC(0x20)
#define ADC_LCV ADC(0x2C)
#define ADC_IER ADC(0x30)
#define ADC_IDR ADC(0x34)
#define ADC_IRQ 69u
#define ADC_SEOC 1u
#define ADC_ALL_FLAGS 0x2Fu
#define ADC_SR_EN (1u << 24)
#define ADC_SR_REFBUF (1u << 28)
#define ADC_SR_BGREQ (1u << 30)

#define DAC_BASE 0x4003C000u
#define DAC(off) REG32(DAC_BASE + (off))
#define DAC_CR DAC(0x00)
#define DAC_MR DAC(0x04)
#define DAC_CDR DAC(0x08)
#define DAC_ISR DAC(0x18)
#define DAC_TXRDY 1u

#define WDT_BASE 0x400F0C00u
#define WDT_CTRL REG32(WDT_BASE + 0x00)
#define WDT_CLR REG32(WDT_BASE + 0x04)

#define EIC_BASE 0x400F1000u
#define EIC(off) REG32(EIC_BASE + (off))
#endif
