/* SAM4L system-peripheral registers used by the periph_sys test firmware (addresses from
   ../shared/reference/sam4l.md §§4-13), plus small NVIC/WFI helpers. */
#ifndef SAM4L_SYS_H
#define SAM4L_SYS_H
#include "testfw.h"

/* PM */
#define PM_BASE 0x400E0000u
#define PM_MCCTRL REG32(PM_BASE + 0x000)
#define PM_UNLOCK REG32(PM_BASE + 0x058)
/* SCIF */
#define SCIF_BASE 0x400E0800u
#define SCIF_PCLKSR REG32(SCIF_BASE + 0x014)
#define SCIF_UNLOCK REG32(SCIF_BASE + 0x018)
#define SCIF_OSCCTRL0 REG32(SCIF_BASE + 0x020)
#define SCIF_PLL0 REG32(SCIF_BASE + 0x024)
#define SCIF_OSC0RDY (1u << 0)
#define SCIF_PLL0LOCK (1u << 6)
/* BSCIF */
#define BSCIF_BASE 0x400F0400u
#define BSCIF_UNLOCK REG32(BSCIF_BASE + 0x018)
#define BSCIF_RC32KCR REG32(BSCIF_BASE + 0x024)
/* BPM */
#define BPM_BASE 0x400F0000u
#define BPM_SR REG32(BPM_BASE + 0x014)
#define BPM_UNLOCK REG32(BPM_BASE + 0x018)
#define BPM_PMCON REG32(BPM_BASE + 0x01C)
/* HFLASHC / HCACHE */
#define HFLASHC_FCR REG32(0x400A0000u)
#define HFLASHC_FCMD REG32(0x400A0004u)
#define HFLASHC_FSR REG32(0x400A0008u)
#define HCACHE_CTRL REG32(0x400A0408u)
#define HCACHE_SR REG32(0x400A040Cu)
/* AST */
#define AST_BASE 0x400F0800u
#define AST_CR REG32(AST_BASE + 0x00)
#define AST_CV REG32(AST_BASE + 0x04)
#define AST_SR REG32(AST_BASE + 0x08)
#define AST_SCR REG32(AST_BASE + 0x0C)
#define AST_IER REG32(AST_BASE + 0x10)
#define AST_IDR REG32(AST_BASE + 0x14)
#define AST_AR0 REG32(AST_BASE + 0x20)
#define AST_CLOCK REG32(AST_BASE + 0x40)
#define AST_SR_ALARM0 (1u << 8)
#define AST_SR_BUSY (1u << 24)
#define AST_SR_CLKBUSY (1u << 28)
#define AST_ALARM_IRQ 39u
/* GPIO: port p at 0x400E1000 + 0x200 p; group register X, XS (+4), XC (+8), XT (+0xC). */
#define GPIO(p, off) REG32(0x400E1000u + 0x200u * (p) + (off))
#define GPIO_GPERS(p) GPIO(p, 0x004)
#define GPIO_ODERS(p) GPIO(p, 0x044)
#define GPIO_ODERC(p) GPIO(p, 0x048)
#define GPIO_OVRS(p) GPIO(p, 0x054)
#define GPIO_OVRC(p) GPIO(p, 0x058)
#define GPIO_OVRT(p) GPIO(p, 0x05C)
#define GPIO_PVR(p) GPIO(p, 0x060)
#define GPIO_PUERC(p) GPIO(p, 0x078)
#define GPIO_IERS(p) GPIO(p, 0x094)
#define GPIO_IMR0C(p) GPIO(p, 0x0A8)
#define GPIO_IMR1S(p) GPIO(p, 0x0B4)
#define GPIO_IFR(p) GPIO(p, 0x0D0)
#define GPIO_IFRC(p) GPIO(p, 0x0D8)
#define GPIO_STERS(p) GPIO(p, 0x164)
#define GPIO_IRQ(p, pin) (25u + 4u * (p) + (pin) / 8u)

static inline void nvic_enable(unsigned irq) { NVIC_ISER(irq / 32) = 1u << (irq % 32); }
static inline unsigned current_irq(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr - 16;
}
/* Sleep until *flag is set by an interrupt (WFI with interrupts masked, as Tock does). */
static inline void wait_for(volatile int* flag) {
    __asm volatile("cpsid i" ::: "memory");
    while (!*flag) {
        __asm volatile("wfi" ::: "memory");
        __asm volatile("cpsie i\n isb\n cpsid i" ::: "memory");
    }
    __asm volatile("cpsie i" ::: "memory");
}
static inline void ast_wait_busy(void) {
    while (AST_SR & AST_SR_BUSY) {
    }
}
static inline void ast_wait_clkbusy(void) {
    while (AST_SR & AST_SR_CLKBUSY) {
    }
}
#endif
