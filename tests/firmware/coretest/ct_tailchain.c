/* Tail-chaining and re-pending (ARMv7-M ARM B1.5.12, B1.5.4, B3.4): an exception pended at a
   lower priority inside a handler is taken straight after it (tail-chained) with the original
   EXC_RETURN and frame (thread on PSP: 0xFFFFFFFD, frame at PSP); an interrupt pended again
   inside its own handler runs again after the return, not nested; an exception that re-pends
   itself (PendSV, NMI) likewise; SVC inside an SVC handler escalates to HardFault (FORCED);
   lowering the priority of the active interrupt does not let an equal one preempt (the active
   exception's priority at activation does not matter: execution priority follows the current
   priority, B1.5.4); ICER on a pending interrupt keeps it pending but not taken; CONTROL.nPRIV
   reads 1 in a handler entered from unprivileged thread code. */
#include "ct.h"

static uint32_t process_stack[256] __attribute__((aligned(8)));
static volatile uint32_t pendsv_lr, pendsv_frame, pendsv_stacked_pc, svc_frame, svc_control;
static volatile uint32_t pendsv_repeats, pendsv_runs, irq_reentries, nmi_runs, nmi_repeat;
static volatile uint32_t hf_hfsr, hf_count;

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    const uint8_t imm = ((const uint8_t*)frame[6])[-2];
    log_note(11);
    svc_frame = (uint32_t)frame;
    svc_control = get_control();
    if (imm == 1) {
        SCB_ICSR = ICSR_PENDSVSET; /* PendSV 0xC0 below SVCall 0x80: tail-chains */
        barrier();
        log_note(111);
    }
    if (imm == 2) set_control(get_control() & ~1u);      /* back to privileged */
    if (imm == 3) __asm volatile("svc #4" ::: "memory"); /* SVC at SVC priority: HardFault */
}

FRAME_HANDLER(pendsv_handler, pendsv_c)
void pendsv_c(uint32_t* frame, uint32_t exc_return) {
    log_note(14);
    pendsv_runs++;
    pendsv_lr = exc_return;
    pendsv_frame = (uint32_t)frame;
    pendsv_stacked_pc = frame[6];
    if (pendsv_repeats) {
        pendsv_repeats--;
        SCB_ICSR = ICSR_PENDSVSET;
        barrier();
    }
}

void irq_handler(void) {
    const uint32_t irq = get_ipsr() - 16;
    log_note(16 + irq);
    if (irq == 0 && irq_reentries) {
        irq_reentries--;
        irq_pend(0); /* active and pending: waits for the return */
        log_note(200);
    }
    if (irq == 1) {
        irq_prio(1, 0xE0); /* lower the active interrupt's priority ... */
        irq_pend(2);       /* ... IRQ 2 (0xA0) now preempts it */
        log_note(201);
    }
}

void nmi_handler(void) {
    nmi_runs++;
    if (nmi_repeat) {
        nmi_repeat = 0;
        SCB_ICSR = 1u << 31; /* pends NMI again: taken after this one returns */
        barrier();
        log_note(202);
    }
}

FRAME_HANDLER(hardfault_handler, hardfault_c)
void hardfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)frame;
    (void)exc_return;
    hf_count++;
    hf_hfsr = SCB_HFSR;
    SCB_HFSR = hf_hfsr;
    log_note(3);
    /* The faulting svc is skipped by returning to the instruction after it (stacked PC
       already points there: SVC's return address). */
}

extern char after_svc1[];

int main(void) {
    SCB_SHPR_BYTE(11) = 0x80;
    SCB_SHPR_BYTE(14) = 0xC0;
    for (unsigned i = 0; i < 3; ++i) irq_enable(i);

    /* Thread on PSP, unprivileged: SVC pends PendSV, which tail-chains with 0xFFFFFFFD and the
       same frame. */
    set_psp((uint32_t)&process_stack[256]);
    set_control(3);
    __asm volatile("svc #1\n.global after_svc1\nafter_svc1:\n" ::
                       : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    __asm volatile("svc #2" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    set_control(0);
    log_dump("svc then pendsv");
    sh_kv("svc: control in handler", svc_control);
    sh_kv("pendsv: exc_return", pendsv_lr);
    sh_kv("pendsv: frame on psp",
          pendsv_frame >= (uint32_t)process_stack && pendsv_frame < (uint32_t)&process_stack[256]);
    sh_kv("pendsv: stacked pc after svc #1", pendsv_stacked_pc == ((uint32_t)after_svc1 & ~1u));

    /* PendSV re-pending itself twice: three runs back to back. */
    pendsv_runs = 0;
    pendsv_repeats = 2;
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    log_note(1000);
    log_dump("pendsv repending itself");
    sh_kv("pendsv runs", pendsv_runs);

    /* IRQ 0 re-pended inside its own handler: runs again after it returns. */
    irq_prio(0, 0x40);
    irq_reentries = 2;
    irq_pend(0);
    log_dump("irq0 repending itself");

    /* Lowering the running interrupt's priority lets a formerly lower one preempt. */
    irq_prio(1, 0x40);
    irq_prio(2, 0xA0);
    irq_pend(1);
    log_dump("priority of the active irq lowered");
    irq_prio(1, 0x40);

    /* NMI pended inside NMI: taken again after the return. */
    nmi_repeat = 1;
    SCB_ICSR = 1u << 31;
    barrier();
    sh_kv("nmi runs", nmi_runs);
    log_dump("nmi repending itself");

    /* SVC inside the SVC handler: cannot preempt itself, escalates to HardFault (FORCED). */
    __asm volatile("svc #3" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    log_dump("svc in svc");
    sh_kv("hardfaults", hf_count);
    sh_kv("hfsr", hf_hfsr);

    /* ICER on a pending interrupt: still pending, not taken, not VECTPENDING; ISER: taken. */
    set_primask(1);
    irq_pend(0);
    irq_disable(0);
    set_primask(0);
    sh_kv("disabled pending irq0: ispr", NVIC_ISPR(0) & 1);
    sh_kv("disabled pending irq0: vectpending", icsr_vectpending());
    sh_kv("disabled pending irq0: isrpending", icsr_isrpending());
    irq_enable(0);
    log_dump("enabled again");
    sh_print("done");
    return 0;
}
