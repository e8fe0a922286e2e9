// The real gdb-multiarch, in batch mode, against `tockemu boot --gdb`: the core-only gdb_target
// firmware is debugged with one script on tockemu and on qemu-system-arm -M mps2-an386 and what
// gdb prints (registers, memory, stops, backtraces) must match; our Hail kernel with apps is
// debugged with process threads, an svc stepped into, a watchpoint and monitor commands.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/gdb/gdb_harness.hpp"

namespace tockemu::gdbtest {
namespace {

using namespace std::chrono_literals;

// Started with -S, so gdb sees the machine before its first instruction.
struct TockemuUnderGdb {
    TempDir dir;
    std::unique_ptr<Child> child;
    int port = -1;

    explicit TockemuUnderGdb(std::vector<std::string> args) {
        std::vector<std::string> argv{tockemu_exe().string(), "boot", "--gdb", "0", "-S"};
        argv.insert(argv.end(), args.begin(), args.end());
        child = std::make_unique<Child>(argv, dir.path() / "out", dir.path() / "err");
        port = wait_for_port(dir.path() / "err", 20s).value_or(-1);
    }
    std::string stdout_text() const { return slurp(dir.path() / "out"); }
    std::string stderr_text() const { return slurp(dir.path() / "err"); }
};

// Break in a call chain, backtrace, registers, memory, finish, and stepi through the SVCall
// exception entry, the handler and the exception return.
const char* kCoreScript = R"(break compute
continue
bt
info registers r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc xpsr
x/8xw &table
x/4xw $sp
finish
break do_svc
continue
stepi
info registers pc lr xpsr
stepi
stepi
stepi
stepi
stepi
info registers pc sp xpsr
print svc_count
delete
detach
)";

// A write watchpoint on a variable stored twice.
const char* kWatchScript = R"(break do_svc
continue
watch watched
continue
print/x watched
info registers pc
continue
print/x watched
info registers pc
delete
detach
)";

// What must be equal between the two runs: everything gdb printed about the target's state.
std::vector<std::string> state_lines(const std::string& gdb_output) {
    static const std::regex re(
        R"(^(r[0-9]+|sp|lr|pc|xpsr) +0x|^0x[0-9a-f]+( <[^>]+>)?:\t|^#[0-9]+ |^\$[0-9]+ = |)"
        R"(^Value returned|^(Old|New) value = |^Breakpoint [0-9]+, |^(Hardware )?[a-z]*watchpoint|)"
        R"(_handler \(\)|^0x[0-9a-f]+\t[0-9]+\t)");
    return grep(gdb_output, re);
}

// Runs `script` on tockemu (must exit 0 after detach) and returns what gdb printed.
std::string run_on_tockemu(const std::string& script) {
    const fs::path elf = firmware("tests/firmware/gdb_target.elf");
    TockemuUnderGdb emu({"--kernel", elf.string(), "--time", "5s"});
    EXPECT_GT(emu.port, 0) << emu.stderr_text();
    if (emu.port <= 0) return {};
    const std::string out = run_gdb(emu.dir, elf, emu.port, script);
    EXPECT_EQ(emu.child->wait(10s), 0) << "the guest runs to its semihosting exit after detach\n"
                                       << emu.stderr_text();
    EXPECT_NE(emu.stdout_text().find("result=0xbd8e4129"), std::string::npos) << emu.stdout_text();
    return out;
}

std::string run_on_qemu(const std::string& script) {
    const fs::path elf = firmware("tests/firmware/gdb_target.elf");
    TempDir dir;
    const int port = free_port();
    Child qemu({"qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial",
                "none", "-semihosting-config", "enable=on,target=native", "-kernel", elf.string(),
                "-gdb", "tcp:127.0.0.1:" + std::to_string(port), "-S"},
               dir.path() / "out", dir.path() / "err");
    std::this_thread::sleep_for(200ms);  // QEMU cannot say when it listens; gdb also retries
    const std::string out = run_gdb(dir, elf, port, script);
    qemu.wait(10s);
    return out;
}

void expect_same_as_qemu(const std::string& script, const std::string& ours) {
    if (!have("qemu-system-arm")) GTEST_SKIP() << "qemu-system-arm not installed";
    const std::string theirs = run_on_qemu(script);
    const std::vector<std::string> reference = state_lines(theirs);
    ASSERT_GT(reference.size(), 5u) << theirs;
    EXPECT_EQ(state_lines(ours), reference) << "--- tockemu ---\n"
                                            << ours << "--- qemu ---\n"
                                            << theirs;
}

