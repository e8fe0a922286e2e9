// bench_spin: spins forever without a system call (like libtock-c's whileone). The kernel
// preempts it at every timeslice; `tockemu bench system` measures how fast that runs.
int main(void) {
    for (;;) __asm__ volatile("");
}
