/* tock/tock chips/sam4l/src/trng.rs driven as the RNG capsule drives it: get() masks the TRNG
   clock on (PBAMASK bit 17), writes CR = KEY | ENABLE and IER = DATRDY. Each TRNG interrupt is
   serviced the Tock way (the ISR disables and re-pends its line; the main loop runs the handler,
   then clears and re-enables the line): IDR = DATRDY, then the entropy iterator reads ISR and,
   while DATRDY is set, ODATA. The client wants 8 words; while it wants more, IER = DATRDY again;
   when done, CR = KEY (disable) and the clock is masked. Checks: every interrupt yields at least
   one word (DATRDY set when the line rose), the words are not all equal, no interrupt is left
   pending after the disable. Exit code = failed checks. */
#include "upstream_regs.h"

#define WANTED 8

void irq_handler(void) {
    unsigned irq = 0;
    __asm volatile("mrs %0, ipsr" : "=r"(irq));
    irq -= 16;
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}

static uint32_t words[WANTED];
static unsigned count;

/* One handle_interrupt(): the number of words the iterator produced. */
static unsigned trng_handle_interrupt(void) {
    unsigned produced = 0;
    TRNG_IDR = TRNG_DATRDY;
    while (count < WANTED && (TRNG_ISR & TRNG_DATRDY)) {
        words[count++] = TRNG_ODATA;
        ++produced;
    }
    if (count >= WANTED) {
        TRNG_CR = TRNG_KEY; /* ENABLE = 0 */
        pm_mask_clear(0x028, 1u << 17);
    } else {
        TRNG_IER = TRNG_DATRDY;
    }
    return produced;
}

int main(void) {
    int failures = 0;
    unsigned interrupts = 0;
    NVIC_ISER(TRNG_IRQ / 32) = 1u << (TRNG_IRQ % 32);
    pm_mask_set(0x028, 1u << 17);
    TRNG_CR = TRNG_KEY | 1u;
    TRNG_IER = TRNG_DATRDY;
    while (count < WANTED) {
        sleep_until_pending(TRNG_IRQ);
        ++interrupts;
        if (trng_handle_interrupt() == 0) ++failures;
        nvic_clear_and_enable(TRNG_IRQ);
        if (interrupts > 4 * WANTED) break;
    }
    unsigned distinct = 0;
    for (unsigned i = 1; i < count; ++i) distinct += words[i] != words[0];
    if (count != WANTED || distinct == 0) ++failures;
    /* Disabled and masked: nothing may pend any more. */
    for (volatile int i = 0; i < 2000; ++i) {
    }
    if (NVIC_ISPR(TRNG_IRQ / 32) & (1u << (TRNG_IRQ % 32))) ++failures;
    sh_kv("words", count);
    sh_kv("interrupts", interrupts);
    sh_kv("first", words[0]);
    return failures;
}
