// syscall_fuzz: thousands of system calls with pseudo-random classes, driver numbers, command
// numbers and arguments, including random pointers and lengths for allows, and prints a summary
// by class and result. The process must never fault and the kernel must never panic.
//
// Deterministic: a fixed-seed xorshift32 generator. Excluded on purpose, because they are
// defined to end or fault the process: exit (0/1), yield with r0 > 2, svc > 7, brk/sbrk (could
// move the break over our own stack), and every yield: a random command can leave a Null-Upcall
// task queued, after which even yield-no-wait blocks until a real upcall arrives (tock-abi.md
// §1.4); bad_syscall_args covers yield-no-wait with a bad result pointer.
// Anything the kernel accepts (an upcall, an allowed buffer) is revoked at once, so no driver
// later writes into or calls random memory.
#include "console.h"
#include "heap.h"

#define CALLS 4000u

static uint32_t state = 0x12345678u;
static uint32_t next(void) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static const uint32_t drivers[] = {0x0,     0x1,     0x2,     0x3,     0x4,
                                   0x5,     0x8,     0x10000, 0x20001, 0x40001,
                                   0x50000, 0x60000, 0x10002, 0x80004, 0xFFFFFFFF};

static uint32_t pick_driver(void) {
    uint32_t r = next();
    if (r % 8 == 0) return next();  // anything at all
    return drivers[r % (sizeof drivers / sizeof drivers[0])];
}

// Pointers: mostly interesting places (our RAM, our flash, kernel RAM, peripherals, 0, top of
// memory), sometimes anything.
static uint32_t pick_pointer(uint32_t ram, uint32_t ram_end, uint32_t flash) {
    switch (next() % 7) {
        case 0:
            return ram + next() % (ram_end - ram + 64);
        case 1:
            return flash + next() % 0x4000;
        case 2:
            return 0x20000000u + next() % 0x10000;
        case 3:
            return 0x40000000u + next() % 0x100000;
        case 4:
            return 0;
        case 5:
            return 0xFFFFFFFFu - next() % 64;
        default:
            return next();
    }
}

static uint32_t pick_length(void) {
    switch (next() % 4) {
        case 0:
            return 0;
        case 1:
            return next() % 64;
        case 2:
            return next() % 0x10000;
        default:
            return next();
    }
}

static unsigned by_class[8], successes, failures, other;
static unsigned by_error[14];
static uint32_t canary_before = 0xC0FFEE11u, canary_after = 0x5EED5EEDu;

// Heap blocks filled with a pattern before the fuzzing; random allows must never reach them.
#define HEAP_BLOCKS 4
static uint8_t* heap_blocks[HEAP_BLOCKS];

static bool heap_intact(void) {
    for (int i = 0; i < HEAP_BLOCKS; ++i) {
        for (int j = 0; j < 100; ++j) {
            if (!heap_blocks[i] || heap_blocks[i][j] != (uint8_t)(i * 100 + j)) return false;
        }
    }
    return true;
}

int main(void) {
    for (int i = 0; i < HEAP_BLOCKS; ++i) {
        heap_blocks[i] = malloc(100);
        for (int j = 0; heap_blocks[i] && j < 100; ++j) heap_blocks[i][j] = (uint8_t)(i * 100 + j);
    }
    const uint32_t ram = tock_memory_start();
    const uint32_t brk = (uint32_t)tock_brk_get();
    const uint32_t flash = tock_flash_start();
    printf("syscall_fuzz: %u calls, seed %08x\n", CALLS, (unsigned)state);

    static const uint8_t classes[] = {1, 2, 2, 2, 3, 4, 5, 6, 7};
    for (unsigned i = 0; i < CALLS; ++i) {
        uint8_t svc = classes[next() % sizeof classes];
        uint32_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;
        switch (svc) {
            case 1:
                r0 = pick_driver();
                r1 = next() % 6;
                r2 = pick_pointer(ram, brk, flash);
                r3 = next();
                break;
            case 2:
                r0 = pick_driver();
                r1 = next() % 16;
                r2 = next() % 8 == 0 ? next() : next() % 512;
                r3 = next() % 4 == 0 ? next() : next() % 8;
                break;
            case 3:
            case 4:
            case 7:
                r0 = pick_driver();
                r1 = next() % 4;
                r2 = pick_pointer(ram, brk, flash);
                r3 = pick_length();
                break;
            case 5:  // every memop except brk (0) and sbrk (1)
                r0 = 2 + next() % 14;
                r1 = next();
                break;
            case 6:  // exit with an invalid variant only
                r0 = 2 + next() % 100;
                r1 = next();
                break;
        }
        raw_regs_t r = tock_raw_syscall(svc, r0, r1, r2, r3);
        ++by_class[svc];
        // Revoke whatever was accepted before anything can use it.
        if (svc == 1 && r.r0 == 130) tock_raw_syscall(1, r0, r1, 0, 0);
        if ((svc == 3 || svc == 4 || svc == 7) && r.r0 == 130) tock_raw_syscall(svc, r0, r1, 0, 0);
        if (r.r0 >= 128 && r.r0 <= 133) {
            ++successes;
        } else if (r.r0 <= 3) {
            ++failures;
            ++by_error[r.r1 < 14 ? r.r1 : 0];
        } else {
            ++other;
        }
    }
    printf(
        "syscall_fuzz: by class: subscribe %u, command %u, rw-allow %u, ro-allow %u, "
        "memop %u, exit %u, ur-allow %u\n",
        by_class[1], by_class[2], by_class[3], by_class[4], by_class[5], by_class[6], by_class[7]);
    printf("syscall_fuzz: success %u, failure %u, invalid variant %u\n", successes, failures,
           other);
    for (unsigned e = 1; e < 14; ++e) {
        if (by_error[e]) printf("syscall_fuzz:   %s %u\n", tock_statuscode_name(e), by_error[e]);
    }
    bool intact = canary_before == 0xC0FFEE11u && canary_after == 0x5EED5EEDu && heap_intact();
    printf("syscall_fuzz: memory %s\n", intact ? "intact" : "CORRUPTED");
    printf("syscall_fuzz: done, %u calls, still running\n", CALLS);
    return 0;
}
