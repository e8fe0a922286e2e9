/* An interrupt pended from inside an IT block (ARMv7-M ARM B1.5.6: exception entry stacks the
   ITSTATE of the instruction returned to; A7.3.2 ITSTATE and ITAdvance; A3.8.3 DSB and ISB: after
   the ISB the pend, or the unmask, is seen by the next instruction). The pend (a store to
   NVIC_STIR, NVIC_ISPR or ICSR.PENDSVSET, or MSR PRIMASK unmasking a pending line) is followed
   by the barrier inside the block. Where before the end of the barrier the exception is taken is
   implementation timing (QEMU takes a store's pend at once, tockemu at the block end, after the
   ISB); the image prints only what the manual fixes: it is taken no later than right after the
   ISB, the stacked ITSTATE is that of the stacked return address (the handler works it out from
   the IT instruction), and after the return the rest of the block obeys its conditions. */
#include "ct.h"

/* The addresses of an IT instruction and of the four instructions of its block. */
typedef struct {
    uint32_t it, insn[4];
} ItBlock;

static volatile uint32_t taken, seen_r0, seen_slot, seen_itstate_ok;
static const ItBlock* volatile cur;

static uint32_t it_advance(uint32_t it) {
    return (it & 7u) == 0 ? 0 : (it & 0xE0u) | ((it << 1) & 0x1Fu);
}

static void record(const uint32_t* frame) {
    taken++;
    seen_r0 = frame[0];
    /* Which instruction of the block the handler returns to (4: none of them). */
    seen_slot = 4;
    for (uint32_t k = 0; k < 4; ++k)
        if (cur->insn[k] == (frame[6] & ~1u)) seen_slot = k;
    uint32_t expect = *(const volatile uint16_t*)(cur->it & ~1u) & 0xFFu;
    for (uint32_t k = 0; k < seen_slot && k < 4; ++k) expect = it_advance(expect);
    const uint32_t stacked = ((frame[7] >> 25) & 3u) | ((frame[7] >> 8) & 0xFCu);
    seen_itstate_ok = seen_slot < 4 && stacked == expect;
}
FRAME_HANDLER(irq_handler, irq_c)
void irq_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    record(frame);
}
FRAME_HANDLER(pendsv_handler, pendsv_c)
void pendsv_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    record(frame);
}

/* last_slot: the block's first instruction after the barrier. */
static void report(const char* what, uint32_t r0, uint32_t last_slot) {
    sh_puts(what);
    sh_print(":");
    sh_kv("  taken", taken);
    sh_kv("  no later than right after the isb", seen_slot >= 1 && seen_slot <= last_slot);
    sh_kv("  no later instruction ran first: r0", seen_r0);
    sh_kv("  stacked itstate is the return address's", seen_itstate_ok);
    sh_kv("  block result", r0);
    taken = seen_r0 = seen_slot = seen_itstate_ok = 0;
}

/* The store, DSB and ISB run under EQ; the fourth instruction, `last`, is an EQ ("then") or NE
   ("else") ADD to r0. The block's addresses go to a table in .rodata, named by label 9. */
#define PEND_IN_IT(it, last, value, address, r0)                                   \
    __asm volatile(                                                               \
        ".pushsection .rodata\n .balign 4\n 9: .word 0f, 4f, 5f, 6f, 7f\n"        \
        ".popsection\n"                                                           \
        "movw r1, #:lower16:9b\n movt r1, #:upper16:9b\n str r1, [%3]\n"          \
        "movs r0, #0\n cmp r0, #0\n"                                              \
        "0: " it " eq\n"                                                          \
        "4: streq %1, [%2]\n 5: dsbeq\n 6: isbeq\n"                               \
        "7: " last " r0, r0, #1\n"                                                \
        "mov %0, r0\n"                                                            \
        : "=&r"(r0)                                                               \
        : "r"(value), "r"(address), "r"(&cur)                                     \
        : "r0", "r1", "cc", "memory")

#define STIR_ADDR 0xE000EF00u
#define ISPR0_ADDR 0xE000E200u
#define ICSR_ADDR 0xE000ED04u

int main(void) {
    uint32_t r0;
    irq_enable(0);
    PEND_IN_IT("itttt", "addeq", 0u, STIR_ADDR, r0);
    report("stir, then", r0, 3);
    PEND_IN_IT("ittte", "addne", 0u, STIR_ADDR, r0);
    report("stir, else", r0, 3);
    PEND_IN_IT("itttt", "addeq", 1u, ISPR0_ADDR, r0);
    report("ispr, then", r0, 3);
    PEND_IN_IT("ittte", "addne", 1u, ISPR0_ADDR, r0);
    report("ispr, else", r0, 3);
    PEND_IN_IT("itttt", "addeq", ICSR_PENDSVSET, ICSR_ADDR, r0);
    report("pendsvset, then", r0, 3);
    PEND_IN_IT("ittte", "addne", ICSR_PENDSVSET, ICSR_ADDR, r0);
    report("pendsvset, else", r0, 3);

    /* MSR PRIMASK + ISB inside the block: IRQ 0 is pending and masked, the MSR unmasks it; two
       instructions (else, then) remain after the ISB. */
    set_primask(1);
    irq_pend(0);
    __asm volatile(
        ".pushsection .rodata\n .balign 4\n 9: .word 0f, 4f, 5f, 6f, 7f\n .popsection\n"
        "movw r1, #:lower16:9b\n movt r1, #:upper16:9b\n str r1, [%1]\n"
        "movs r0, #0\n movs r2, #0\n cmp r0, #0\n"
        "0: ittet eq\n"
        "4: msreq primask, r2\n"
        "5: isbeq\n"
        "6: addne r0, r0, #16\n" /* skipped */
        "7: addeq r0, r0, #1\n"  /* runs */
        "mov %0, r0\n"
        : "=&r"(r0)
        : "r"(&cur)
        : "r0", "r1", "r2", "cc", "memory");
    report("msr primask + isb", r0, 2);
    sh_print("done");
    return 0;
}
