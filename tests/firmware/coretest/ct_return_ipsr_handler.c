/* Exception return to handler mode (0xFFFFFFF1) to a frame whose stacked IPSR is 0 (ARMv7-M ARM
   B1.5.8, end of ExceptionReturn): Handler mode with IPSR 0 is an INVPC UsageFault after the
   frame is pushed back, LR = 0xF0000000 + EXC_RETURN<27:0>. IRQ 0, taken inside the SVC handler,
   clears its stacked IPSR and returns; the UsageFault puts IPSR 11 back and returns through
   0xFFFFFFF1 into the SVC handler.
   Manual-only: QEMU 7.2 aborts here (assertion in armv7m_nvic_complete_irq). */
#include "ct_return.h"

int main(void) {
    return_setup();
    svc_mode = SVC_PEND_IRQ;
    irq_return = 0xFFFFFFF1u;
    irq_edit = 1;
    uf_resume = 0xFFFFFFF1u;
    uf_set_ipsr = 0x100 | 11;
    svc();
    uf_report("return to handler with stacked ipsr 0");
    sh_kv("  svc handler resumed", svc_back);
    sh_kv("  ipsr", get_ipsr());
    sh_kv("  shcsr", SCB_SHCSR);
    sh_print("done");
    return 0;
}
