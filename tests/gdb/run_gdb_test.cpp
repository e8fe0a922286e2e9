// `tockemu run SCENARIO --gdb`: the real gdb-multiarch stops a scenario's kernel at a breakpoint,
// reads the process list through a monitor command and detaches; the scenario then runs on to its
// budget and its expectations decide the exit status, exactly as without a debugger.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/gdb/gdb_harness.hpp"

namespace tockemu::gdbtest {
namespace {

using namespace std::chrono_literals;

struct ScenarioUnderGdb {
    TempDir dir;
    std::unique_ptr<Child> child;
    int port = -1;

    explicit ScenarioUnderGdb(const fs::path& scenario) {
        const std::vector<std::string> argv{tockemu_exe().string(),
                                            "run",
                                            scenario.string(),
                                            "--firmware",
                                            TOCKEMU_FIRMWARE_DIR,
                                            "--gdb",
                                            "0",
                                            "-S"};
        child = std::make_unique<Child>(argv, dir.path() / "out", dir.path() / "err");
        port = wait_for_port(dir.path() / "err", 20s).value_or(-1);
    }
    std::string stdout_text() const { return slurp(dir.path() / "out"); }
    std::string stderr_text() const { return slurp(dir.path() / "err"); }
};

TEST(GdbRun, ScenarioStopsAtBreakpointAndPassesAfterDetach) {
    if (!have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    ScenarioUnderGdb emu(fs::path(TOCKEMU_SOURCE_DIR) / "scenarios/hello.yaml");
    ASSERT_GT(emu.port, 0) << emu.stderr_text();
    const fs::path kernel = firmware("kernel/hail_kernel.elf");
    const std::string out = run_gdb(emu.dir, kernel, emu.port, R"(info registers pc
break switch_to_user
continue
info symbol $pc
monitor processes
delete
detach
)");
    // -S: gdb sees the machine at its reset vector, before the first kernel instruction.
    EXPECT_TRUE(
        std::regex_search(out, std::regex(R"(pc +0x1[0-9a-f]{4} +0x1[0-9a-f]{4} <reset_handler)")))
        << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(Breakpoint 1(\.1)?, switch_to_user \(\))")))
        << out;
    EXPECT_NE(out.find("switch_to_user in section .text"), std::string::npos) << out;
    EXPECT_NE(out.find("hello"), std::string::npos) << out;  // the process list names the app
    EXPECT_NE(out.find("detached"), std::string::npos) << out;
    // The scenario's expectations all hold after the debugging session.
    EXPECT_EQ(emu.child->wait(60s), 0) << emu.stdout_text() << emu.stderr_text();
    EXPECT_NE(emu.stdout_text().find("hello"), std::string::npos) << emu.stdout_text();
}

TEST(GdbRun, FailedExpectationStillFailsUnderGdb) {
    if (!have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    TempDir files;
    const fs::path scenario = files.path() / "wrong.yaml";
    {
        std::ofstream f(scenario);
        f << "name: wrong\napps: [hello]\nbudget: 200ms\nexpect:\n"
             "  - console_contains: \"this text is never printed\"\n";
    }
    ScenarioUnderGdb emu(scenario);
    ASSERT_GT(emu.port, 0) << emu.stderr_text();
    const std::string out =
        run_gdb(emu.dir, firmware("kernel/hail_kernel.elf"), emu.port, "detach\n");
    EXPECT_NE(out.find("detached"), std::string::npos) << out;
    EXPECT_NE(emu.child->wait(60s), 0) << emu.stdout_text() << emu.stderr_text();
}

}  // namespace
}  // namespace tockemu::gdbtest
