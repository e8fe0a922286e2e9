// fault_write_kernel_ram: stores to the bottom of SRAM (the kernel's stack on Hail). Expected:
// MemManage data access violation at 0x20000000, the kernel's memory untouched.
#include "console.h"

int main(void) {
    printf("fault_write_kernel_ram: writing 0xdeadbeef to 0x20000000\n");
    volatile uint32_t* kernel_ram = (volatile uint32_t*)0x20000000;
    *kernel_ram = 0xdeadbeef;
    printf("fault_write_kernel_ram: NOT FAULTED\n");
    return 1;
}
