/* MPU test kernel: region programming, fault recording and the check/report helpers. */
#include "mpu_rt.h"

#define CFSR_MMARVALID (1u << 7)
#define CFSR_MSTKERR (1u << 4)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_STKERR (1u << 12)

volatile struct fault_record last_fault;
volatile uint32_t late_svc_count;
static int fail_count;

void mpu_region(unsigned n, uint32_t base, unsigned size, unsigned ap, int xn, unsigned srd) {
    MPU_RBAR = base | MPU_RBAR_VALID | n;
    MPU_RASR = (xn ? 1u << 28 : 0u) | (ap << 24) | ((srd & 0xFFu) << 8) | (size << 1) | 1u;
    __asm volatile("dsb\n isb" ::: "memory");
}

void mpu_region_off(unsigned n) {
    MPU_RNR = n;
    MPU_RASR = 0;
    __asm volatile("dsb\n isb" ::: "memory");
}

void mpu_ctrl(uint32_t ctrl) {
    MPU_CTRL = ctrl;
    __asm volatile("dsb\n isb" ::: "memory");
}

void mpu_standard_setup(void) {
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    mpu_ctrl(0);
    for (unsigned n = 0; n < 8; ++n) mpu_region_off(n);
    mpu_region(0, 0x00000000, 18, AP_USER_RO, 0, 0); /* 512K flash */
    mpu_region(1, USER_RAM, 11, AP_FULL, 1, 0);      /* 4K user RAM */
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
}

void fault_reset(void) {
    last_fault.count = 0;
    last_fault.exception = 0;
    last_fault.cfsr = 0;
    last_fault.hfsr = 0;
    last_fault.mmfar = 0;
    last_fault.bfar = 0;
    last_fault.stacked_pc = 0;
}

/* Called by every fault handler (mpu_rt_asm.S) with the background map enabled. */
void record_fault(uint32_t exc_return, uint32_t psp, uint32_t msp) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t cfsr = SCB_CFSR;
    last_fault.count++;
    last_fault.exception = ipsr;
    last_fault.cfsr = cfsr;
    last_fault.hfsr = SCB_HFSR;
    last_fault.mmfar = (cfsr & CFSR_MMARVALID) ? SCB_MMFAR : 0;
    last_fault.bfar = (cfsr & CFSR_BFARVALID) ? SCB_BFAR : 0;
    if (cfsr & (CFSR_MSTKERR | CFSR_STKERR)) {
        last_fault.stacked_pc = 0; /* nothing was stacked */
    } else {
        const volatile uint32_t *frame =
            (const volatile uint32_t *)((exc_return & 4u) ? psp : msp);
        last_fault.stacked_pc = frame[6];
    }
    SCB_CFSR = cfsr; /* write-one-to-clear */
    SCB_HFSR = SCB_HFSR;
}

/* svc #3 (mpu_rt_asm.S): the user stack becomes privileged-only before the return. */
void deny_user_stack(void) {
    MPU_RNR = 1;
    MPU_RASR = (MPU_RASR & ~(7u << 24)) | (AP_PRIV_RW << 24);
    __asm volatile("dsb\n isb" ::: "memory");
}

void check(const char *what, uint32_t got, uint32_t want) {
    sh_puts("  ");
    sh_puts(what);
    sh_puts("=");
    sh_hex(got);
    if (got == want) {
        sh_puts(" ok\n");
    } else {
        sh_puts(" FAIL want ");
        sh_hex(want);
        sh_puts("\n");
        ++fail_count;
    }
}

void expect_fault(const char *name, int result, uint32_t exception, uint32_t cfsr,
                  uint32_t mmfar, uint32_t pc) {
    sh_puts(name);
    sh_puts(":\n");
    check("faulted", (uint32_t)result, 1);
    check("exception", last_fault.exception, exception);
    check("cfsr", last_fault.cfsr, cfsr);
    check("mmfar", last_fault.mmfar, mmfar);
    if (pc != 0xFFFFFFFFu) check("pc", last_fault.stacked_pc, pc);
    fault_reset();
}

void expect_no_fault(const char *name, int result) {
    sh_puts(name);
    sh_puts(":\n");
    check("faulted", (uint32_t)result, 0);
    check("faults", last_fault.count, 0);
    fault_reset();
}

int failures(void) { return fail_count; }

int finish(const char *firmware) {
    sh_puts(firmware);
    sh_puts(": ");
    sh_dec(fail_count);
    sh_puts(" failures\n");
    return fail_count;
}
