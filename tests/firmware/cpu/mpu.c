/* MPU enforcement for unprivileged code (PMSAv7): a denied load and a denied store raise
   MemManage DACCVIOL with MMFAR = the address at the faulting instruction, and the store does
   not happen; a fetch from an execute-never region raises IACCVIOL with the stacked PC at the
   target. Privileged code keeps the default map (PRIVDEFENA). */
#include "cpu_fw.h"

#define SECRET_ADDR 0x20008000u /* region 2: privileged RW, unprivileged none, XN */

static uint32_t process_stack[256] __attribute__((aligned(8)));
static volatile uint32_t faults, last_cfsr, last_mmfar, fetch_pc;
uint32_t resume_addr;

FRAME_HANDLER(memmanage_handler, mem_c)
void mem_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    faults++;
    last_cfsr = SCB_CFSR;
    last_mmfar = SCB_MMFAR;
    if (last_cfsr & 1u) { /* IACCVIOL: resume at the recovery point */
        fetch_pc = frame[6];
        frame[6] = resume_addr;
    } else {
        frame[6] += 2; /* the 16-bit ldr/str */
    }
    SCB_CFSR = last_cfsr;
}

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t *frame, uint32_t exc_return) {
    (void)frame;
    (void)exc_return;
    set_control(get_control() & ~1u); /* back to privileged on return */
}

static void mpu_region(unsigned n, uint32_t base, uint32_t size_log2, uint32_t ap, int xn) {
    MPU_RNR = n;
    MPU_RBAR = base;
    MPU_RASR = (xn ? 1u << 28 : 0) | (ap << 24) | ((size_log2 - 1) << 1) | 1u;
}

int main(void) {
    REG32(SECRET_ADDR) = 0x5EC2E7;
    REG32(SECRET_ADDR + 0x40) = 0x47704770; /* bx lr; bx lr */
    sh_kv("mpu_type", MPU_TYPE);
    mpu_region(0, 0x00000000, 19, 6, 0);  /* flash 512 KiB: RO for both, executable */
    mpu_region(1, 0x20000000, 16, 3, 0);  /* SRAM 64 KiB: full access */
    mpu_region(2, SECRET_ADDR, 8, 1, 1);  /* 256 B: privileged only, XN */
    MPU_CTRL = 5;                         /* ENABLE | PRIVDEFENA */
    barrier();
    SCB_SHCSR |= SHCSR_MEMFAULTENA;
    sh_kv("privileged read", REG32(SECRET_ADDR));

    set_psp((uint32_t)&process_stack[256]);
    set_control(3);
    register uint32_t got __asm("r2") = 0xAAAA; /* low registers: a 16-bit ldr */
    __asm volatile("ldr r1, =0x20008000\n ldr r2, [r1]\n b 1f\n .ltorg\n 1:\n" : "+r"(got) : : "r1", "memory");
    const uint32_t f1 = faults, c1 = last_cfsr, a1 = last_mmfar, g1 = got;
    __asm volatile("ldr r1, =0x20008010\n movs r2, #7\n str r2, [r1]\n b 1f\n .ltorg\n 1:\n" ::: "r1", "r2", "memory");
    const uint32_t f2 = faults, c2 = last_cfsr, a2 = last_mmfar;
    __asm volatile(
        "ldr r0, =resume_addr\n adr r1, 2f\n adds r1, #1\n str r1, [r0]\n"
        "ldr r0, =0x20008041\n blx r0\n b 2f\n .ltorg\n .balign 4\n 2:\n"
        ::: "r0", "r1", "r2", "r3", "r12", "lr", "memory");
    const uint32_t f3 = faults, c3 = last_cfsr;
    __asm volatile("svc #0" ::: "memory");

    sh_kv("load faults", f1);
    sh_kv("load cfsr", c1);
    sh_kv("load mmfar", a1);
    sh_kv("load destination untouched", g1);
    sh_kv("store faults", f2);
    sh_kv("store cfsr", c2);
    sh_kv("store mmfar", a2);
    sh_kv("store did not happen", REG32(SECRET_ADDR + 0x10));
    sh_kv("fetch faults", f3);
    sh_kv("fetch cfsr", c3);
    sh_kv("fetch pc", fetch_pc);
    sh_kv("control", get_control());

    /* Privileged code without PRIVDEFENA: an address outside every region is denied too. */
    MPU_CTRL = 1;
    barrier();
    register uint32_t v __asm("r2") = 0xBBBB;
    __asm volatile("ldr r1, =0x20010000\n ldr r2, [r1]\n b 1f\n .ltorg\n 1:\n" : "+r"(v) : : "r1", "memory");
    const uint32_t f4 = faults, c4 = last_cfsr, a4 = last_mmfar, g4 = v;
    MPU_CTRL = 0;
    barrier();
    sh_kv("privileged faults", f4);
    sh_kv("privileged cfsr", c4);
    sh_kv("privileged mmfar", a4);
    sh_kv("privileged destination untouched", g4);
    sh_print("done");
    sh_exit(0); /* main's own frame is on MSP: do not return from here */
}
