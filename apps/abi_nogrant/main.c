// abi_nogrant: upstream's alarm driver runs every command inside the caller's grant, so with no
// memory left for that grant even the frequency query fails with NOMEM (capsules/core/src/
// alarm.rs; docs/0010-libtock-c-abi.md). Packed small like grant_hog so that a few small grants
// fill the space between the app break and the kernel break: print (console grant), take all
// free memory with sbrk, fill what is left with the other drivers' grants, then ask the alarm
// driver. Afterwards the memory is given back and the alarm works.
#include "console.h"

static void noop(int a, int b, int c, void* d) {
    (void)a, (void)b, (void)c, (void)d;
}

static unsigned g_checks, g_mismatches;

static void check(const char* name, bool ok) {
    ++g_checks;
    if (!ok) ++g_mismatches;
    printf("abi_nogrant: %s: %s\n", name, ok ? "ok" : "MISMATCH");
}

int main(void) {
    printf("abi_nogrant: start\n");
    const uint32_t old_break = tock_raw_syscall(5, 1, 0, 0, 0).r1;
    // Take all free memory: the largest break the kernel accepts, 4 bytes at a time from the top.
    uint32_t target = tock_raw_syscall(5, 6, 0, 0, 0).r1;
    while (target > old_break && tock_raw_syscall(5, 0, target, 0, 0).r0 != 128) target -= 4;
    // Fill the rest with every other driver's grant; some are refused once memory runs out.
    const uint32_t fillers[] = {0x40001, 0x20001, 0x60000, 0x60001, 0x60002, 0x60004, 3, 4};
    bool refused = false;
    for (unsigned i = 0; i < sizeof fillers / sizeof fillers[0]; ++i) {
        if (tock_raw_syscall(1, fillers[i], 0, (uint32_t)noop, 0).r0 == 2) refused = true;
    }
    const uint32_t gap = tock_raw_syscall(5, 6, 0, 0, 0).r1 - target;
    const raw_regs_t freq = tock_raw_syscall(2, 0, 1, 0, 0);
    const raw_regs_t now = tock_raw_syscall(2, 0, 2, 0, 0);
    const raw_regs_t exists = tock_raw_syscall(2, 0, 0, 0, 0);
    const raw_regs_t sub = tock_raw_syscall(1, 0, 0, (uint32_t)noop, 0);
    tock_raw_syscall(5, 0, old_break, 0, 0);  // give the memory back (printf needs no more)
    const raw_regs_t freq_after = tock_raw_syscall(2, 0, 1, 0, 0);
    printf("abi_nogrant: %u bytes left between break and grants\n", (unsigned)gap);
    check("a grant was refused once memory ran out", refused);
    check("alarm subscribe without grant memory -> NOMEM", sub.r0 == 2 && sub.r1 == 9);
    check("alarm frequency without grant memory -> Failure NOMEM", freq.r0 == 0 && freq.r1 == 9);
    check("alarm read without grant memory -> Failure NOMEM", now.r0 == 0 && now.r1 == 9);
    check("alarm exists without grant memory -> Failure NOMEM", exists.r0 == 0 && exists.r1 == 9);
    check("alarm frequency after memory returned -> Success-u32 16000",
          freq_after.r0 == 129 && freq_after.r1 == 16000);
    printf("abi_nogrant: done, %u checks, %u mismatches\n", g_checks, g_mismatches);
    return 0;
}
