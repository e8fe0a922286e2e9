/* Priorities (ARMv7-M ARM B1.5.4): preemption by group priority only under each AIRCR.PRIGROUP
   (B3.2.6), order of simultaneously pending exceptions (group, then subpriority, then exception
   number), BASEPRI compared as a group priority, MSR BASEPRI_MAX only raising (B5.2.3), ICSR
   readings inside handlers (VECTACTIVE, RETTOBASE, VECTPENDING, ISRPENDING).
   Only the 4 priority bits the SAM4L implements ([7:4]) are used, so that a core with more bits
   (QEMU) orders the same way. */
#include "ct.h"

static volatile uint32_t inner; /* IRQ the outer handler pends */
static volatile uint32_t icsr_in[4];

/* Handlers log their exception number (IRQ n is 16 + n). */
void irq_handler(void) {
    const uint32_t irq = get_ipsr() - 16;
    log_note(16 + irq);
    if (irq == 0 && inner) {
        const uint32_t n = inner;
        inner = 0;
        irq_pend(n);
        log_note(100); /* after the pend: before or after n ran */
    }
}

void systick_handler(void) {
    log_note(15);
}

/* IRQ 0 at `outer` pends IRQ 1 at `pending`; the log says whether 1 preempted 0. */
static uint32_t preempts(uint8_t outer, uint8_t pending) {
    irq_prio(0, outer);
    irq_prio(1, pending);
    inner = 1;
    log_len = 0;
    irq_pend(0);
    /* Preempted: 16 17 100.  Not preempted: 16 100 17. */
    const uint32_t preempted = log_len == 3 && log_buf[1] == 17;
    log_len = 0;
    return preempted;
}

static void set_prigroup(uint32_t g) {
    SCB_AIRCR = 0x05FA0000u | (g << 8);
    barrier();
}

/* ---- ICSR inside handlers ---- */
static volatile uint32_t icsr_phase;
void pendsv_handler(void) {
    if (!icsr_phase) {
        log_note(14);
        return;
    }
    icsr_in[0] = SCB_ICSR;
    irq_pend(2); /* IRQ 2 (0xC0) is lower than PendSV (0x80): stays pending */
    icsr_in[1] = SCB_ICSR;
}
void svc_handler(void) {
    icsr_in[2] = SCB_ICSR;
    SCB_ICSR = ICSR_PENDSVSET; /* PendSV 0x80 above SVCall 0xA0: preempts */
    barrier();
    icsr_in[3] = SCB_ICSR;
}

int main(void) {
    for (unsigned i = 0; i < 8; ++i) irq_enable(i);
    sh_kv("aircr", SCB_AIRCR);

    /* Preemption needs a lower group priority; the subpriority only orders pending ones. */
    static const uint8_t pairs[][2] = {{0x60, 0x50}, {0x60, 0x20}, {0x80, 0x00}, {0x40, 0x40}};
    for (uint32_t g = 0; g < 8; ++g) {
        set_prigroup(g);
        sh_puts("prigroup ");
        sh_dec((int32_t)((SCB_AIRCR >> 8) & 7));
        sh_puts(" preempts:");
        for (unsigned i = 0; i < 4; ++i) {
            sh_putc(' ');
            sh_dec((int32_t)preempts(pairs[i][0], pairs[i][1]));
        }
        sh_putc('\n');
    }

    /* Pending together (released by PRIMASK): group, then subpriority, then number. PRIGROUP 5:
       group [7:6], subpriority [5:4]. */
    set_prigroup(5);
    irq_prio(3, 0x70); /* group 0x40 sub 0x30 */
    irq_prio(4, 0x50); /* group 0x40 sub 0x10 */
    irq_prio(5, 0x90); /* group 0x80 */
    irq_prio(6, 0x50); /* same as 4: number decides */
    irq_prio(7, 0x30); /* group 0x00 */
    set_primask(1);
    for (unsigned i = 3; i < 8; ++i) irq_pend(i);
    sh_kv("vectpending (primask set)", icsr_vectpending());
    set_primask(0);
    log_dump("order prigroup 5");

    /* BASEPRI is a group priority too: 0x60 masks group 0x40 (0x50) but not group 0x00. */
    set_basepri(0x60);
    irq_pend(4);
    irq_pend(7);
    log_note(1000);
    sh_kv("basepri 0x60 prigroup 5: vectpending", icsr_vectpending());
    set_basepri(0);
    log_dump("basepri as group");
    set_prigroup(0);

    /* System exceptions and IRQs at one priority: lower exception number first. */
    SCB_SHPR_BYTE(14) = 0x80;
    SCB_SHPR_BYTE(15) = 0x80;
    irq_prio(0, 0x80);
    irq_prio(2, 0x80);
    set_primask(1);
    irq_pend(2);
    irq_pend(0);
    sh_kv("isrpending", icsr_isrpending());
    SCB_ICSR = ICSR_PENDSTSET;
    barrier();
    sh_kv("vectpending", icsr_vectpending());
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    sh_kv("vectpending", icsr_vectpending());
    set_primask(0);
    log_dump("equal priority");

    /* BASEPRI_MAX writes only raise the mask (a lower value, or 0, is ignored). */
    set_basepri(0x80);
    set_basepri_max(0xA0);
    sh_kv("basepri_max 0xa0 over 0x80", get_basepri());
    set_basepri_max(0x40);
    sh_kv("basepri_max 0x40 over 0x80", get_basepri());
    set_basepri_max(0x00);
    sh_kv("basepri_max 0x00 over 0x40", get_basepri());
    set_basepri(0);
    set_basepri_max(0x60);
    sh_kv("basepri_max 0x60 over 0", get_basepri());

    /* BASEPRI masks: pending at equal priority stays pending; VECTPENDING still names it. */
    set_basepri(0x80);
    irq_pend(0);
    sh_kv("basepri 0x80: irq0 (0x80) pending", NVIC_ISPR(0) & 1);
    sh_kv("basepri 0x80: vectpending", icsr_vectpending());
    set_basepri(0);
    log_dump("after basepri");

    /* ICSR in handlers: SVCall (0xA0) alone, then PendSV (0x80) nested in it. */
    SCB_SHPR_BYTE(11) = 0xA0;
    irq_prio(2, 0xC0);
    icsr_phase = 1;
    __asm volatile("svc #0" ::: "memory");
    sh_kv("svc: icsr", icsr_in[2]);
    sh_kv("pendsv nested: icsr", icsr_in[0]);
    sh_kv("pendsv after pending irq2: icsr", icsr_in[1]);
    sh_kv("svc after pendsv: icsr", icsr_in[3]);
    log_dump("irq2 after both");
    /* RETTOBASE is UNKNOWN in thread mode (B3.2.4): not printed. */
    sh_kv("thread icsr", SCB_ICSR & ~(1u << 11));
    sh_print("done");
    return 0;
}
