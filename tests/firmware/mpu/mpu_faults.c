/* MPU faults as the ARMv7-M ARM defines them (B3.5, B1.5.14), one scenario per block: the
   exact CFSR/MMFAR/stacked PC of each denied access, sub-region edges at 32-byte granularity,
   overlap priority, permissions changed between two accesses to the same address, HFNMIENA,
   PRIVDEFENA, escalation to HardFault and the SCS being a BusFault matter. Runs unchanged on
   tockemu and qemu-system-arm -M mps2-an386; prints one line per check, exits with the number
   of failed checks. */
#include "mpu_rt.h"

#define CFSR_DACC (0x02u | 0x80u) /* DACCVIOL | MMARVALID */
#define CFSR_IACC 0x01u
#define CFSR_PRECISERR_BFARVALID 0x8200u
#define HFSR_FORCED 0x40000000u

#define PC(label) ((uint32_t)(label))
#define ANY_PC 0xFFFFFFFFu

static volatile uint32_t kernel_secret = 0x11111111u;

static void user_then_kernel_store(void) {
    int r = run_thread(user_store_word, (uint32_t)&kernel_secret, USER_STACK_TOP, 1);
    expect_fault("unprivileged store to kernel RAM", r, 4, CFSR_DACC, (uint32_t)&kernel_secret,
                 PC(user_store_word_insn));
    check("kernel_secret unchanged", kernel_secret, 0x11111111u);
    r = run_thread(user_load_word, (uint32_t)&kernel_secret, USER_STACK_TOP, 1);
    expect_fault("unprivileged load from kernel RAM", r, 4, CFSR_DACC, (uint32_t)&kernel_secret,
                 PC(user_load_word_insn));
    r = run_thread(user_store_word, USER_RAM + 0x100, USER_STACK_TOP, 1);
    expect_no_fault("unprivileged store to its own RAM", r);
    check("stored", REG32(USER_RAM + 0x100), 0x5Au);
    /* The same two accesses from a thread entered by exception return, as Tock enters apps. */
    kernel_secret = 0x11111111u; /* independent of the checks above */
    r = run_thread_eret(user_store_word, (uint32_t)&kernel_secret, USER_STACK_TOP);
    expect_fault("eret-entered thread: store to kernel RAM", r, 4, CFSR_DACC,
                 (uint32_t)&kernel_secret, PC(user_store_word_insn));
    check("kernel_secret unchanged", kernel_secret, 0x11111111u);
    REG32(USER_RAM + 0x104) = 0;
    r = run_thread_eret(user_store_word, USER_RAM + 0x104, USER_STACK_TOP);
    expect_no_fault("eret-entered thread: store to its own RAM", r);
    check("stored", REG32(USER_RAM + 0x104), 0x5Au);
}

static void execute_never(void) {
    REG32(USER_RAM + 0x200) = 0x47704770u; /* bx lr; bx lr */
    __asm volatile("dsb\n isb" ::: "memory");
    int r = run_thread(user_call, USER_RAM + 0x201, USER_STACK_TOP, 1);
    expect_fault("unprivileged execute from XN RAM", r, 4, CFSR_IACC, 0, USER_RAM + 0x200);
    r = run_thread(user_call, USER_RAM + 0x201, USER_STACK_TOP, 0);
    expect_fault("privileged execute from XN region", r, 4, CFSR_IACC, 0, USER_RAM + 0x200);
    /* The default memory map's execute-never areas, as PRIVDEFENA background and MPU off. */
    r = run_thread(user_call, 0x40000001, USER_STACK_TOP, 0);
    expect_fault("background map: execute from Peripheral area", r, 4, CFSR_IACC, 0, 0x40000000);
    mpu_ctrl(0);
    r = run_thread(user_call, 0x40000001, USER_STACK_TOP, 0);
    expect_fault("MPU off: execute from Peripheral area", r, 4, CFSR_IACC, 0, 0x40000000);
    r = run_thread(user_call, 0xE0000001, USER_STACK_TOP, 0);
    expect_fault("MPU off: execute from System area", r, 4, CFSR_IACC, 0, 0xE0000000);
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
}

