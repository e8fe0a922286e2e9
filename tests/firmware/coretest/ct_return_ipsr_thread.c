/* Exception return to thread mode to a frame whose stacked IPSR is not 0 (ARMv7-M ARM B1.5.8,
   end of ExceptionReturn): PopStack restores IPSR from the frame, and Thread mode with a
   non-zero IPSR is an INVPC UsageFault after the frame is pushed back (PushStack) with
   LR = 0xF0000000 + EXC_RETURN<27:0>. The UsageFault clears the stacked IPSR and returns through
   0xFFFFFFF9 to the instruction after the svc. */
#include "ct_return.h"

int main(void) {
    return_setup();
    uint32_t after;
    svc_mode = SVC_SET_IPSR;
    uf_resume = 0xFFFFFFF9u;
    uf_set_ipsr = 0x100;
    __asm volatile("svc #0\n movs %0, #1\n"
                   : "=l"(after)::"r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
    uf_report("return to thread with stacked ipsr 5");
    sh_kv("  resumed after the svc", after);
    sh_kv("  ipsr", get_ipsr());
    sh_kv("  shcsr", SCB_SHCSR);
    sh_print("done");
    return 0;
}
