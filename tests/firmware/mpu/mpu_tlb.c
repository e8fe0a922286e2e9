/* What an emulator that keeps MPU decisions in a TLB can get wrong (docs/0012-speed.md):
   a 1 KiB page cut by a sub-region edge (each 32-byte chunk decides for itself), a
   configuration turned off and on again or replaced and restored between two accesses, and
   LDRT (an unprivileged access made by privileged code) after the configuration changed under
   entries that unprivileged code filled. Runs unchanged on tockemu and qemu-system-arm -M
   mps2-an386; prints one line per check, exits with the number of failed checks. */
#include "mpu_rt.h"

#define CFSR_DACC (0x02u | 0x80u) /* DACCVIOL | MMARVALID */
#define ANY_PC 0xFFFFFFFFu
#define CUT_SRD 0x20u /* region 1 (4K at USER_RAM): sub-region 5, 0x20008A00-0x20008BFF, off */
#define SCRATCH 0x2000A000u

static void kernel_ldrt(uint32_t addr) {
    uint32_t v;
    __asm volatile("ldrt %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    (void)v;
}

/* One unprivileged word access: allowed (`ok`), or a MemManage fault at exactly that word. */
static void access(const char* name, void (*fn)(uint32_t), char* insn, uint32_t addr, int ok) {
    int r = run_thread(fn, addr, USER_STACK_TOP, 1);
    if (ok)
        expect_no_fault(name, r);
    else
        expect_fault(name, r, 4, CFSR_DACC, addr, (uint32_t)insn);
}

static void load(const char* name, uint32_t addr, int ok) {
    access(name, user_load_word, user_load_word_insn, addr, ok);
}

static void store(const char* name, uint32_t addr, int ok) {
    access(name, user_store_word, user_store_word_insn, addr, ok);
}

static void cut_page(void) {
    mpu_region(1, USER_RAM, 11, AP_FULL, 1, CUT_SRD);
    load("cut page: first word", USER_RAM + 0x800, 1);
    load("cut page: last word before the edge", USER_RAM + 0x9FC, 1);
    store("cut page: store before the edge", USER_RAM + 0x9FC, 1);
    check("stored", REG32(USER_RAM + 0x9FC), 0x5Au);
    REG32(USER_RAM + 0xA00) = 0x11111111u;
    load("cut page: first word after the edge", USER_RAM + 0xA00, 0);
    store("cut page: store after the edge", USER_RAM + 0xA00, 0);
    check("not stored", REG32(USER_RAM + 0xA00), 0x11111111u);
    load("cut page: byte 32 before the edge again", USER_RAM + 0x9E0, 1);
    store("cut page: last word of the page", USER_RAM + 0xBFC, 0);
    load("next page: sub-region 6", USER_RAM + 0xC00, 1);
}

static void round_trips(void) {
    mpu_ctrl(0);
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    load("MPU off and on: the edge still refuses", USER_RAM + 0xA00, 0);
    load("MPU off and on: before the edge", USER_RAM + 0x9FC, 1);
    mpu_region(1, USER_RAM, 11, AP_FULL, 1, 0);
    load("sub-region 5 on", USER_RAM + 0xA00, 1);
    mpu_region(1, USER_RAM, 11, AP_FULL, 1, CUT_SRD);
    load("sub-region 5 off again", USER_RAM + 0xA00, 0);
    mpu_region(1, USER_RAM, 11, AP_FULL, 1, 0);
}

static void ldrt_after_change(void) {
    mpu_region(3, SCRATCH, 9, AP_FULL, 1, 0);
    load("scratch open to the thread", SCRATCH + 0x40, 1);
    mpu_region(3, SCRATCH, 9, AP_PRIV_RW, 1, 0);
    int r = run_thread(kernel_ldrt, SCRATCH + 0x40, USER_STACK_TOP, 0);
    expect_fault("privileged ldrt after the region became privileged-only", r, 4, CFSR_DACC,
                 SCRATCH + 0x40, ANY_PC);
    r = run_thread(user_load_word, SCRATCH + 0x40, USER_STACK_TOP, 0);
    expect_no_fault("privileged ldr of the same word", r);
    mpu_region(3, SCRATCH, 9, AP_FULL, 1, 0);
    r = run_thread(kernel_ldrt, SCRATCH + 0x40, USER_STACK_TOP, 0);
    expect_no_fault("privileged ldrt after the region opened again", r);
    mpu_ctrl(0);
    r = run_thread(kernel_ldrt, SCRATCH + 0x40, USER_STACK_TOP, 0);
    expect_no_fault("privileged ldrt with the MPU off", r);
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    mpu_region_off(3);
}

int main(void) {
    mpu_standard_setup();
    cut_page();
    round_trips();
    ldrt_after_change();
    mpu_ctrl(0);
    return finish("mpu_tlb");
}
