// abi_tlvs: packed with every TLV elf2tab can emit (Program, PackageName, WriteableFlashRegions,
// Permissions, StoragePermissions, KernelVersion, ShortId, a protected trailer and a credentials
// footer reservation; see apps/CMakeLists.txt). Checks that the kernel loads it and reports the
// writeable flash region, flash bounds and entry registers the way upstream Tock does
// (docs/0010-libtock-c-abi.md).
#include "console.h"

// One writeable flash region: the packer turns the `.app_state` section into the TLV.
__attribute__((section(".app_state"), used, aligned(4))) static const uint32_t region[16] = {
    0x57F1A5E0u};

static unsigned g_checks, g_mismatches;

static void check(const char* name, bool ok) {
    ++g_checks;
    if (!ok) ++g_mismatches;
    printf("abi_tlvs: %s: %s\n", name, ok ? "ok" : "MISMATCH");
}

// Bytes after the TBF header before the app binary (set by --protected-region-size below).
#define PROTECTED_SIZE 256u

int main(void) {
    const raw_regs_t count = tock_raw_syscall(5, 7, 0, 0, 0);
    const raw_regs_t start = tock_raw_syscall(5, 8, 0, 0, 0);
    const raw_regs_t end = tock_raw_syscall(5, 9, 0, 0, 0);
    const raw_regs_t missing = tock_raw_syscall(5, 8, 1, 0, 0);
    const uint32_t flash = tock_flash_start(), flash_end = tock_flash_end();
    printf("abi_tlvs: region at +0x%x, %u bytes; flash %u bytes\n", (unsigned)(start.r1 - flash),
           (unsigned)(end.r1 - start.r1), (unsigned)(flash_end - flash));
    check("memop 7 -> Success-u32 1", count.r0 == 129 && count.r1 == 1);
    check("memop 8 -> start of the .app_state data",
          start.r0 == 129 && start.r1 == (uint32_t)region);
    check("memop 9 -> start + 64", end.r0 == 129 && end.r1 == (uint32_t)region + sizeof region);
    check("memop 8 index 1 -> Failure FAIL", missing.r0 == 0 && missing.r1 == 1);
    check("region content readable", region[0] == 0x57F1A5E0u);
    // The protected trailer sits between header and binary: the crt0 header (r0 at _start)
    // follows it, so code lies at least PROTECTED_SIZE bytes into the TBF.
    check("code after the protected region", (uint32_t)main - flash > PROTECTED_SIZE);
    // The credentials footer reservation lies inside the TBF: the TBF is bigger than 3000 bytes.
    check("footer reserved inside total_size", flash_end - flash >= 3000);
    // Hail installs no syscall filter: commands outside the Permissions TLV still work.
    const syscall_return_t led = command(2, 0, 0, 0);
    check("command not in the Permissions TLV -> allowed (no filter on Hail)", led.type == 129);
    printf("abi_tlvs: done, %u checks, %u mismatches\n", g_checks, g_mismatches);
    return 0;
}
