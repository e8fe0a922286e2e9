/* SEV, WFE and the event register (ARMv7-M ARM B1.5.18 "Wait For Event and Send Event",
   A7.7.121 SEV, A7.7.261 WFE): SEV sets the event register; WFE with the register set clears it
   and completes at once; with it clear WFE sleeps until a WFE wake-up event: an exception that
   preempts (and is taken), or with SCR.SEVONPEND any exception becoming pending, even masked.
   An exception return sets the event register. YIELD is a NOP hint.
   QEMU 7.2 treats WFE as a NOP (a legal spurious wake-up, software must tolerate it): the lines
   that show WFE sleeping are QemuDeviations in tests/coretest. */
#include "ct.h"

static volatile uint32_t ticks;
void systick_handler(void) {
    ticks++;
}

static void systick_start(uint32_t period) {
    SYST_CSR = 0;
    SYST_RVR = period - 1;
    SYST_CVR = 0;
    SYST_CSR = 7; /* ENABLE | TICKINT | CLKSOURCE */
}

int main(void) {
    /* SEV then WFE: the event SEV set is consumed, WFE does not sleep. */
    __asm volatile("sev\n wfe\n" ::: "memory");
    sh_kv("sev then wfe returned", 1);
    __asm volatile("sev.w\n wfe.w\n" ::: "memory");
    sh_kv("wide sev then wfe returned", 1);
    __asm volatile("yield\n yield.w\n" ::: "memory");
    sh_kv("yield returned", 1);

    /* Inside IT blocks: a false-condition SEV does nothing, a true one sets the event. */
    uint32_t r = 0;
    __asm volatile(
        "movs r0, #1\n"
        "cmp r0, #1\n"
        "ite eq\n"
        "seveq\n"
        "addne %0, %0, #4\n"
        "wfe\n"
        "adds %0, %0, #1\n"
        : "+r"(r)
        :
        : "r0", "cc", "memory");
    sh_kv("seveq; wfe in an it block", r);

    /* Event register clear: WFE sleeps until SysTick preempts; the handler runs first. */
    __asm volatile("sev\n wfe\n" ::: "memory"); /* a known state: clear */
    systick_start(5000);
    __asm volatile("wfe" ::: "memory");
    const uint32_t after_sleep = ticks;
    /* The SysTick return set the event register: this WFE completes at once. */
    __asm volatile("wfe" ::: "memory");
    const uint32_t after_second = ticks;
    SYST_CSR = 0;
    sh_kv("wfe slept until systick: ticks", after_sleep);
    sh_kv("exception return set the event: ticks", after_second);

    /* SEVONPEND with PRIMASK set: SysTick becoming pending wakes WFE, its handler does not run
       until PRIMASK is cleared. */
    set_primask(1);
    SCB_SCR |= 1u << 4; /* SEVONPEND */
    __asm volatile("sev\n wfe\n" ::: "memory");
    ticks = 0;
    systick_start(5000);
    __asm volatile("wfe" ::: "memory");
    const uint32_t pended = (SCB_ICSR >> 26) & 1;
    const uint32_t ran = ticks;
    SYST_CSR = 0;
    set_primask(0);
    SCB_SCR &= ~(1u << 4);
    sh_kv("sevonpend woke wfe: pendstset", pended);
    sh_kv("  masked handler not run", ran == 0);
    sh_kv("  runs after primask cleared", ticks);
    sh_print("done");
    return 0;
}
