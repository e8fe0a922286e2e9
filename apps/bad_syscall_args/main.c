// bad_syscall_args: makes system calls with invalid arguments and checks that each one returns
// the TRD104 error the kernel documents instead of faulting the process. Prints one line per
// check ("ok" or "UNEXPECTED") and a summary. Raw syscalls are used so that no library wrapper
// interprets (or exits on) the result.
#include "console.h"

#define BAD_DRIVER 0xDEAD0u
#define KERNEL_RAM 0x20000000u

typedef struct {
    const char* name;
    uint8_t svc;
    uint32_t r0, r1, r2, r3;
    uint32_t want_variant;
    uint32_t want_error;  // r1 for failures; ignored for successes
} check_t;

static void noop_upcall(int a, int b, int c, void* d) {
    (void)a, (void)b, (void)c, (void)d;
}

static uint8_t buffer[16];

static const char* variant_name(uint32_t v) {
    switch (v) {
        case 0:
            return "Failure";
        case 1:
            return "Failure-u32";
        case 2:
            return "Failure-2u32";
        case 3:
            return "Failure-u64";
        case 128:
            return "Success";
        case 129:
            return "Success-u32";
        case 130:
            return "Success-2u32";
        case 131:
            return "Success-u64";
        case 132:
            return "Success-3u32";
        case 133:
            return "Success-u32-u64";
        default:
            return "reserved";
    }
}

int main(void) {
    const uint32_t ram = tock_memory_start();
    const uint32_t flash = tock_flash_start();
    const uint32_t fn = (uint32_t)noop_upcall;
    const uint32_t buf = (uint32_t)buffer;
    const check_t checks[] = {
        {"command to missing driver", 2, BAD_DRIVER, 0, 0, 0, 0, 11},
        {"command unknown number", 2, 1, 99, 0, 0, 0, 10},
        {"LED on index 99", 2, 2, 1, 99, 0, 0, 6},
        {"alarm stop with none armed", 2, 0, 3, 0, 0, 0, 3},
        {"rw allow kernel RAM", 3, 1, 1, KERNEL_RAM, 16, 2, 6},
        {"rw allow wraps past 4 GiB", 3, 1, 1, buf, 0xFFFFFFF0u, 2, 6},
        {"rw allow beyond my break", 3, 1, 1, ram, 0x00100000u, 2, 6},
        {"rw allow my flash", 3, 1, 1, flash + 0x100, 16, 2, 6},
        {"rw allow number 99", 3, 1, 99, buf, sizeof buffer, 2, 10},
        {"rw allow missing driver", 3, BAD_DRIVER, 0, buf, sizeof buffer, 2, 11},
        {"rw allow length 0 anywhere", 3, 1, 1, KERNEL_RAM, 0, 130, 0},
        {"ro allow kernel RAM", 4, 1, 1, KERNEL_RAM, 16, 2, 6},
        {"ro allow my TBF header", 4, 1, 1, flash, 16, 2, 6},
        {"ro allow missing driver", 4, BAD_DRIVER, 1, buf, sizeof buffer, 2, 11},
        {"userspace-readable allow console", 7, 1, 1, buf, sizeof buffer, 2, 10},
        {"subscribe number 99", 1, 1, 99, fn, 0, 2, 10},
        {"subscribe fn in kernel RAM", 1, 1, 1, KERNEL_RAM | 1u, 0, 2, 6},
        {"subscribe missing driver", 1, BAD_DRIVER, 0, fn, 0, 2, 11},
        {"memop brk to 0xfffffff0", 5, 0, 0xFFFFFFF0u, 0, 0, 0, 9},
        {"memop brk below memory", 5, 0, 0x100, 0, 0, 0, 9},
        {"memop sbrk +256 MiB", 5, 1, 0x10000000u, 0, 0, 0, 9},
        {"memop unknown op 99", 5, 99, 0, 0, 0, 0, 10},
        {"memop flash region 5 start", 5, 8, 5, 0, 0, 0, 1},
        {"exit with r0 = 7", 6, 7, 0, 0, 0, 0, 10},
    };
    const unsigned count = sizeof checks / sizeof checks[0];
    printf("bad_syscall_args: %u checks\n", count);

    unsigned unexpected = 0;
    for (unsigned i = 0; i < count; ++i) {
        const check_t* c = &checks[i];
        raw_regs_t r = tock_raw_syscall(c->svc, c->r0, c->r1, c->r2, c->r3);
        bool failure = r.r0 < 128;
        bool ok = r.r0 == c->want_variant && (!failure || r.r1 == c->want_error);
        if (!ok) ++unexpected;
        if (failure) {
            printf("bad_syscall_args: %s: %s %s: %s\n", c->name, variant_name(r.r0),
                   tock_statuscode_name(r.r1), ok ? "ok" : "UNEXPECTED");
        } else {
            printf("bad_syscall_args: %s: %s: %s\n", c->name, variant_name(r.r0),
                   ok ? "ok" : "UNEXPECTED");
        }
        if (!ok) {
            printf("bad_syscall_args:   wanted %s %s\n", variant_name(c->want_variant),
                   c->want_variant < 128 ? tock_statuscode_name(c->want_error) : "");
        }
    }
    // The revoking (NULL, 0) allow above is left as is: it is what libtock-c does anyway.
    // Yield-no-wait with a result pointer outside our memory: the kernel must skip the write.
    tock_raw_syscall(0, 0, KERNEL_RAM, 0, 0);
    printf("bad_syscall_args: yield-no-wait with kernel pointer returned\n");
    printf("bad_syscall_args: done, %u checks, %u unexpected\n", count, unexpected);
    printf("bad_syscall_args: still running\n");
    return 0;
}
