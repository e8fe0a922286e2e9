// fault_read_other_app: reads the first word after its own RAM block (memop 3), which is where
// the kernel puts the next process's memory (or unallocated app RAM). Expected: MemManage data
// access violation at that address.
#include "console.h"

int main(void) {
    uint32_t target = tock_memory_end();
    printf("fault_read_other_app: my RAM is %08x-%08x, reading %08x\n",
           (unsigned)tock_memory_start(), (unsigned)target, (unsigned)target);
    uint32_t v = *(volatile uint32_t*)target;
    printf("fault_read_other_app: NOT FAULTED (read %08x)\n", (unsigned)v);
    return 1;
}
