/* SCR.SLEEPONEXIT (ARMv7-M B1.5.19): returning from the only active exception to Thread mode,
   the core sleeps as for WFI instead of running Thread code; the next interrupt is taken from
   there. SysTick fires every 1000 cycles; its handler counts and clears SLEEPONEXIT on the third
   tick, so Thread code after the WFI runs exactly once, after three ticks. tockemu-only:
   QEMU 7.2 does not implement sleep-on-exit (it returns to Thread code at once). */
#include "cpu_fw.h"

static volatile uint32_t ticks;

void systick_handler(void) {
    ticks++;
    if (ticks == 3) SCB_SCR &= ~(1u << 1);
}

int main(void) {
    volatile uint32_t thread_runs = 0;
    SYST_RVR = 999;
    SYST_CVR = 0;
    SCB_SCR |= 1u << 1; /* SLEEPONEXIT */
    SYST_CSR = 7;       /* enable, TICKINT, core clock */
    __asm volatile("wfi");
    thread_runs++;
    SYST_CSR = 0;
    sh_kv("ticks before thread code ran", ticks);
    sh_kv("thread runs", thread_runs);
    sh_kv("scr", SCB_SCR);
    sh_print("done");
    return 0;
}
