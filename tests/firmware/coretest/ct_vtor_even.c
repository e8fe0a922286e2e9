/* A vector table entry with bit 0 clear (ARMv7-M ARM B1.5.6 ExceptionTaken: the handler starts
   at vector AND ~1 with EPSR.T = vector<0>): an entry with bit 0
   clear sets EPSR.T = 0 (ExceptionTaken: EPSR.T = vector<0>), so the first handler instruction
   is an INVSTATE UsageFault whose stacked PC is the handler address and whose stacked xPSR has
   T = 0 and IPSR = the exception that was being entered. Finding F3. */
#include "ct.h"

extern void (*const vector_table[96])(void);
static void (*ram_table[128])(void) __attribute__((aligned(512)));

static volatile uint32_t which;
static void svc_from_ram(void) {
    which = 2;
}
void svc_handler(void) {
    which = 1;
}

static volatile uint32_t uf_count, uf_cfsr, uf_pc, uf_xpsr;
FRAME_HANDLER(usagefault_handler, usage_c)
void usage_c(uint32_t* frame, uint32_t exc_return) {
    (void)exc_return;
    uf_count++;
    uf_cfsr = SCB_CFSR;
    SCB_CFSR = uf_cfsr;
    uf_pc = frame[6];
    uf_xpsr = frame[7];
    /* Abandon the SVC handler: return to thread mode after the svc with SVCall still active
       is not possible, so return into the handler in Thumb state instead. */
    frame[6] = (uint32_t)svc_from_ram & ~1u;
    frame[7] |= 1u << 24;
}

int main(void) {
    for (int i = 0; i < 96; ++i) ram_table[i] = vector_table[i];
    ram_table[11] = svc_from_ram;
    SCB_VTOR = (uint32_t)ram_table;
    barrier();
    /* An even vector: INVSTATE on the handler's first instruction. */
    SCB_SHCSR |= SHCSR_USGFAULTENA;
    SCB_SHPR_BYTE(11) = 0x80;
    barrier();
    which = 0;
    ram_table[11] = (void (*)(void))((uint32_t)svc_from_ram & ~1u);
    __asm volatile("svc #0" ::: "memory");
    sh_kv("even vector: usagefaults", uf_count);
    sh_kv("even vector: cfsr", uf_cfsr);
    sh_kv("even vector: stacked pc is the handler", uf_pc == ((uint32_t)svc_from_ram & ~1u));
    sh_kv("even vector: stacked t", (uf_xpsr >> 24) & 1);
    sh_kv("even vector: stacked ipsr", uf_xpsr & 0x1FF);
    sh_kv("even vector: handler ran after the fix", which);

    SCB_VTOR = 0;
    barrier();
    sh_print("done");
    return 0;
}
