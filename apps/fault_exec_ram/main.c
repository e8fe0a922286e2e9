// fault_exec_ram: copies a `bx lr` into a RAM buffer and calls it. Process RAM is mapped
// execute-never. Expected: MemManage instruction access violation (IACCVIOL) at the buffer.
#include "console.h"

static uint16_t code[4];

int main(void) {
    code[0] = 0x4770;  // bx lr
    code[1] = 0x4770;
    uint32_t target = (uint32_t)code | 1u;  // Thumb
    printf("fault_exec_ram: jumping to RAM at %08x\n", (unsigned)(target & ~1u));
    void (*fn)(void) = (void (*)(void))target;
    fn();
    printf("fault_exec_ram: NOT FAULTED\n");
    return 1;
}
