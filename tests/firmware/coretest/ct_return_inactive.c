/* Returning from an exception that is no longer active (ARMv7-M ARM B1.5.8: "if
   ExceptionActive[ReturningExceptionNumber] == 0": DeActivate, UFSR.INVPC, LR = 0xF0000000 +
   EXC_RETURN<27:0>, ExceptionTaken(UsageFault) on the frame left in place). The SVC handler clears
   its own SHCSR.SVCALLACT and returns; the UsageFault sees the SVC frame and returns through
   0xFFFFFFF9 to the instruction after the svc. */
#include "ct_return.h"

int main(void) {
    return_setup();
    svc_mode = SVC_CLEAR_ACTIVE;
    uf_resume = 0xFFFFFFF9u;
    uint32_t after;
    __asm volatile("svc #0\n movs %0, #1\n"
                   : "=l"(after)::"r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    uf_report("return from svc with svcallact cleared");
    sh_kv("  resumed after the svc", after);
    sh_kv("  shcsr", SCB_SHCSR);
    sh_print("done");
    return 0;
}
