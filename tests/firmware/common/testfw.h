/* Shared helpers for bare-metal test firmware: semihosting output and exit, plus the vector
   table hooks. A test defines the handlers it needs (strong symbols override the weak defaults,
   which report the unexpected exception and exit with code 100 + exception number). */
#ifndef TESTFW_H
#define TESTFW_H
#include <stdint.h>

void sh_putc(char c);
void sh_puts(const char *s);          /* SYS_WRITE0 */
void sh_print(const char *s);         /* line helper: s then '\n' */
void sh_hex(uint32_t v);              /* 0x%08x */
void sh_dec(int32_t v);
void sh_kv(const char *key, uint32_t v); /* "key=0x%08x\n" */
void sh_exit(int code) __attribute__((noreturn)); /* SYS_EXIT_EXTENDED */

int main(void);

#define REG32(a) (*(volatile uint32_t *)(a))

/* System Control Space */
#define SCB_ICSR REG32(0xE000ED04)
#define SCB_VTOR REG32(0xE000ED08)
#define SCB_AIRCR REG32(0xE000ED0C)
#define SCB_SCR REG32(0xE000ED10)
#define SCB_CCR REG32(0xE000ED14)
#define SCB_SHPR1 REG32(0xE000ED18)
#define SCB_SHPR2 REG32(0xE000ED1C)
#define SCB_SHPR3 REG32(0xE000ED20)
#define SCB_SHCSR REG32(0xE000ED24)
#define SCB_CFSR REG32(0xE000ED28)
#define SCB_HFSR REG32(0xE000ED2C)
#define SCB_MMFAR REG32(0xE000ED34)
#define SCB_BFAR REG32(0xE000ED38)
#define NVIC_ISER(n) REG32(0xE000E100 + 4 * (n))
#define NVIC_ICER(n) REG32(0xE000E180 + 4 * (n))
#define NVIC_ISPR(n) REG32(0xE000E200 + 4 * (n))
#define NVIC_ICPR(n) REG32(0xE000E280 + 4 * (n))
#define NVIC_IABR(n) REG32(0xE000E300 + 4 * (n))
#define NVIC_IPR8(n) (*(volatile uint8_t *)(0xE000E400 + (n)))
#define NVIC_STIR REG32(0xE000EF00)
#define SYST_CSR REG32(0xE000E010)
#define SYST_RVR REG32(0xE000E014)
#define SYST_CVR REG32(0xE000E018)
#define SYST_CALIB REG32(0xE000E01C)
#define MPU_TYPE REG32(0xE000ED90)
#define MPU_CTRL REG32(0xE000ED94)
#define MPU_RNR REG32(0xE000ED98)
#define MPU_RBAR REG32(0xE000ED9C)
#define MPU_RASR REG32(0xE000EDA0)

#endif