TEST(GdbSession, CoreFirmwareMatchesQemuUnderTheSameScript) {
    if (!have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    const std::string ours = run_on_tockemu(kCoreScript);
    // Checks that do not need QEMU: the breakpoint's argument, the backtrace, the value
    // returned, the svc entered with EXC_RETURN in lr, the return to thread mode.
    for (const char* expected :
         {"Breakpoint 1, compute (seed=seed@entry=4660)", "#1  0x000001c6 in main ()",
          "Value returned is $1 = 3180216616", "svc_handler () at", "lr             0xfffffff9",
          "pc             0x1ba", "$2 = 1", "detached"})
        EXPECT_NE(ours.find(expected), std::string::npos) << expected << " in\n" << ours;
    expect_same_as_qemu(kCoreScript, ours);
}

// Needs precise watchpoint stops from the core (docs/0008-gdb.md, "Known gaps"): today the
// stop can land after the rest of the translation block ran, so gdb misses the first write.
TEST(GdbSession, WatchpointStopsWhereQemuStops) {
    if (!have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    const std::string ours = run_on_tockemu(kWatchScript);
    for (const char* expected : {"watchpoint 2: watched", "New value = 3180216616",
                                 "$1 = 0xbd8e4128", "New value = 3180216617", "$2 = 0xbd8e4129"})
        EXPECT_NE(ours.find(expected), std::string::npos) << expected << " in\n" << ours;
    expect_same_as_qemu(kWatchScript, ours);
}

TEST(GdbSession, KernelWithProcessesAsThreads) {
    if (!have("gdb-multiarch")) GTEST_SKIP() << "gdb-multiarch not installed";
    const fs::path kernel = firmware("kernel/hail_kernel.elf");
    TockemuUnderGdb emu({"--kernel", kernel.string(), "--app", firmware("apps/blink.tbf").string(),
                         "--app", firmware("apps/hello.tbf").string(), "--time", "3s"});
    ASSERT_GT(emu.port, 0) << emu.stderr_text();
    const std::string out = run_gdb(emu.dir, kernel, emu.port, R"(break switch_to_user
continue
bt
info registers
x/4xw $sp
stepi 3
x/i $pc
stepi
info symbol $pc
info registers control
delete
watch cortexm_syscall_fired
continue
info symbol $pc
info threads
thread 2
info registers pc sp
thread 1
monitor processes
monitor time
monitor mpu
delete
detach
)");
    // Breakpoint in a kernel function, with a backtrace into the kernel loop.
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(Breakpoint 1(\.1)?, switch_to_user \(\))")))
        << out;
    EXPECT_NE(out.find("in cortexm::switch_to_process"), std::string::npos) << out;
    EXPECT_NE(out.find("#1  0x"), std::string::npos) << out;
    EXPECT_NE(out.find("faultmask"), std::string::npos) << out;  // info registers: system regs
    // stepi lands on the svc, and stepping it enters the SVCall handler.
    EXPECT_NE(out.find("svc\t255"), std::string::npos) << out;
    EXPECT_NE(out.find("svc_handler in section .text"), std::string::npos) << out;
    // The watch stops on the store in the SVC handler after a process's system call.
    EXPECT_NE(out.find("watchpoint 2: cortexm_syscall_fired"), std::string::npos) << out;
    EXPECT_NE(out.find("New value = 1"), std::string::npos) << out;
    // Processes are threads with names and states; a switched-out one has its saved context.
    EXPECT_NE(out.find("Thread 1 (kernel)"), std::string::npos) << out;
    const std::regex proc_thread(R"(Thread [2-9] \((blink|hello) \((running|yielded)\)\))");
    EXPECT_TRUE(std::regex_search(out, proc_thread)) << out;
    const std::regex app_pc(R"(pc +0x[34567][0-9a-f]{4} )");  // inside app flash 0x30000-0x7ffff
    EXPECT_TRUE(std::regex_search(out, app_pc)) << out;
    // monitor commands.
    EXPECT_NE(out.find("restarts"), std::string::npos) << out;
    EXPECT_NE(out.find("virtual time: "), std::string::npos) << out;
    EXPECT_NE(out.find("detached"), std::string::npos) << out;
    // After detach the kernel runs on: the apps' output reaches the console.
    EXPECT_EQ(emu.child->wait(30s), 0) << emu.stderr_text();
    EXPECT_NE(emu.stdout_text().find("Hello"), std::string::npos) << emu.stdout_text();
}

}  // namespace
}  // namespace tockemu::gdbtest
