// Differential firmware tests of the MPU: every image in tests/firmware/mpu runs on
// qemu-system-arm -M mps2-an386 (a PMSAv7 reference) and on tockemu, and must print the same
// lines. The firmware checks its own expectations (exact CFSR, MMFAR, stacked PC ...) and ends
// with "<name>: 0 failures", so the QEMU run also proves the expectations are right.
//
// tockemu runs through its CLI (`tockemu boot --kernel F.elf`: the Machine API with semihosting
// output on stdout and the semihosting exit code as exit status), which keeps this test binary
// linked against the MPU library only.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace tockemu {
namespace {

struct RunOutput {
    int exit_code = -1;
    std::string out;
};

RunOutput run_capture(const std::string& command) {
    RunOutput r;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
    int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::filesystem::path firmware(const std::string& name) {
    return std::filesystem::path(TOCKEMU_FIRMWARE_DIR) / "tests/firmware" / (name + ".elf");
}

RunOutput run_qemu(const std::string& name) {
    return run_capture(
        "timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial null "
        "-semihosting-config enable=on,target=native -kernel " +
        firmware(name).string() + " </dev/null 2>&1");
}

RunOutput run_tockemu(const std::string& name) {
    std::filesystem::path exe = std::filesystem::path(TOCKEMU_BINARY_DIR) / "emu/tockemu";
    return run_capture("timeout 60 " + exe.string() + " boot --kernel " + firmware(name).string() +
                       " --time 500ms </dev/null 2>&1");
}

class MpuFirmware : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(firmware(GetParam())))
            << firmware(GetParam()) << " was not built (firmware target)";
    }
};

TEST_P(MpuFirmware, PassesItsOwnChecksOnQemu) {
    RunOutput q = run_qemu(GetParam());
    EXPECT_EQ(q.exit_code, 0) << q.out;
    EXPECT_EQ(q.out.find("FAIL"), std::string::npos) << q.out;
    EXPECT_NE(q.out.find(GetParam() + ": 0 failures"), std::string::npos) << q.out;
}

TEST_P(MpuFirmware, TockemuPrintsExactlyWhatQemuPrints) {
    const char* fast = std::getenv("TOCKEMU_UC_FASTPATH");
    if (GetParam() == "mpu_tlb" && fast && std::string(fast) == "0")
        GTEST_SKIP() << "the fallback's MPU hook checks unprivileged code only: LDRT from "
                        "privileged code goes unchecked without the fast path (docs/0012-speed.md)";
    RunOutput q = run_qemu(GetParam());
    ASSERT_EQ(q.exit_code, 0) << "reference run failed:\n" << q.out;
    RunOutput t = run_tockemu(GetParam());
    std::vector<std::string> want = lines_of(q.out), got = lines_of(t.out);
    for (std::size_t i = 0; i < want.size() && i < got.size(); ++i)
        ASSERT_EQ(got[i], want[i]) << "first difference at line " << i + 1 << "\ntockemu:\n"
                                   << t.out;
    EXPECT_EQ(got.size(), want.size()) << "tockemu:\n" << t.out;
    EXPECT_EQ(t.exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Images, MpuFirmware,
                         ::testing::Values("mpu_faults", "mpu_stacking", "mpu_ap_matrix",
                                           "mpu_tlb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tockemu
