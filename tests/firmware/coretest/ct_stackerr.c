/* Stacking and unstacking errors on unmapped memory (ARMv7-M ARM B1.5.6 PushStack, B1.5.8
   PopStack, B1.5.15 derived exceptions, B3.2.15 BFSR): an SVC from a thread whose PSP points
   at unmapped memory gives BusFault STKERR (BFAR not valid) and the SVC stays pending until the
   BusFault returns; a return whose frame is unmapped gives BusFault UNSTKERR. The BusFault
   handler repairs PSP with a frame that resumes thread code at a recovery point.
   0x30000000 is unmapped on the SAM4L and on mps2-an386. */
#include "ct.h"

static uint32_t process_stack[128] __attribute__((aligned(8)));
static volatile uint32_t bf_cfsr[2], bf_count, bf_lr[2], bf_shcsr[2];
static volatile uint32_t recover_at;

/* A fresh 8-word frame at the top of process_stack that resumes at `recover_at`. */
static void repair_psp(void) {
    uint32_t* frame = &process_stack[128 - 8];
    for (int i = 0; i < 6; ++i) frame[i] = 0;
    frame[6] = recover_at & ~1u;
    frame[7] = 1u << 24;
    set_psp((uint32_t)frame);
}

FRAME_HANDLER(busfault_handler, busfault_c)
void busfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)frame;
    const uint32_t i = bf_count++ & 1;
    bf_cfsr[i] = SCB_CFSR;
    bf_lr[i] = exc_return;
    bf_shcsr[i] = SCB_SHCSR;
    SCB_CFSR = bf_cfsr[i];
    repair_psp();
}

void svc_handler(void) {
    log_note(11);
}

static volatile uint32_t unstack_bad;
void pendsv_handler(void) {
    log_note(14);
    if (unstack_bad) set_psp(0x30000100u); /* the return will unstack from unmapped memory */
}

static void part_two(void);

static void recovered(void) {
    log_note(1);
    set_control(0); /* back to MSP, privileged */
    sh_kv("busfaults", bf_count);
    sh_kv("cfsr", bf_cfsr[0]);
    sh_kv("exc_return seen by busfault", bf_lr[0]);
    sh_kv("shcsr in busfault (svcall pending)", bf_shcsr[0]);
    log_dump("order");
    bf_count = 0;
    part_two();
}

static void recovered2(void);

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    SCB_SHPR_BYTE(5) = 0x40;  /* BusFault */
    SCB_SHPR_BYTE(11) = 0x80; /* SVCall */
    SCB_SHPR_BYTE(14) = 0x80; /* PendSV */
    barrier();

    /* Stacking error: the SVC's frame would go to unmapped memory. */
    recover_at = (uint32_t)recovered;
    set_psp(0x30000100u);
    set_control(2); /* thread on PSP (privileged) */
    __asm volatile("svc #0" ::: "memory");
    sh_print("not reached");
    return 1;
}

static void part_two(void) {
    /* Unstacking error: PendSV moves PSP to unmapped memory before returning. */
    recover_at = (uint32_t)recovered2;
    set_psp((uint32_t)&process_stack[96]);
    set_control(2);
    unstack_bad = 1;
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
    sh_print("not reached");
    sh_exit(1);
}

static void recovered2(void) {
    unstack_bad = 0;
    set_control(0);
    sh_kv("unstack: busfaults", bf_count);
    sh_kv("unstack: cfsr", bf_cfsr[0]);
    sh_kv("unstack: exc_return seen by busfault", bf_lr[0]);
    log_dump("unstack order");
    sh_print("done");
    sh_exit(0);
}
