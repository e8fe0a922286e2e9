/* Reset handler and a full vector table (16 system + 80 SAM4L lines; mps2-an386 has fewer lines
   but ignores the rest). Unhandled exceptions report and exit with 100 + exception number. */
#include "testfw.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

void reset_handler(void);

static void default_handler(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    sh_puts("unexpected exception ");
    sh_dec((int32_t)ipsr);
    sh_puts("\n");
    sh_exit(100 + (int)ipsr);
}

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("default_handler")))
WEAK_HANDLER(nmi_handler);
WEAK_HANDLER(hardfault_handler);
WEAK_HANDLER(memmanage_handler);
WEAK_HANDLER(busfault_handler);
WEAK_HANDLER(usagefault_handler);
WEAK_HANDLER(svc_handler);
WEAK_HANDLER(debugmon_handler);
WEAK_HANDLER(pendsv_handler);
WEAK_HANDLER(systick_handler);
WEAK_HANDLER(irq_handler); /* every external line; read IPSR to tell them apart */

__attribute__((section(".vectors"), used)) void (*const vector_table[96])(void) = {
    (void (*)(void))(&_estack),
    reset_handler,
    nmi_handler,
    hardfault_handler,
    memmanage_handler,
    busfault_handler,
    usagefault_handler,
    0, 0, 0, 0,
    svc_handler,
    debugmon_handler,
    0,
    pendsv_handler,
    systick_handler,
    [16 ... 95] = irq_handler,
};

void reset_handler(void) {
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    sh_exit(main());
}
