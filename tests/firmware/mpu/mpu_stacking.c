/* Exception stacking and unstacking through the MPU (ARMv7-M ARM B1.5.6 PushStack,
   B1.5.8 PopStack): a frame pushed into memory the thread may not write gives MemManage with
   MSTKERR (no MMFAR) and writes nothing; a return whose frame the thread may not read gives
   MUNSTKERR. Runs unchanged on tockemu and qemu-system-arm -M mps2-an386. */
#include "mpu_rt.h"

#define CFSR_MSTKERR 0x10u
#define CFSR_MUNSTKERR 0x08u

int main(void) {
    mpu_standard_setup();
    /* Region 2: 1K the user may read but not write. */
    mpu_region(2, 0x2000B000, 9, AP_USER_RO, 1, 0);
    for (uint32_t a = 0x2000B1E0; a < 0x2000B200; a += 4) REG32(a) = 0xA5A5A5A5u;
    int r = run_thread(user_svc_on_stack, 0x2000B200, USER_STACK_TOP, 1);
    expect_fault("svc with the stack in a read-only region", r, 4, CFSR_MSTKERR, 0, 0);
    uint32_t untouched = 0;
    for (uint32_t a = 0x2000B1E0; a < 0x2000B200; a += 4) untouched += REG32(a) == 0xA5A5A5A5u;
    check("frame words left untouched", untouched, 8);
    /* The SVC whose entry failed stays pending and is taken once the kernel runs. */
    check("svc taken after the stacking fault", late_svc_count, 1);
    mpu_region_off(2);

    r = run_thread(user_svc_unstack_fault, 0, USER_STACK_TOP, 1);
    expect_fault("return to a stack made privileged-only", r, 4, CFSR_MUNSTKERR, 0, 0xFFFFFFFFu);
    mpu_region(1, USER_RAM, 11, AP_FULL, 1, 0);
    r = run_thread(user_store_word, USER_RAM + 0x10, USER_STACK_TOP, 1);
    expect_no_fault("user stack usable again", r);
    mpu_ctrl(0);
    return finish("mpu_stacking");
}
