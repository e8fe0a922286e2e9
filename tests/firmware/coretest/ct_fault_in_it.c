/* A precise fault inside an IT block (ARMv7-M ARM B1.5.6: the stacked xPSR holds the ITSTATE of
   the faulting instruction, the stacked ReturnAddress is that instruction; A7.3.2 ITSTATE): the
   BusFault handler sees ITSTATE for the load (three instructions of ITTTT EQ left), and the
   instructions before the load in the block have executed, those after it have not. The handler
   resumes at a recovery point with the IT bits cleared. Then the handler that fixes the address
   and returns to the load: the rest of the ITETE block still obeys its conditions (the
   ITSTATE comes back from the frame, B1.5.8). (DIV_0_TRP: ct_div0_in_it.) 0x30000000 is
   unmapped on both. Finding F9. */
#include "ct.h"

static volatile uint32_t bf_xpsr, bf_pc, bf_cfsr, retry;
static uint32_t good_word = 7;
extern char faulting_ldr[], recover_here[];

FRAME_HANDLER(busfault_handler, busfault_c)
void busfault_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    bf_xpsr = frame[7];
    bf_pc = frame[6];
    bf_cfsr = SCB_CFSR;
    SCB_CFSR = bf_cfsr;
    if (retry) {
        frame[2] = (uint32_t)&good_word; /* r2: retry the load at a mapped address */
        return;
    }
    frame[6] = (uint32_t)recover_here & ~1u;
    frame[7] &= ~((3u << 25) | (0x3Fu << 10)); /* ITSTATE = 0 */
}

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    barrier();
    uint32_t r3;
    __asm volatile(
        "movs r3, #0\n"
        "ldr r2, =0x30000000\n"
        "cmp r3, #0\n"
        "itttt eq\n"
        "addeq r3, r3, #1\n"
        ".global faulting_ldr\n"
        "faulting_ldr: ldreq r1, [r2]\n"
        "addeq r3, r3, #16\n"
        "addeq r3, r3, #32\n"
        "b 1f\n"
        ".ltorg\n"
        ".global recover_here\n"
        ".thumb_func\n"
        "recover_here:\n"
        "1: mov %0, r3\n"
        : "=r"(r3)
        :
        : "r1", "r2", "r3", "cc", "memory");
    sh_kv("cfsr", bf_cfsr);
    sh_kv("stacked pc is the ldr", bf_pc == ((uint32_t)faulting_ldr & ~1u));
    sh_kv("stacked xpsr", bf_xpsr);
    sh_kv("instructions before it ran, after it did not", r3);

    retry = 1;
    uint32_t loaded;
    __asm volatile(
        "movs r3, #0\n"
        "movs r1, #0\n"
        "ldr r2, =0x30000000\n"
        "cmp r3, #0\n"
        "itete eq\n"
        "addeq r3, r3, #1\n"  /* runs */
        "addne r3, r3, #2\n"  /* skipped */
        "ldreq r1, [r2]\n"    /* faults, then runs again at good_word */
        "addne r3, r3, #16\n" /* skipped after the return too */
        "b 1f\n"
        ".ltorg\n"
        "1: mov %0, r3\n"
        "mov %1, r1\n"
        : "=r"(r3), "=r"(loaded)
        :
        : "r1", "r2", "r3", "cc", "memory");
    sh_kv("retried: stacked xpsr", bf_xpsr);
    sh_kv("retried: loaded", loaded);
    sh_kv("retried: block result", r3);

    sh_print("done");
    return 0;
}