static void probe(const char *name, void (*fn)(uint32_t), uint32_t addr, int ok, char *insn) {
    int r = run_thread(fn, addr, USER_STACK_TOP, 1);
    if (ok)
        expect_no_fault(name, r);
    else
        expect_fault(name, r, 4, CFSR_DACC, addr, PC(insn));
}

static void subregions(void) {
    /* Region 3: 256 bytes, 32-byte sub-regions; 2 and 5 disabled. */
    mpu_region(3, 0x2000A000, 7, AP_FULL, 1, 0x24);
    probe("sub 1 last byte", user_load_byte, 0x2000A03F, 1, 0);
    probe("sub 2 first byte (disabled)", user_load_byte, 0x2000A040, 0, user_load_byte_insn);
    probe("sub 2 last byte (disabled)", user_load_byte, 0x2000A05F, 0, user_load_byte_insn);
    probe("sub 3 first byte", user_load_byte, 0x2000A060, 1, 0);
    probe("sub 4 last byte", user_store_byte, 0x2000A09F, 1, 0);
    probe("sub 5 first byte (disabled)", user_store_byte, 0x2000A0A0, 0, user_store_byte_insn);
    probe("sub 5 last byte (disabled)", user_store_byte, 0x2000A0BF, 0, user_store_byte_insn);
    probe("sub 6 first byte", user_store_byte, 0x2000A0C0, 1, 0);
    probe("sub 7 last byte", user_load_byte, 0x2000A0FF, 1, 0);
    probe("first byte after the region", user_load_byte, 0x2000A100, 0, user_load_byte_insn);
    /* Region 2 below it: disabled sub-regions of 3 fall through to 2 (user read-only). */
    mpu_region(2, 0x2000A000, 11, AP_USER_RO, 1, 0);
    probe("fall-through read", user_load_byte, 0x2000A040, 1, 0);
    probe("fall-through write", user_store_byte, 0x2000A040, 0, user_store_byte_insn);
    probe("enabled sub-region write", user_store_byte, 0x2000A03F, 1, 0);
    mpu_region_off(2);
    mpu_region_off(3);
}

static void small_and_overlapping(void) {
    mpu_region(4, 0x2000B800, 4, AP_FULL, 1, 0); /* 32 bytes */
    probe("32-byte region first byte", user_store_byte, 0x2000B800, 1, 0);
    probe("32-byte region last byte", user_store_byte, 0x2000B81F, 1, 0);
    probe("byte after 32-byte region", user_store_byte, 0x2000B820, 0, user_store_byte_insn);
    probe("byte before 32-byte region", user_store_byte, 0x2000B7FF, 0, user_store_byte_insn);
    mpu_region_off(4);
    /* Region 5 (read-only) inside region 1 (read/write): the higher number wins. */
    mpu_region(5, USER_RAM + 0x800, 7, AP_USER_RO, 1, 0);
    probe("overlap: write in higher region", user_store_word, USER_RAM + 0x800, 0,
          user_store_word_insn);
    probe("overlap: write at its last word", user_store_word, USER_RAM + 0x8FC, 0,
          user_store_word_insn);
    probe("overlap: read in higher region", user_load_word, USER_RAM + 0x800, 1, 0);
    probe("overlap: write just above", user_store_word, USER_RAM + 0x900, 1, 0);
    probe("overlap: write just below", user_store_word, USER_RAM + 0x7FC, 1, 0);
    mpu_region_off(5);
}

static void flip_case(uint32_t rasr) { flip_then_store(rasr, USER_RAM + 0x400); }

