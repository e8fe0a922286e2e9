/* CONTROL and the special registers (ARMv7-M ARM B1.4.4, B5.2.2 MRS, B5.2.3 MSR, B3.2.8 CCR,
   B3.4.3 STIR): CONTROL.SPSEL writes ignored in Handler mode; nPRIV set by a handler makes the
   thread unprivileged, where MSR CONTROL/PRIMASK/BASEPRI/BASEPRI_MAX/FAULTMASK and CPSID are
   ignored; MRS of the xPSR views (EPSR reads as zero, IPSR only in the I views); MSR to the
   xPSR views writes APSR only for SYSm<2> = 0; STIR from unprivileged code pends only with
   CCR.USERSETMPEND, otherwise (like any unprivileged SCS access) it is a precise BusFault.
   Values gathered while unprivileged are printed later (QEMU refuses unprivileged
   semihosting). */
#include "ct.h"

static volatile uint32_t bf_count, bf_cfsr, bf_bfar;

FRAME_HANDLER(busfault_handler, busfault_c)
void busfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    bf_count++;
    bf_cfsr = SCB_CFSR;
    bf_bfar = SCB_BFAR;
    SCB_CFSR = bf_cfsr;
    frame[6] += 4; /* the refused access is a 32-bit str/ldr below */
}

static volatile uint32_t h_control, h_control_after, h_ipsr, h_xpsr, h_epsr, h_iepsr;

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    const uint8_t imm = ((const uint8_t*)frame[6])[-2];
    switch (imm) {
        case 0: /* SPSEL ignored in Handler mode */
            h_control = get_control();
            set_control(2);
            h_control_after = get_control();
            h_ipsr = get_ipsr();
            h_xpsr = get_xpsr();
            h_epsr = get_epsr();
            h_iepsr = get_iepsr();
            break;
        case 1: /* drop privilege for the thread */
            set_control(get_control() | 1u);
            break;
        case 2: /* back to privileged */
            set_control(get_control() & ~1u);
            break;
        default:
            break;
    }
}

void irq_handler(void) {
    log_note(get_ipsr() - 16);
}

/* Unprivileged results */
static volatile uint32_t u_control, u_control_after, u_primask, u_basepri, u_faultmask;
static volatile uint32_t u_stir_pend_off, u_stir_pend_on, u_icsr, u_bf_off, u_bf_on, u_bf_icsr;

