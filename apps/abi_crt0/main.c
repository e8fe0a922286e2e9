// abi_crt0: replaces our runtime's _start with the sequence libtock-c's crt0 (libtock/crt0.c,
// 306a913) runs on Cortex-M, and records what the kernel handed it: r0-r3 and sp at entry.
// main() then checks them against upstream Tock's process start (tock-abi.md 4.3): r0 = the
// crt0 header right after the TBF header and protected trailer, r1 = memory start, r2 = block
// size, r3 = memory start + 32 (one exception frame), sp = memory start + 32 (8-byte aligned).
#include "console.h"

// Entry state, stored by _start in the lowest words of the stack (far below anything main uses).
enum { ENTRY_R0, ENTRY_R1, ENTRY_R2, ENTRY_R3, ENTRY_SP, ENTRY_WORDS };

// The libtock-c order: compute stack top and break from the crt0 header, move sp first only
// when the kernel's break already covers it (otherwise the brk svc's frame must fit in the 32
// bytes at memory start), brk, stack hint, heap hint, sp = stack top, r9 = GOT, then C start-up.
__attribute__((section(".start"), used, naked, noreturn)) void _start(void) {
    __asm__ volatile(
        "mov  r8, sp\n"
        "mov  r10, r2\n"
        "mov  r11, r3\n"
        "ldr  r4, [r0, #36]\n"  // stack_size
        "add  r4, r4, r1\n"
        "adds r4, r4, #7\n"
        "bic  r4, r4, #7\n"     // stack top
        "ldr  r5, [r0, #24]\n"  // bss_start
        "ldr  r6, [r0, #28]\n"  // bss_size
        "add  r5, r5, r6\n"
        "add  r5, r5, r1\n"  // app break wanted
        "mov  r6, r0\n"
        "mov  r7, r1\n"
        "cmp  r5, r3\n"
        "bgt  1f\n"
        "mov  sp, r4\n"
        "1:\n"
        "movs r0, #0\n"
        "mov  r1, r5\n"
        "svc  5\n"
        "movs r0, #10\n"
        "mov  r1, r4\n"
        "svc  5\n"
        "movs r0, #11\n"
        "mov  r1, r5\n"
        "svc  5\n"
        "mov  sp, r4\n"
        "str  r6, [r7, #0]\n"
        "str  r7, [r7, #4]\n"
        "str  r10, [r7, #8]\n"
        "str  r11, [r7, #12]\n"
        "str  r8, [r7, #16]\n"
        "ldr  r0, [r6, #4]\n"  // got_start
        "add  r0, r0, r7\n"
        "mov  r9, r0\n"
        "mov  r0, r6\n"
        "mov  r1, r7\n"
        "bl   _c_start_pic\n"
        "bkpt #255\n");
}

static unsigned g_checks, g_mismatches;

static void check(const char* name, bool ok) {
    ++g_checks;
    if (!ok) ++g_mismatches;
    printf("abi_crt0: %s: %s\n", name, ok ? "ok" : "MISMATCH");
}

static uint32_t rd16(uint32_t addr) {
    return *(const volatile uint16_t*)addr;
}
static uint32_t rd32(uint32_t addr) {
    return *(const volatile uint32_t*)addr;
}

// The app start the kernel must pass: TBF start + header size + protected trailer (from the
// Program TLV if present, else Main), found by walking the header's TLVs.
static uint32_t expected_app_start(uint32_t tbf) {
    const uint32_t header = rd16(tbf + 2);
    uint32_t trailer = 0;
    bool program = false;
    for (uint32_t off = 16; off + 4 <= header;) {
        const uint32_t type = rd16(tbf + off), len = rd16(tbf + off + 2);
        if (type == 9 || (type == 1 && !program)) trailer = rd32(tbf + off + 8);
        if (type == 9) program = true;
        off += 4 + ((len + 3u) & ~3u);
    }
    return tbf + header + trailer;
}

int main(void) {
    const uint32_t mem = tock_memory_start(), end = tock_memory_end();
    const volatile uint32_t* entry = (const volatile uint32_t*)mem;
    uint32_t e[ENTRY_WORDS];
    for (unsigned i = 0; i < ENTRY_WORDS; ++i) e[i] = entry[i];
    printf("abi_crt0: entry r0=+0x%x r1=0x%x r2=0x%x r3=mem+%u sp=mem+%u\n",
           (unsigned)(e[ENTRY_R0] - tock_flash_start()), (unsigned)e[ENTRY_R1],
           (unsigned)e[ENTRY_R2], (unsigned)(e[ENTRY_R3] - mem), (unsigned)(e[ENTRY_SP] - mem));
    check("r0 = TBF start + header + protected trailer",
          e[ENTRY_R0] == expected_app_start(tock_flash_start()));
    check("r0 points at the crt0 header (stack_size field = 2048)", rd32(e[ENTRY_R0] + 36) == 2048);
    check("r1 = memory start (memop 2)", e[ENTRY_R1] == mem);
    check("r2 = block size (memop 3 - memop 2)", e[ENTRY_R2] == end - mem);
    check("r3 = memory start + 32", e[ENTRY_R3] == mem + 32);
    check("sp = memory start + 32, 8-byte aligned",
          e[ENTRY_SP] == mem + 32 && e[ENTRY_SP] % 8 == 0);
    // .data and .got were relocated by _c_start_pic from the header fields: a pointer in .data to
    // a string in flash and one to a RAM variable must both be usable.
    static const char* const greeting = "relocated";
    static int target = 42;
    static int* const ptr = &target;
    check(".data pointer to flash relocated", greeting[0] == 'r' && greeting[8] == 'd');
    check(".data pointer to RAM relocated",
          *ptr == 42 && (uint32_t)ptr >= mem && (uint32_t)ptr < end);
    printf("abi_crt0: done, %u checks, %u mismatches\n", g_checks, g_mismatches);
    return 0;
}
