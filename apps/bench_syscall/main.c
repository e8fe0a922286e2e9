// bench_syscall: command system calls in a loop (LED driver, command 0: number of LEDs), the
// cheapest call that reaches a capsule. Prints a line every 10000 calls.
#include "console.h"
#include "tock.h"

int main(void) {
    for (unsigned n = 1;; ++n) {
        for (unsigned i = 0; i < 10000; ++i) command(0x2, 0, 0, 0);
        printf("command %u\n", n * 10000u);
    }
}
