/* Thread mode on PSP, unprivileged and back through SVC; each EXC_RETURN variant (0xFFFFFFF9,
   0xFFFFFFFD, 0xFFFFFFF1 for a nested exception); unprivileged writes to privileged special
   registers are ignored. */
#include "cpu_fw.h"

static uint32_t process_stack[256] __attribute__((aligned(8)));
static volatile uint32_t nested_seen;

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t *frame, uint32_t exc_return) {
    const uint8_t imm = ((const uint8_t *)frame[6])[-2];
    sh_kv("svc", imm);
    sh_kv("  exc_return", exc_return);
    sh_kv("  frame_on_psp", (uint32_t)frame == get_psp());
    sh_kv("  sp_is_msp", get_sp() < 0x20010000 && get_sp() > get_msp() - 64);
    sh_kv("  control_in_handler", get_control());
    if (imm == 2) set_control(get_control() & ~1u); /* drop nPRIV: privileged on return */
    if (imm == 4) {
        /* A higher-priority interrupt taken inside this handler returns with 0xFFFFFFF1. */
        irq_prio(0, 0x00);
        irq_enable(0);
        irq_pend(0);
        sh_kv("  nested_seen", nested_seen);
    }
}

FRAME_HANDLER(irq_handler, irq_c)
void irq_c(uint32_t *frame, uint32_t exc_return) {
    (void)frame;
    sh_kv("irq", get_ipsr() - 16);
    sh_kv("  exc_return", exc_return);
    nested_seen = 1;
}

static void svc1(void) { __asm volatile("svc #1" ::: "memory"); }
static void svc2(void) { __asm volatile("svc #2" ::: "memory"); }
static void svc3(void) { __asm volatile("svc #3" ::: "memory"); }
static void svc4(void) { __asm volatile("svc #4" ::: "memory"); }

int main(void) {
    SHPR_BYTE(11) = 0x80; /* SVCall below IRQ 0 */
    sh_kv("control", get_control());
    svc3(); /* thread, MSP: 0xFFFFFFF9 */

    set_psp((uint32_t)&process_stack[256]);
    set_control(2);
    sh_kv("control", get_control());
    sh_kv("sp_is_psp", get_sp() <= (uint32_t)&process_stack[256] && get_sp() >= (uint32_t)process_stack);
    svc1(); /* thread, PSP: 0xFFFFFFFD */

    /* Unprivileged: QEMU refuses semihosting from unprivileged code, so collect, print later. */
    set_control(3);
    const uint32_t c_unpriv = get_control();
    set_primask(1);
    set_basepri(0x40);
    set_faultmask(1);
    const uint32_t pm = get_primask(), bp = get_basepri(), fm = get_faultmask(), msp = get_msp();
    set_control(0); /* ignored while unprivileged */
    const uint32_t c_after = get_control();
    svc2(); /* the handler clears nPRIV */
    sh_kv("unpriv.control", c_unpriv);
    sh_kv("unpriv.primask", pm);
    sh_kv("unpriv.basepri", bp);
    sh_kv("unpriv.faultmask", fm);
    sh_kv("unpriv.msp_reads_zero", msp);
    sh_kv("unpriv.control_after_msr", c_after);
    sh_kv("control", get_control());
    sh_kv("primask", get_primask());

    set_control(0);
    sh_kv("control", get_control());
    svc4(); /* nested interrupt: 0xFFFFFFF1 */
    sh_kv("nested_seen", nested_seen);
    sh_print("done");
    return 0;
}
