// fault_null_deref: loads from address 0, outside every region the MPU grants a process
// (flash at 0 is the bootloader's). Expected: MemManage data access violation, MMFAR = 0.
#include "console.h"

int main(void) {
    printf("fault_null_deref: reading address 0x00000000\n");
    volatile uint32_t* null = (volatile uint32_t*)0;
    uint32_t v = *null;
    printf("fault_null_deref: NOT FAULTED (read %08x)\n", (unsigned)v);
    return 1;
}
