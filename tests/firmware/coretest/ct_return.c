/* Exception return (ARMv7-M ARM B1.5.8 ExceptionReturn, PopStack): a handler that edits the
   stacked ReturnAddress and xPSR (flags, GE, ITSTATE, bit 9) changes what thread code sees after
   the return; a stacked EPSR.T of 0 is INVSTATE at the return address; an EXC_RETURN the manual
   rejects is an INVPC UsageFault taken on the frame left in place with LR = 0xF0000000 +
   EXC_RETURN<27:0>, the same 0xFFFFFFFx value (QEMU 7.2 agrees). */
#include "ct_return.h"

int main(void) {
    return_setup();

    /* Stacked PC edited: the return lands at `landed`. */
    uint32_t landed;
    svc_mode = SVC_SET_PC;
    __asm volatile(
        "adr r0, 1f\n"
        "ldr r1, =svc_arg\n"
        "str r0, [r1]\n"
        "movs %0, #0\n"
        "svc #0\n"
        "movs %0, #2\n" /* skipped */
        "b 2f\n"
        ".ltorg\n"
        ".align 2\n"
        "1: movs %0, #1\n"
        "2:\n"
        : "=&l"(landed)
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    sh_kv("stacked pc edited: landed", landed);

    /* Stacked xPSR edited: NZCVQ read back in APSR after the return (GE: ct_ge_return). */
    uint32_t apsr;
    svc_mode = SVC_SET_FLAGS;
    __asm volatile(
        "msr APSR_nzcvqg, %1\n"
        "svc #0\n"
        "mrs %0, apsr\n"
        : "=r"(apsr)
        : "r"(0)
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    sh_kv("stacked flags edited: apsr nzcvq", apsr & 0xF8000000u);

    /* ITSTATE survives the return, under the edited flags: ITT EQ with Z cleared in the frame
       skips the second instruction. */
    uint32_t ran;
    svc_mode = SVC_CLEAR_Z;
    __asm volatile(
        "movs %0, #0\n"
        "cmp %0, #0\n"
        "itt eq\n"
        "svceq #0\n"
        "addeq %0, %0, #1\n"
        : "=&l"(ran)
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    sh_kv("it block, z cleared in frame: second ran", ran);

    /* Bit 9 set by the handler on an aligned frame: SP = (frame + 32) OR 4 (PopStack). */
    uint32_t before, after;
    svc_mode = SVC_SET_BIT9;
    __asm volatile(
        "mov %0, sp\n"
        "svc #0\n"
        "mov %1, sp\n"
        "mov sp, %0\n"
        : "=&r"(before), "=&r"(after)
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    sh_kv("bit9 forced: sp moved by", after - before);

    /* Stacked EPSR.T = 0: INVSTATE UsageFault at the return address (B1.5.8: EPSR is restored
       from the frame; A2.3.1/B1.4.2: executing with EPSR.T = 0 is INVSTATE). First with a
       word-aligned return address, then with one at 4n+2: QEMU 7.2 translates T=0 code as ARM
       code and reports UNALIGNED (PC alignment) there instead of INVSTATE, which the manual has
       no rule for (tests/coretest lists that line as a QEMU deviation). */
    uint32_t ret_at;
    svc_mode = SVC_CLEAR_T;
    __asm volatile(
        ".align 2\n"
        "nop\n"
        "svc #0\n"
        "1: adr %0, 1b\n"
        : "=r"(ret_at)
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    uf_report("stacked t cleared, return address 4n");
    sh_kv("  fault pc is the return address", uf_pc == ret_at);
    __asm volatile(
        ".align 2\n"
        "svc #0\n"
        "1: nop\n"
        "adr %0, 1b\n"
        : "=r"(ret_at)
        :
        : "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    uf_report("stacked t cleared, return address 4n+2");
    sh_kv("  fault pc is the return address", uf_pc == ret_at);

    /* INVPC: a reserved EXC_RETURN (low nibble 0b0101). */
    uf_resume = 0xFFFFFFF9u;
    svc_returning(0xFFFFFFF5u);
    uf_report("exc_return 0xfffffff5");

    /* INVPC: return to handler mode with no other exception active. */
    svc_returning(0xFFFFFFF1u);
    uf_report("exc_return 0xfffffff1 with one active");

    /* INVPC: return to thread mode from a nested exception with NONBASETHRDENA = 0. IRQ 0
       (inside the SVC handler) returns with 0xFFFFFFF9; the UsageFault goes back into the SVC
       handler through 0xFFFFFFF1. */
    svc_mode = SVC_PEND_IRQ;
    svc_back = 0;
    irq_return = 0xFFFFFFF9u;
    uf_resume = 0xFFFFFFF1u;
    svc();
    uf_report("nested return to thread, nonbasethrdena=0");
    sh_kv("  svc handler resumed", svc_back);

    sh_print("done");
    return 0;
}
