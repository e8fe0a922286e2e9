// fault_stack_overflow: recurses until the stack runs below the start of its RAM block (the
// stack sits at the bottom of process RAM, so there is nothing of its own to corrupt first).
// Expected: MemManage fault (stacking error or data access violation) just below memory start.
#include "console.h"

static volatile unsigned depth;

static unsigned recurse(unsigned n) {
    volatile uint8_t frame[64];
    frame[0] = (uint8_t)n;
    depth = n;
    if (n > 1000000u) return 0;  // unreachable with a 1 KiB stack; keeps -Winfinite-recursion quiet
    return recurse(n + 1) + frame[0];
}

int main(void) {
    printf("fault_stack_overflow: recursing with 1024-byte stack from %08x\n",
           (unsigned)tock_memory_start());
    unsigned r = recurse(0);
    printf("fault_stack_overflow: NOT FAULTED (%u)\n", r);
    return 1;
}
