// bench_yield: yield-no-wait in a loop, as an app polling for upcalls does: a system call
// round trip with no work in the kernel. Prints a line every 10000 calls.
#include "console.h"
#include "tock.h"

int main(void) {
    for (unsigned n = 1;; ++n) {
        for (unsigned i = 0; i < 10000; ++i) yield_no_wait();
        printf("yield %u\n", n * 10000u);
    }
}
