/* tock/tock chips/sam4l/src/wdt.rs: start(period = 20 ms) -> PSEL 10 (2^11 RCSYS cycles,
   17.8 ms), CTRL = CEN | PSEL | FCD | DAR | EN written with KEY 0x55 then 0xAA; tickle (CLR with
   the key pair) every ~5 ms for about 100 ms; stop (EN cleared with the key pair) and wait ~50 ms:
   nothing may reset. Then start again and stop tickling: the host sees the watchdog's reset
   request 17.8 ms later. The core runs at the machine's reset clock (48 MHz; the delays are
   counted loops, about 7 cycles per iteration). */
#include "analog_regs.h"

static void keyed(volatile uint32_t* reg, uint32_t value) {
    *reg = (0x55u << 24) | value;
    *reg = (0xAAu << 24) | value;
}

static void delay(unsigned n) {
    for (volatile unsigned i = 0; i < n; ++i) {
    }
}

static const uint32_t kControl = (1u << 16) | (10u << 8) | (1u << 7) | (1u << 1) | 1u;

int main(void) {
    pm_mask_set(0x034u /* PBDMASK (WDT is clocked out of reset) */, 1u << 3);
    keyed(&WDT_CTRL, kControl);
    if (WDT_CTRL != kControl) return 1;
    for (int i = 0; i < 20; ++i) {
        delay(40000);
        keyed(&WDT_CLR, 1u);
    }
    keyed(&WDT_CTRL, WDT_CTRL & ~1u);
    delay(400000);
    sh_print("survived");
    keyed(&WDT_CTRL, kControl);
    sh_print("waiting");
    for (;;) {
    }
}
