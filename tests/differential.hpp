#pragma once
// Runs one bare-metal test image (<build>/firmware/tests/firmware/<name>.elf: the cpu_* and
// ct_* images) on tockemu through the Machine API and on qemu-system-arm -M mps2-an386 (a
// Cortex-M4 with flash at 0 and SRAM at 0x20000000, like the SAM4L), for tests that compare the
// printed lines (tests/cpu, tests/coretest).
//
// QEMU runs with -icount shift=0 so that its SysTick follows instructions, not host time.
// Semihosting output goes to a stdio chardev: by default QEMU writes it to stderr, mixed with
// its own messages (such as "Timer with delta zero, disabling"), which are dropped here.
// Where QEMU 7.2 disagrees with the ARMv7-M ARM, a case lists the line as a QemuDeviation: the
// QEMU line must still read as recorded (so a QEMU upgrade that fixes it is noticed) and the
// manual's line replaces it before the comparison.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "emu/machine/machine.hpp"

namespace tockemu::difftest {

inline std::filesystem::path firmware(const std::string& name) {
    if (const char* d = std::getenv("TOCKEMU_TEST_FIRMWARE_DIR"))
        return std::filesystem::path(d) / (name + ".elf");
    return std::filesystem::path(TOCKEMU_FIRMWARE_DIR) / "tests/firmware" / (name + ".elf");
}

struct FwRun {
    std::string out;
    int exit_code = -1;
    StopReason reason = StopReason::TimeLimit;
    std::string message;
    std::uint64_t instructions = 0;
};

inline FwRun run_tockemu(const std::string& name, Picos limit = picos_from_ms(2000)) {
    Machine m;
    FwRun r;
    m.set_semihosting_output([&](int, std::string_view t) { r.out.append(t); });
    m.load_elf(firmware(name));
    m.reset();
    const RunResult res = m.run_until(limit);
    r.exit_code = res.exit_code;
    r.reason = res.reason;
    r.message = res.message;
    r.instructions = m.instructions();
    return r;
}

inline bool have_qemu() {
    return std::system("command -v qemu-system-arm >/dev/null 2>&1") == 0;
}

inline FwRun run_qemu(const std::string& name) {
    FwRun r;
    const std::string cmd =
        "timeout 20 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none "
        "-icount shift=0 -chardev stdio,id=sh0 "
        "-semihosting-config enable=on,target=native,chardev=sh0 -kernel '" +
        firmware(name).string() + "' 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> v;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) v.push_back(l);
    return v;
}

// A line (1-based) where QEMU prints `qemu` and the ARMv7-M ARM requires `manual`.
struct QemuDeviation {
    std::size_t line;
    std::string qemu;
    std::string manual;
};

// "" when equal; otherwise the first differing line of each, numbered.
inline std::string first_difference(const std::vector<std::string>& ours,
                                    const std::vector<std::string>& ref) {
    const std::size_t n = std::max(ours.size(), ref.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string a = i < ours.size() ? ours[i] : "<missing>";
        const std::string b = i < ref.size() ? ref[i] : "<missing>";
        if (a != b)
            return "line " + std::to_string(i + 1) + ":\n  tockemu:   " + a + "\n  reference: " + b;
    }
    return "";
}

}  // namespace tockemu::difftest