int main(void) {
    SCB_SHCSR = SHCSR_BUSFAULTENA;
    irq_enable(5);
    irq_prio(5, 0x80);

    /* ---- Handler mode ---- */
    __asm volatile("svc #0" ::: "memory");
    sh_kv("handler: control", h_control);
    sh_kv("handler: control after msr spsel", h_control_after);
    sh_kv("handler: ipsr", h_ipsr);
    sh_kv("handler: xpsr ipsr field", h_xpsr & 0x1FF);
    sh_kv("handler: epsr", h_epsr);
    sh_kv("handler: iepsr", h_iepsr);
    sh_kv("thread: control after return", get_control());
    sh_kv("thread: still on msp", get_sp() > get_psp() || get_psp() == 0);

    /* ---- MSR CONTROL.SPSEL without ISB: the very next PUSH uses the new stack (portable code
       adds an ISB; QEMU and tockemu both switch at once, which is what this pins down) ---- */
    static uint32_t pstack[16] __attribute__((aligned(8)));
    set_psp((uint32_t)&pstack[16]);
    const uint32_t msp_before = get_msp();
    __asm volatile(
        "mov r0, #2\n"
        "msr control, r0\n"
        "push {r0}\n"
        "pop {r0}\n"
        "mov r0, #0\n"
        "msr control, r0\n"
        "isb\n" ::
            : "r0", "memory");
    sh_kv("spsel without isb: push went to psp", pstack[15] == 2);
    sh_kv("spsel without isb: msp unchanged", get_msp() == msp_before);

    /* ---- MRS views of xPSR in thread mode, with known flags and GE ---- */
    uint32_t v[7];
    __asm volatile(
        "msr APSR_nzcvqg, %7\n"
        "mrs %0, apsr\n"
        "mrs %1, iapsr\n"
        "mrs %2, eapsr\n"
        "mrs %3, xpsr\n"
        "mrs %4, ipsr\n"
        "mrs %5, epsr\n"
        "mrs %6, iepsr\n"
        : "=&r"(v[0]), "=&r"(v[1]), "=&r"(v[2]), "=&r"(v[3]), "=&r"(v[4]), "=&r"(v[5]), "=&r"(v[6])
        : "r"(0xA8050000u)
        : "cc");
    sh_kv("mrs apsr", v[0]);
    sh_kv("mrs iapsr", v[1]);
    sh_kv("mrs eapsr", v[2]);
    sh_kv("mrs xpsr", v[3]);
    sh_kv("mrs ipsr", v[4]);
    sh_kv("mrs epsr", v[5]);
    sh_kv("mrs iepsr", v[6]);

    /* EPSR reads as zero inside an IT block too. */
    uint32_t in_it;
    __asm volatile(
        "movs %0, #1\n"
        "cmp %0, #1\n"
        "itt eq\n"
        "mrseq %0, xpsr\n"
        "addeq %0, %0, #0\n"
        : "=&l"(in_it)
        :
        : "cc");
    sh_kv("mrs xpsr in it block", in_it);

    /* ---- MSR to xPSR views: only SYSm<2> = 0 writes the flags ---- */
    uint32_t after_iapsr, after_ipsr, after_g, after_nzcvq;
    __asm volatile(
        "msr APSR_nzcvqg, %4\n"
        "mov r0, #0xF0000000\n"
        ".inst.w 0xf3808805\n" /* msr IPSR, r0 (SYSm 5, mask 0b10): no effect */
        "mrs %1, apsr\n"
        ".inst.w 0xf3808801\n" /* msr IAPSR_nzcvq, r0 (SYSm 1): flags written */
        "mrs %0, apsr\n"
        "mov r0, #0x000F0000\n"
        "msr APSR_g, r0\n"
        "mrs %2, apsr\n"
        "mov r0, #0\n"
        "msr APSR_nzcvq, r0\n"
        "mrs %3, apsr\n"
        : "=&r"(after_iapsr), "=&r"(after_ipsr), "=&r"(after_g), "=&r"(after_nzcvq)
        : "r"(0u)
        : "r0", "cc");
    sh_kv("msr ipsr: apsr", after_ipsr);
    sh_kv("msr iapsr_nzcvq: apsr", after_iapsr);
    sh_kv("msr apsr_g: apsr", after_g);
    sh_kv("msr apsr_nzcvq 0: apsr", after_nzcvq);

    /* ---- Unprivileged thread ---- */
    __asm volatile("svc #1" ::: "memory");
    u_control = get_control();
    set_control(0); /* ignored */
    u_control_after = get_control();
    set_primask(1);                                     /* ignored */
    set_basepri(0x40);                                  /* ignored */
    set_basepri_max(0x40);                              /* ignored */
    set_faultmask(1);                                   /* ignored */
    __asm volatile("cpsid i\n cpsid f\n" ::: "memory"); /* ignored */
    /* STIR with USERSETMPEND = 0: BusFault, nothing pended. The str is 32-bit (str.w). */
    __asm volatile("str.w %0, [%1]\n dsb\n isb\n" ::"r"(5), "r"(0xE000EF00u) : "memory");
    u_bf_off = bf_count;
    u_stir_pend_off = log_len;
    __asm volatile("svc #2" ::: "memory");

    u_primask = get_primask();
    u_basepri = get_basepri();
    u_faultmask = get_faultmask();
    SCB_CCR |= CCR_USERSETMPEND;
    barrier();
    __asm volatile("svc #1" ::: "memory");
    __asm volatile("str.w %0, [%1]\n dsb\n isb\n" ::"r"(5), "r"(0xE000EF00u) : "memory");
    u_bf_on = bf_count;
    u_stir_pend_on = log_len;
    /* Other SCS registers stay privileged-only. */
    uint32_t icsr = 0x12345678u;
    __asm volatile("ldr.w %0, [%1]\n" : "+r"(icsr) : "r"(0xE000ED04u) : "memory");
    u_icsr = icsr;
    u_bf_icsr = bf_count;
    __asm volatile("svc #2" ::: "memory");

    sh_kv("unpriv: control", u_control);
    sh_kv("unpriv: control after msr 0", u_control_after);
    sh_kv("unpriv: primask after msr/cpsid (read privileged)", u_primask);
    sh_kv("unpriv: basepri after msr (read privileged)", u_basepri);
    sh_kv("unpriv: faultmask after msr/cpsid (read privileged)", u_faultmask);
    sh_kv("unpriv stir, usersetmpend=0: busfaults", u_bf_off);
    sh_kv("unpriv stir, usersetmpend=0: irq5 taken", u_stir_pend_off);
    sh_kv("unpriv stir, usersetmpend=1: busfaults", u_bf_on);
    sh_kv("unpriv stir, usersetmpend=1: irq5 taken", u_stir_pend_on);
    sh_kv("unpriv icsr read: busfaults", u_bf_icsr);
    sh_kv("unpriv icsr read: register untouched", u_icsr);
    sh_kv("busfault cfsr", bf_cfsr);
    sh_kv("busfault bfar", bf_bfar);
    log_dump("irqs");
    sh_kv("control at the end", get_control());
    sh_print("done");
    return 0;
}
