// Upstream Tock as a target (issue 16): upstream's own Hail kernel, bootloader and unmodified
// libtock-c apps from $TOCKEMU_UPSTREAM_DIR (tests/upstream/upstream_dir.hpp). Every scenario
// of scenarios/upstream/ is one test case; every app of the material must be covered by one;
// the bootloader, explain mode and gdb's process threads are checked on the upstream kernel.
// Without the material every case reports itself skipped, saying what to set.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "emu/explain/session.hpp"
#include "emu/machine/machine.hpp"
#include "emu/scenario/report.hpp"
#include "emu/scenario/runner.hpp"
#include "tests/gdb/gdb_harness.hpp"
#include "tests/upstream/upstream_dir.hpp"

namespace tockemu::upstream_test {
namespace {

using scenario::ScenarioResult;
using namespace std::chrono_literals;

const fs::path kScenarios = fs::path(TOCKEMU_SOURCE_DIR) / "scenarios" / "upstream";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::uint32_t word_at(Machine& m, std::uint32_t addr) {
    std::array<std::uint8_t, 4> b{};
    EXPECT_TRUE(m.read_memory(addr, b)) << std::hex << addr;
    return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

scenario::RunOptions run_options() {
    scenario::RunOptions o;
    o.firmware_dir = TOCKEMU_FIRMWARE_DIR;
    return o;
}

std::vector<std::string> scenario_names() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(kScenarios))
        if (e.path().extension() == ".yaml") names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// ---- the scenarios ----

class UpstreamScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(UpstreamScenario, Passes) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    const ScenarioResult r = scenario::run_scenario_file(kScenarios / GetParam(), run_options());
    EXPECT_EQ(r.verdict, ScenarioResult::Verdict::Pass) << scenario::format_verdict(r) << r.error;
    // What the suite costs, for the CI budget (README: upstream suite).
    RecordProperty("host_seconds", std::to_string(r.host_seconds));
    RecordProperty("virtual_ms", std::to_string(r.virtual_time / 1'000'000'000));
    std::cout << GetParam() << ": " << r.virtual_time / 1'000'000'000 << " ms virtual, "
              << r.host_seconds << " s host\n";
}

INSTANTIATE_TEST_SUITE_P(Upstream, UpstreamScenario, ::testing::ValuesIn(scenario_names()),
                         [](const auto& info) { return fs::path(info.param).stem().string(); });

// Every app of the material has a scenario here, so a new app cannot go untested.
TEST(UpstreamSuite, EveryUpstreamAppIsInAScenario) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    std::string all;
    for (const auto& name : scenario_names()) all += slurp(kScenarios / name);
    std::set<std::string> missing;
    std::size_t apps = 0;
    for (const auto& e : fs::directory_iterator(dir / "apps")) {
        if (e.path().extension() != ".tbf") continue;
        ++apps;
        if (all.find("/apps/" + e.path().filename().string()) == std::string::npos)
            missing.insert(e.path().filename().string());
    }
    EXPECT_GE(apps, 12u) << dir;
    EXPECT_TRUE(missing.empty()) << "apps without a scenario in " << kScenarios << ": "
                                 << ::testing::PrintToString(missing);
}

// A scenario naming the material through an unset variable without a fallback is an error that
// says which variable and where, not a missing-file puzzle.
TEST(UpstreamSuite, UnsetVariableInAKernelPathIsAClearError) {
    const fs::path f = fs::temp_directory_path() / "tockemu_upstream_unset.yaml";
    std::ofstream(f) << "kernel: ${TOCKEMU_NO_SUCH_VARIABLE_XYZ}/hail.elf\nbudget: 1s\n";
    const ScenarioResult r = scenario::run_scenario_file(f, run_options());
    EXPECT_EQ(r.verdict, ScenarioResult::Verdict::Error);
    EXPECT_NE(r.error.find(f.string() + ":1:9: kernel: environment variable "
                                        "TOCKEMU_NO_SUCH_VARIABLE_XYZ is not set"),
              std::string::npos)
        << r.error;
}

// A scenario written for our kernel's ITM events, run on upstream's kernel: the verdict says
// why those checks cannot pass there (and a trigger on them why it never fired) instead of a
// bare "never happened"; the kernel-agnostic checks of the same scenario still pass.
TEST(UpstreamSuite, ItmOnlyExpectationsSayTheyNeedOurKernel) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    const fs::path f = fs::temp_directory_path() / "tockemu_upstream_itm.yaml";
    std::ofstream(f) << "kernel: " << (dir / "hail.elf").string()
                     << "\napps:\n  - path: " << (dir / "apps/mpu_flash_end.tbf").string()
                     << "\nbudget: 100ms\ntimeline:\n  - when: {kernel: policy_decision}\n"
                        "    send: \"x\"\nexpect:\n  - event: {kernel: process_fault}\n"
                        "  - event: {kernel: grant_nomem}\n    count: 0\n"
                        "  - fault: {process: mpu_flash_end, address: 0x34000}\n";
    const ScenarioResult r = scenario::run_scenario_file(f, run_options());
    ASSERT_EQ(r.verdict, ScenarioResult::Verdict::Fail) << r.error;
    ASSERT_EQ(r.checks.size(), 3u);
    for (int i : {0, 1}) {
        EXPECT_FALSE(r.checks[i].passed);
        EXPECT_NE(r.checks[i].actual.find("upstream Tock sends none"), std::string::npos)
            << r.checks[i].actual;
    }
    EXPECT_TRUE(r.checks[2].passed) << r.checks[2].actual;
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("never triggered: when kernel event policy_decision: send \"x\" "
                              "(cannot be checked on this kernel"),
              std::string::npos)
        << r.notes[0];
    // The same checks on our kernel, which reports faults on ITM, are checkable.
    std::ofstream(f) << "apps:\n  - path: " << (dir / "apps/mpu_flash_end.tbf").string()
                     << "\nbudget: 100ms\nexpect:\n  - event: {kernel: process_fault}\n"
                        "  - event: {kernel: grant_nomem}\n    count: 0\n";
    const ScenarioResult ours = scenario::run_scenario_file(f, run_options());
    EXPECT_EQ(ours.verdict, ScenarioResult::Verdict::Pass) << scenario::format_verdict(ours);
}

