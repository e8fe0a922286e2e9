// The lab course (docs/lab/) runs in CI: every lab's scenario passes under the real runner, every
// scenario has its page, and the timing lab replays bit for bit.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "emu/scenario/report.hpp"
#include "tests/explain/lab_harness.hpp"

namespace tockemu::explain {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> lab_scenarios() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(testing::lab_dir()))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

class LabScenario : public ::testing::TestWithParam<fs::path> {};

TEST_P(LabScenario, PassesUnderTheRealRunner) {
    scenario::RunOptions o;
    o.firmware_dir = TOCKEMU_FIRMWARE_DIR;
    const auto r = scenario::run_scenario_file(GetParam(), o);
    ASSERT_EQ(r.verdict, scenario::ScenarioResult::Verdict::Pass)
        << r.error << scenario::format_verdict(r);
}

TEST_P(LabScenario, HasItsPage) {
    fs::path page = GetParam();
    page.replace_extension(".md");
    ASSERT_TRUE(fs::exists(page)) << page;
    const std::string text = testing::read_text(page);
    EXPECT_NE(text.find(GetParam().filename().string()), std::string::npos)
        << page << " should name its scenario file";
}

INSTANTIATE_TEST_SUITE_P(Labs, LabScenario, ::testing::ValuesIn(lab_scenarios()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                             std::string n = info.param.stem().string();
                             for (char& c : n)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

TEST(LabCourse, HasFiveToEightLabs) {
    const auto labs = lab_scenarios();
    EXPECT_GE(labs.size(), 5u);
    EXPECT_LE(labs.size(), 8u);
    EXPECT_TRUE(fs::exists(testing::lab_dir() / "README.md"));
}

TEST(LabCourse, TimingLabReplaysExactly) {
    const auto a = testing::run_lab("07-timing-determinism.yaml", ExplainOptions{false, false});
    const auto b = testing::run_lab("07-timing-determinism.yaml", ExplainOptions{false, false});
    ASSERT_EQ(a.result.verdict, scenario::ScenarioResult::Verdict::Pass);
    EXPECT_EQ(a.result.trace_hash, b.result.trace_hash);
    EXPECT_EQ(a.result.instructions, b.result.instructions);
    EXPECT_EQ(a.result.console, b.result.console);
    EXPECT_EQ(a.log, b.log);
}

}  // namespace
}  // namespace tockemu::explain

namespace tockemu::explain {
namespace {

// Lab 6's gdb session, scripted: the breakpoint on the faulting load, the process threads, the
// registers, the step into the HardFault handler. Needs gdb-multiarch (skipped without it).
TEST(LabCourse, GdbSessionOfLab6) {
    if (std::system("command -v gdb-multiarch > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "gdb-multiarch not installed";
    const std::string fw = TOCKEMU_FIRMWARE_DIR;
    const std::string out = ::testing::TempDir() + "/lab6_gdb.txt";
    const int port = 20000 + static_cast<int>(::getpid() % 20000);
    // gdb retries the connection until the server listens (no sleeps on wall-clock time).
    const std::string cmd =
        "(" + std::string(TOCKEMU_BINARY_DIR) + "/emu/tockemu boot --kernel " + fw +
        "/kernel/hail_kernel.elf --app " + fw + "/apps/fault_null_deref.tbf --app " + fw +
        "/apps/hello.tbf --time 300ms -S --gdb " + std::to_string(port) +
        " > /dev/null 2>&1 &) && timeout 120 gdb-multiarch -batch -nx -ex 'set pagination off' "
        "-ex 'set tcp auto-retry on' -ex 'set tcp connect-timeout 60' -ex 'target remote "
        "127.0.0.1:" +
        std::to_string(port) +
        "' -ex 'break *0x000300ce' -ex continue -ex 'info threads' -ex 'info registers r3 "
        "control' -ex delete -ex stepi -ex 'info threads' -ex kill " +
        fw + "/kernel/hail_kernel.elf > " + out + " 2>&1";
    // gdb's exit status reflects the final `kill` closing the connection; the transcript counts.
    std::system(cmd.c_str());
    const std::string text = testing::read_text(out);
    EXPECT_NE(text.find("fault_null_deref (running)"), std::string::npos) << text;
    EXPECT_NE(text.find("hello (yielded)"), std::string::npos) << text;
    // After one step the kernel (thread 1) has the core, in its HardFault handler, and the
    // process is faulted; gdb stays on the stepped thread, whose pc is still at the load.
    EXPECT_NE(text.find("* 2    Thread 2 (fault_null_deref (faulted)) 0x000300ce"),
              std::string::npos)
        << text;
    EXPECT_TRUE(
        std::regex_search(text, std::regex(R"(\n  1    Thread 1 \(kernel\) +hard_fault_handler)")))
        << text;
}

}  // namespace
}  // namespace tockemu::explain
