/* BKPT debug events without a debugger (ARMv7-M C1.6, B1.5.4): with DEMCR.MON_EN = 0 a BKPT
   escalates to HardFault with HFSR.DEBUGEVT and DFSR.BKPT; with MON_EN = 1 it is the
   DebugMonitor exception (12, priority SHPR3[7:0]) with DFSR.BKPT, unless the monitor's priority
   cannot preempt (then HardFault DEBUGEVT again). DEMCR.MON_PEND pends the monitor by software.
   tockemu-only: QEMU 7.2 reports a BKPT as HFSR.FORCED and has no DebugMonitor. */
#include "cpu_fw.h"

#define DEMCR REG32(0xE000EDFC)
#define DFSR REG32(0xE000ED30)

static volatile uint32_t hardfaults, monitors;

FRAME_HANDLER(hardfault_handler, hard_c)
void hard_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    hardfaults++;
    sh_kv("hardfault hfsr", SCB_HFSR);
    sh_kv("  dfsr", DFSR);
    SCB_HFSR = SCB_HFSR;
    DFSR = DFSR;
    frame[6] += 2; /* skip the 16-bit BKPT */
}

FRAME_HANDLER(debugmon_handler, mon_c)
void mon_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    monitors++;
    const uint32_t dfsr = DFSR;
    sh_kv("debugmonitor ipsr", get_ipsr());
    sh_kv("  dfsr", dfsr);
    DFSR = dfsr;
    if (dfsr & 2) frame[6] += 2; /* a BKPT: skip it */
}

int main(void) {
    __asm volatile("bkpt #1");
    sh_kv("no monitor: hardfaults", hardfaults);

    SHPR_BYTE(12) = 0x40;
    DEMCR |= 1u << 16; /* MON_EN */
    __asm volatile("bkpt #2");
    sh_kv("monitor: monitors", monitors);
    sh_kv("monitor: hardfaults", hardfaults);

    DEMCR |= 1u << 17; /* MON_PEND */
    barrier();
    sh_kv("mon_pend: monitors", monitors);
    sh_kv("  demcr", DEMCR);

    set_basepri(0x40); /* the monitor cannot preempt: escalation */
    __asm volatile("bkpt #3");
    set_basepri(0);
    sh_kv("masked: hardfaults", hardfaults);
    sh_kv("masked: monitors", monitors);
    sh_print("done");
    return 0;
}
