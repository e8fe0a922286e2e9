/* Exception-return plumbing shared by ct_return*.c (one image each): a UsageFault handler that
   records what it saw and resumes through a chosen EXC_RETURN, an SVC handler that edits its
   own frame or returns with a chosen EXC_RETURN, and IRQ 0 (taken inside the SVC handler) that
   does the same one level down. Priorities: SVCall 0x80, IRQ 0 0x40, UsageFault 0x00, so every
   INVPC is taken, never escalated. */
#ifndef CT_RETURN_H
#define CT_RETURN_H
#include "ct.h"

/* ---- UsageFault: record and return through `uf_resume` (a valid EXC_RETURN) ---- */
static volatile uint32_t uf_count, uf_cfsr, uf_lr, uf_pc, uf_xpsr, uf_ipsr_fix;
static volatile uint32_t uf_resume = 0xFFFFFFF9u;
static volatile uint32_t uf_pc_to;    /* non-zero: resume there */
static volatile uint32_t uf_set_ipsr; /* 0x100 | value: put this IPSR in the stacked xPSR */

uint32_t usage_c(uint32_t* frame, uint32_t lr) {
    uf_count++;
    uf_cfsr = SCB_CFSR;
    uf_lr = lr;
    uf_pc = frame[6];
    uf_xpsr = frame[7];
    SCB_CFSR = uf_cfsr;
    frame[7] |= 1u << 24; /* after INVSTATE (or QEMU's UNALIGNED, below): resume in Thumb */
    if (uf_pc_to) {
        frame[6] = uf_pc_to;
        uf_pc_to = 0;
    }
    if (uf_set_ipsr) {
        frame[7] = (frame[7] & ~0x1FFu) | (uf_set_ipsr & 0xFF);
        uf_set_ipsr = 0;
    }
    return uf_resume;
}

/* The frame is on MSP in every case here (thread code runs on MSP), and LR may be an INVPC
   value whose bit 2 does not name the stack. */
__attribute__((naked)) void usagefault_handler(void) {
    __asm volatile("mrs r0, msp\n mov r1, lr\n bl usage_c\n bx r0\n");
}

static __attribute__((unused)) void uf_report(const char* what) {
    sh_print(what);
    sh_kv("  usagefaults", uf_count);
    sh_kv("  cfsr", uf_cfsr);
    sh_kv("  lr", uf_lr);
    sh_kv("  stacked ipsr", uf_xpsr & 0x1FF);
    uf_count = uf_cfsr = uf_lr = uf_xpsr = 0;
}

/* ---- SVC: edits its frame as told by `svc_mode` ---- */
enum {
    SVC_NOTHING,
    SVC_SET_PC,       /* stacked PC = svc_arg */
    SVC_SET_FLAGS,    /* stacked NZCVQ and GE all ones */
    SVC_CLEAR_Z,      /* stacked Z = 0 */
    SVC_SET_BIT9,     /* stacked xPSR bit 9 = 1 */
    SVC_CLEAR_T,      /* stacked EPSR.T = 0 */
    SVC_SET_IPSR,     /* stacked IPSR = 5 while returning to thread */
    SVC_BAD_RETURN,   /* return with EXC_RETURN = svc_arg */
    SVC_PEND_IRQ,     /* pend IRQ 0 (higher priority) from the handler */
    SVC_CLEAR_ACTIVE, /* clear SHCSR.SVCALLACT, then return */
};
volatile uint32_t svc_mode, svc_arg; /* not static: named by the asm below */
static volatile uint32_t svc_back;   /* set when the SVC handler resumes after IRQ 0 */

/* SVC_BAD_RETURN (7) returns at once with EXC_RETURN = svc_arg, SP at the frame; any other
   mode goes to svc_c with the frame. */
_Static_assert(SVC_BAD_RETURN == 7, "the asm below compares with 7");
void svc_c(uint32_t* frame, uint32_t exc_return);
__attribute__((naked)) void svc_handler(void) {
    __asm volatile(
        "ldr r0, =svc_mode\n"
        "ldr r0, [r0]\n"
        "cmp r0, #7\n"
        "bne 1f\n"
        "ldr r0, =svc_arg\n"
        "ldr r0, [r0]\n"
        "bx r0\n"
        "1: tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "b svc_c\n"
        ".ltorg\n");
}

void svc_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    switch (svc_mode) {
        case SVC_SET_PC:
            frame[6] = svc_arg;
            break;
        case SVC_SET_FLAGS:
            frame[7] |= 0xF80F0000u;
            break;
        case SVC_CLEAR_Z:
            frame[7] &= ~(1u << 30);
            break;
        case SVC_SET_BIT9:
            frame[7] |= 1u << 9;
            break;
        case SVC_CLEAR_T:
            frame[7] &= ~(1u << 24);
            break;
        case SVC_SET_IPSR:
            frame[7] |= 5u;
            break;
        case SVC_CLEAR_ACTIVE:
            SCB_SHCSR &= ~(1u << 7);
            break;
        case SVC_PEND_IRQ:
            irq_pend(0);
            svc_back++;
            break;
        default:
            break;
    }
}

/* ---- IRQ 0: returns with `irq_return`, optionally editing its frame first ---- */
volatile uint32_t irq_return = 0xFFFFFFF1u; /* named by the asm below */
static volatile uint32_t irq_edit; /* 1: stacked IPSR = 0; 2: stacked IPSR = 0 and PC = irq_pc */
static volatile uint32_t irq_pc;

void irq_edit_c(uint32_t* frame) {
    if (irq_edit) frame[7] &= ~0x1FFu;
    if (irq_edit == 2) frame[6] = irq_pc;
    irq_edit = 0;
}

__attribute__((naked)) void irq_handler(void) {
    __asm volatile(
        "mrs r0, msp\n"
        "bl irq_edit_c\n"
        "ldr r0, =irq_return\n"
        "ldr r0, [r0]\n"
        "bx r0\n"
        ".ltorg\n");
}

static __attribute__((unused)) void svc(void) {
    __asm volatile("svc #0" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
}

/* An SVC whose handler returns at once with EXC_RETURN = `value` (frame untouched). */
static __attribute__((unused)) void svc_returning(uint32_t value) {
    svc_mode = SVC_BAD_RETURN;
    svc_arg = value;
    __asm volatile("svc #0" ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    svc_mode = SVC_NOTHING;
}

static void return_setup(void) {
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    SCB_SHPR_BYTE(11) = 0x80;
    SCB_SHPR_BYTE(6) = 0x00;
    irq_prio(0, 0x40);
    irq_enable(0);
}

#endif
