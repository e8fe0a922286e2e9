// restart_counter: prints how many times it has been started, restarting itself (exit-restart)
// until it has run 5 times.
//
// How the count survives a restart: on Tock, all RAM a process can reach is zeroed again when
// it restarts (brk zeroes what it exposes) and Hail installs no driver reporting the restart
// count to apps. The one exception is the 32-byte initial exception frame at the bottom of the
// process RAM block: the kernel rewrites r0-r3, lr, pc and xPSR there but leaves the r12 slot
// (word 4) as it was, so it is never re-zeroed (tock-abi.md §4.3, "r12 ... not re-zeroed on
// restart"). We keep a tagged counter in that word. If a kernel zeroes the whole frame the tag
// is missing and the app reports every run as run 1 — the output says which happened.
#include "console.h"

#define TAG 0x5A5A0000u
#define RUNS 5u

int main(void) {
    volatile uint32_t* slot = (volatile uint32_t*)(tock_memory_start() + 16);
    uint32_t word = *slot;
    uint32_t previous = (word & 0xFFFF0000u) == TAG ? (word & 0xFFFFu) : 0;
    uint32_t run = previous + 1;
    printf("restart_counter: run %u (restarted %u times)\n", (unsigned)run, (unsigned)previous);
    if (run < RUNS) {
        *slot = TAG | run;
        tock_restart(0);
    }
    *slot = 0;
    printf("restart_counter: done after %u runs\n", (unsigned)run);
    return 0;
}
