// fault_write_own_flash: stores into its own TBF header in flash, which the MPU maps read-only
// for the process. Expected: MemManage data access violation at the flash start (memop 4).
#include "console.h"

int main(void) {
    uint32_t flash = tock_flash_start();
    printf("fault_write_own_flash: my flash is %08x-%08x, writing to %08x\n", (unsigned)flash,
           (unsigned)tock_flash_end(), (unsigned)flash);
    *(volatile uint32_t*)flash = 0;
    printf("fault_write_own_flash: NOT FAULTED\n");
    return 1;
}
