// fault_illegal_insn: executes a permanently undefined instruction (UDF #0). Expected: UsageFault
// UNDEFINSTR (escalated to HardFault on Tock, which leaves UsageFault disabled).
#include "console.h"

int main(void) {
    printf("fault_illegal_insn: executing udf #0\n");
    __asm__ volatile("udf #0");
    printf("fault_illegal_insn: NOT FAULTED\n");
    return 1;
}
