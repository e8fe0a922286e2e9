/* NVIC: priority order of simultaneously pending interrupts (tail-chained), preemption by a
   higher priority, a lower priority waiting for the return, PRIMASK and BASEPRI masking,
   ICSR.VECTPENDING/ISRPENDING, IABR, PRIGROUP sub-priorities. */
#include "cpu_fw.h"

static volatile uint32_t log_[32];
static volatile uint32_t log_n;

static void note(uint32_t v) { log_[log_n++ & 31] = v; }

void irq_handler(void) {
    const uint32_t irq = get_ipsr() - 16;
    note(irq);
    if (irq == 4) {
        irq_pend(5); /* higher: preempts at once */
        note(100 + NVIC_IABR(0));
        irq_pend(6); /* lower: waits for the return */
        note(200 + irq);
    }
    if (irq == 5) note(300 + ((NVIC_IABR(0) >> 4) & 3));
}

static void dump(const char *what) {
    sh_puts(what);
    for (uint32_t i = 0; i < log_n; ++i) {
        sh_putc(' ');
        sh_dec((int32_t)log_[i]);
    }
    sh_putc('\n');
    log_n = 0;
}

int main(void) {
    for (unsigned i = 0; i < 12; ++i) irq_enable(i);
    irq_prio(0, 0x80);
    irq_prio(1, 0x40);
    irq_prio(2, 0xC0);
    irq_prio(3, 0x40);
    set_primask(1);
    irq_pend(2);
    irq_pend(0);
    irq_pend(3);
    irq_pend(1);
    sh_kv("pending0", NVIC_ISPR(0) & 0xF);
    sh_kv("vectpending", (SCB_ICSR >> 12) & 0x1FF);
    sh_kv("isrpending", (SCB_ICSR >> 22) & 1);
    set_primask(0);
    dump("order:");

    irq_prio(4, 0x80);
    irq_prio(5, 0x20);
    irq_prio(6, 0xA0);
    irq_pend(4);
    dump("nesting:");

    irq_prio(7, 0x40);
    irq_prio(8, 0x20);
    set_basepri(0x40);
    irq_pend(7);
    note(1000);
    irq_pend(8);
    note(1001);
    set_basepri(0);
    dump("basepri:");

    /* PRIGROUP 5: group priority is bits [7:6]; 0x40 and 0x60 are the same group, so 0x60
       pending while 0x40 is active does not preempt. */
    SCB_AIRCR = 0x05FA0000 | (5u << 8);
    sh_kv("prigroup", (SCB_AIRCR >> 8) & 7);
    irq_prio(9, 0x60);
    irq_prio(10, 0x40);
    irq_prio(11, 0x50);
    set_primask(1);
    irq_pend(9);
    irq_pend(10);
    irq_pend(11);
    set_primask(0);
    dump("subprio:");
    SCB_AIRCR = 0x05FA0000;

    /* Unmasking with CPSIE or MSR BASEPRI and no ISB, in straight-line code: the pending
       interrupt is taken right after the unmasking instruction, before the next store. */
    irq_prio(1, 0x40);
    __asm volatile("cpsid i" ::: "memory");
    irq_pend(1);
    __asm volatile("cpsie i" ::: "memory");
    note(2000);
    irq_pend(1); /* not masked: taken at once */
    note(2001);
    set_basepri(0x40);
    irq_pend(1);
    note(2002);
    __asm volatile("msr basepri, %0" : : "r"(0) : "memory");
    note(2003);
    dump("unmask:");
    sh_print("done");
    return 0;
}