// ---- the bootloader ----

// Hail's flash holds upstream's bootloader at 0x0: reset takes its vector table, and it hands
// over to the kernel at 0x10000 the way tock-bootloader's jumper does (VTOR = 0x10000, SP from
// [0x10000], branch to [0x10004]); the kernel then boots as usual.
TEST(UpstreamBoot, BootloaderAtZeroHandsOverToTheKernel) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    Machine m;
    m.load_flash_image(dir / "bootloader.bin", 0);
    m.load_elf(dir / "hail.elf");
    m.load_app(dir / "apps" / "blink.tbf");
    std::string console;
    m.events().subscribe([&](const Event& e) {
        if (const auto* tx = std::get_if<UartTxEvent>(&e.payload); tx && tx->usart == 0)
            console += static_cast<char>(tx->byte);
    });
    m.reset();
    const std::uint32_t boot_reset = word_at(m, 0x4);
    EXPECT_LT(boot_reset, 0x10000u);
    EXPECT_EQ(m.reg(CoreReg::PC), boot_reset & ~1u);
    EXPECT_EQ(m.reg(CoreReg::MSP), word_at(m, 0x0));

    const std::uint32_t kernel_reset = word_at(m, 0x10004) & ~1u;
    m.add_breakpoint(kernel_reset);
    const RunResult at_kernel = m.run_until(picos_from_ms(100));
    ASSERT_EQ(at_kernel.reason, StopReason::Breakpoint) << at_kernel.message;
    EXPECT_EQ(m.reg(CoreReg::PC), kernel_reset);
    EXPECT_EQ(word_at(m, 0xE000ED08), 0x10000u);  // VTOR
    EXPECT_EQ(m.reg(CoreReg::MSP), word_at(m, 0x10000));
    EXPECT_GT(m.instructions(), 1000u);  // the bootloader's own start-up ran first
    EXPECT_TRUE(console.empty()) << console;

    m.remove_breakpoint(kernel_reset);
    const RunResult end = m.run_until(picos_from_ms(60));
    EXPECT_EQ(end.reason, StopReason::TimeLimit) << end.message;
    EXPECT_NE(console.find("Initialization complete. Entering main loop."), std::string::npos)
        << console;
}

// ---- explain mode ----