static void permission_flips(void) {
    uint32_t a = USER_RAM + 0x400;
    REG32(a) = 0;
    probe("flip: store allowed", user_store_word, a, 1, 0);
    check("flip: stored", REG32(a), 0x5Au);
    REG32(a) = 0;
    mpu_region(6, a, 4, AP_RO, 1, 0);
    probe("flip: same store now read-only", user_store_word, a, 0, user_store_word_insn);
    check("flip: no partial store", REG32(a), 0);
    mpu_region_off(6);
    probe("flip: allowed again", user_store_word, a, 1, 0);
    /* Privileged: the RASR write and the store sit in one instruction stream. */
    uint32_t rasr_rw = (1u << 28) | (AP_FULL << 24) | (4u << 1) | 1u;
    uint32_t rasr_ro = (1u << 28) | (AP_RO << 24) | (4u << 1) | 1u;
    mpu_region(6, a, 4, AP_FULL, 1, 0);
    int r = run_thread(flip_case, rasr_rw, USER_STACK_TOP, 0);
    expect_no_fault("flip: privileged store after RASR=RW", r);
    check("flip: privileged stored", REG32(a), 0x77u);
    REG32(a) = 0;
    r = run_thread(flip_case, rasr_ro, USER_STACK_TOP, 0);
    expect_fault("flip: privileged store right after RASR=RO", r, 4, CFSR_DACC, a,
                 PC(flip_store_insn));
    check("flip: privileged no partial store", REG32(a), 0);
    r = run_thread(flip_case, rasr_rw, USER_STACK_TOP, 0);
    expect_no_fault("flip: privileged store after RASR=RW again", r);
    mpu_region_off(6);
}

static uint32_t load_with_faultmask(uint32_t addr) {
    uint32_t v;
    __asm volatile("cpsid f\n ldr %0, [%1]\n cpsie f" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static void priorities_and_background(void) {
    /* HFNMIENA=0: at execution priority -1 (FAULTMASK) the MPU is not used. */
    REG32(0x2000C000) = 0xC0FFEEu;
    mpu_region(7, 0x2000C000, 4, AP_NONE, 1, 0);
    int r = run_thread(user_load_word, 0x2000C000, USER_STACK_TOP, 0);
    expect_fault("AP=000 denies privileged load", r, 4, CFSR_DACC, 0x2000C000,
                 PC(user_load_word_insn));
    check("FAULTMASK load bypasses MPU", load_with_faultmask(0x2000C000), 0xC0FFEEu);
    check("no fault under FAULTMASK", last_fault.count, 0);
    /* PRIVDEFENA=0: privileged code needs a region too. Region 7 covers the kernel's RAM and
       stack except sub-region 3 (0x20006000-0x20007FFF). */
    REG32(0x20005F00) = 0x5F5Fu;
    REG32(0x20007F00) = 0x7F7Fu;
    mpu_region(7, 0x20000000, 15, AP_PRIV_RW, 1, 0x08);
    mpu_ctrl(MPU_CTRL_ENABLE);
    r = run_thread(user_load_word, 0x20005F00, USER_STACK_TOP, 0);
    mpu_ctrl(MPU_CTRL_ENABLE);
    expect_no_fault("privdefena=0: privileged load inside a region", r);
    r = run_thread(user_load_word, 0x20007F00, USER_STACK_TOP, 0);
    expect_fault("privdefena=0: privileged load outside every region", r, 4, CFSR_DACC,
                 0x20007F00, PC(user_load_word_insn));
    mpu_region_off(7);
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
}

static void escalation_and_scs(void) {
    SCB_SHCSR &= ~SHCSR_MEMFAULTENA;
    int r = run_thread(user_store_word, (uint32_t)&kernel_secret, USER_STACK_TOP, 1);
    uint32_t hfsr = last_fault.hfsr;
    expect_fault("MemManage disabled: escalates to HardFault", r, 3, CFSR_DACC,
                 (uint32_t)&kernel_secret, PC(user_store_word_insn));
    check("hfsr", hfsr, HFSR_FORCED);
    SCB_SHCSR |= SHCSR_MEMFAULTENA;
    /* The System Control Space is privileged-only: that is a BusFault, not the MPU. */
    r = run_thread(user_load_word, 0xE000ED90, USER_STACK_TOP, 1);
    uint32_t bfar = last_fault.bfar;
    expect_fault("unprivileged read of MPU_TYPE", r, 5, CFSR_PRECISERR_BFARVALID, 0,
                 PC(user_load_word_insn));
    check("bfar", bfar, 0xE000ED90u);
}

int main(void) {
    check("MPU_TYPE", MPU_TYPE, 0x00000800u);
    mpu_standard_setup();
    check("MPU_CTRL", MPU_CTRL, MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    user_then_kernel_store();
    execute_never();
    subregions();
    small_and_overlapping();
    permission_flips();
    priorities_and_background();
    escalation_and_scs();
    mpu_ctrl(0);
    return finish("mpu_faults");
}