// Explain mode knows nothing of our kernel's internals: on upstream's kernel it names the app,
// the MPU regions, the refused access at 0x34000, the restarts and the stack high-water marks.
TEST(UpstreamExplain, NarratesAFaultOfAnUpstreamApp) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    std::string log;
    std::unique_ptr<explain::ExplainSession> session;
    scenario::RunOptions o = run_options();
    o.attach = [&](Machine& m) {
        session = std::make_unique<explain::ExplainSession>(
            m, [&log](std::string_view line) { log += line; });
    };
    o.finished = [&](Machine&) { session->take_final_readings(); };
    const ScenarioResult r = scenario::run_scenario_file(kScenarios / "mpu_flash_end.yaml", o);
    ASSERT_TRUE(session);
    session->finish(r.virtual_time);
    session->forget_machine();
    EXPECT_EQ(r.verdict, ScenarioResult::Verdict::Pass) << scenario::format_verdict(r) << r.error;
    for (const char* text :
         {"mpu_flash_end found in app flash: TBF 0x00030000-0x00033fff (16 KiB)",
          "first switch to mpu_flash_end; MPU regions now in force",
          "= its own flash (code, read-only data)",
          "FAULT in mpu_flash_end (memmanage): `ldrb r2, [r4]` at 0x00030100 tried to read 1 "
          "bytes at 0x00034000",
          "CFSR=0x00000082 (DACCVIOL MMARVALID)", "mpu_flash_end restarted (restart #5)",
          // The watermarks: upstream's panic recursion (docs/0011) ran off its kernel stack.
          "kernel stack 0x20000000-0x20001000: deepest use 4168 of 4096 bytes: OVERFLOWED, down "
          "to 0x1fffffb8, 72 bytes below its bottom",
          "mpu_flash_end: stack deepest use 392 of 992 bytes; heap high-water 1468 bytes"})
        EXPECT_NE(log.find(text), std::string::npos) << text << "\n" << log;
    EXPECT_EQ(log.find("restart #6"), std::string::npos);
}

// ---- gdb ----

// gdb-multiarch on the upstream kernel's ELF: the kernel is thread 1 and each Tock process a
// thread named after its package, with its own registers (pc in its flash).
TEST(UpstreamGdb, ProcessesAreThreadsOnTheUpstreamKernel) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    if (!gdbtest::have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    gdbtest::TempDir tmp;
    gdbtest::Child emu(
        {gdbtest::tockemu_exe().string(), "boot", "--kernel", (dir / "hail.elf").string(), "--app",
         (dir / "apps/blink.tbf").string(), "--app", (dir / "apps/buttons.tbf").string(), "--time",
         "100ms", "--gdb", "0", "-S"},
        tmp.path() / "out", tmp.path() / "err");
    const int port = gdbtest::wait_for_port(tmp.path() / "err", 20s).value_or(-1);
    ASSERT_GT(port, 0) << gdbtest::slurp(tmp.path() / "err");
    const std::string out = gdbtest::run_gdb(tmp, dir / "hail.elf", port, R"(continue
info threads
thread 3
info registers pc
thread 1
info registers pc
kill
)");
    EXPECT_NE(out.find("SIGXCPU"), std::string::npos) << out;  // the 100 ms limit
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(Thread 1 \(kernel\))"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(Thread 2 \(blink \(yielded\)\))"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(Thread 3 \(buttons \(yielded\)\))"))) << out;
    // Thread 3's pc is in the second app's flash (0x34000.., after blink's 16 KiB); the
    // kernel's is in the kernel's flash.
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(pc +0x3[4-7][0-9a-f]{3} )"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(pc +0x(1|2)[0-9a-f]{4} )"))) << out;
}

// The real gdb on a breakpoint at a process's `svc`: each continue has to step over it first,
// which enters the kernel; the stub names the stepped thread in that stop (gdb 13 aborts with
// "finish_step_over: Assertion ... trap_expected" otherwise), so breaking there again and again
// works, and a stepi over the svc lands on the next instruction of the process.
TEST(UpstreamGdb, BreakpointOnAProcessSvcCanBeContinuedAndStepped) {
    TOCKEMU_REQUIRE_UPSTREAM(dir);
    if (!gdbtest::have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    gdbtest::TempDir tmp;
    gdbtest::Child emu(
        {gdbtest::tockemu_exe().string(), "boot", "--kernel", (dir / "hail.elf").string(), "--app",
         (dir / "apps/adc.tbf").string(), "--time", "100ms", "--gdb", "0", "-S"},
        tmp.path() / "out", tmp.path() / "err");
    const int port = gdbtest::wait_for_port(tmp.path() / "err", 20s).value_or(-1);
    ASSERT_GT(port, 0) << gdbtest::slurp(tmp.path() / "err");
    // 0x315a6: the `svc 0` of libtock-c's yield in this adc.tbf, placed at 0x30000.
    const std::string out = gdbtest::run_gdb(tmp, dir / "hail.elf", port, R"(x/1hx 0x315a6
break *0x315a6
continue
continue
continue
stepi
info threads
kill
)");
    EXPECT_NE(out.find("0x315a6:\t0xdf00"), std::string::npos) << out;
    EXPECT_EQ(out.find("internal-error"), std::string::npos) << out;
    EXPECT_EQ(gdbtest::grep(out, std::regex(R"(Thread 2 hit Breakpoint 1, 0x000315a6)")).size(), 3u)
        << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(\* 2 +Thread 2 \(adc [^)]*\)\) 0x000315a8)")))
        << out;
}

}  // namespace
}  // namespace tockemu::upstream_test
