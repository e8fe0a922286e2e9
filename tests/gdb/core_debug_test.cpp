// Debugger stops at the core level (Machine API, gdb_target firmware): a breakpoint is hit again
// after the debugger moves PC or resets, watchpoints stop at the accessing instruction with the
// access not done and resuming goes past it, and none of it changes the instruction count the
// program ends with (docs/0008-gdb.md, "Debugging does not change the run").
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "emu/machine/machine.hpp"
#include "tests/gdb/gdb_harness.hpp"

namespace tockemu {
namespace {

constexpr Picos kLimit = kPicosPerSecond;

struct Target {
    Machine m;
    Target() {
        m.load_elf(gdbtest::firmware("tests/firmware/gdb_target.elf"));
        m.set_semihosting_output([](int, std::string_view) {});
        m.reset();
    }
    std::uint32_t sym(const char* name) { return m.symbol(name).value_or(0) & ~1u; }
    std::uint32_t word(std::uint32_t addr) {
        std::array<std::uint8_t, 4> b{};
        EXPECT_TRUE(m.read_memory(addr, b));
        std::uint32_t v = 0;
        std::memcpy(&v, b.data(), 4);
        return v;
    }
    std::uint16_t halfword_at_pc() {
        std::array<std::uint8_t, 2> b{};
        EXPECT_TRUE(m.read_memory(m.reg(CoreReg::PC), b));
        return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
    }
};

std::uint64_t free_run_instructions() {
    Target t;
    EXPECT_EQ(t.m.run_until(kLimit).reason, StopReason::SemihostingExit);
    return t.m.instructions();
}

TEST(CoreDebug, BreakpointIsHitAgainAfterTheDebuggerMovesPcOrResets) {
    Target t;
    const std::uint32_t bp = t.sym("do_svc");
    t.m.add_breakpoint(bp);
    ASSERT_EQ(t.m.run_until(kLimit).reason, StopReason::Breakpoint);
    ASSERT_EQ(t.m.reg(CoreReg::PC), bp);
    const std::uint64_t first = t.m.instructions();
    // gdb `jump main`: the breakpoint must not be skipped on the way back to it.
    t.m.set_reg(CoreReg::PC, t.sym("main"));
    ASSERT_EQ(t.m.run_until(kLimit).reason, StopReason::Breakpoint);
    EXPECT_EQ(t.m.reg(CoreReg::PC), bp);
    EXPECT_GT(t.m.instructions(), first);
    // `monitor reset`: the same.
    t.m.reset();
    ASSERT_EQ(t.m.run_until(kLimit).reason, StopReason::Breakpoint);
    EXPECT_EQ(t.m.reg(CoreReg::PC), bp);
}

TEST(CoreDebug, WriteWatchpointStopsBeforeTheStoreAndResumesPastIt) {
    const std::uint64_t undebugged = free_run_instructions();
    Target t;
    const std::uint32_t var = t.sym("watched");
    t.m.add_watchpoint(var, 4, Machine::WatchKind::Write);
    // The start-up code clears .bss with a post-indexed store (str.w r1, [r3], #4): stopped
    // before it, the store and the base increment are both undone.
    RunResult r = t.m.run_until(kLimit);
    ASSERT_EQ(r.reason, StopReason::Watchpoint);
    EXPECT_EQ(t.halfword_at_pc(), 0xF843) << std::hex << t.m.reg(CoreReg::PC);
    EXPECT_EQ(t.m.reg(CoreReg::R3), var);
    r = t.m.run_until(kLimit);
    ASSERT_EQ(r.reason, StopReason::Watchpoint);
    EXPECT_EQ(r.watch_address, var);
    // PC at the store (str rN, [rM, #imm5]: 0110 0...), which has not happened yet.
    EXPECT_EQ(t.halfword_at_pc() & 0xF800, 0x6000) << std::hex << t.m.reg(CoreReg::PC);
    EXPECT_EQ(t.word(var), 0u);
    const std::uint32_t store_pc = t.m.reg(CoreReg::PC);
    // Resuming performs it (no second stop at the same access) and stops at the next store.
    r = t.m.run_until(kLimit);
    ASSERT_EQ(r.reason, StopReason::Watchpoint);
    EXPECT_GT(t.m.reg(CoreReg::PC), store_pc);
    const std::uint32_t first_value = t.word(var);
    EXPECT_NE(first_value, 0u);
    ASSERT_EQ(t.m.step().reason, StopReason::Step);  // gdb steps over it: now it is done
    EXPECT_EQ(t.word(var), first_value + 1);         // r + svc_count, one SVC taken
    t.m.remove_watchpoint(var, 4, Machine::WatchKind::Write);
    EXPECT_EQ(t.m.run_until(kLimit).reason, StopReason::SemihostingExit);
    EXPECT_EQ(t.m.instructions(), undebugged);
}

TEST(CoreDebug, ReadWatchpointStopsBeforeTheLoad) {
    const std::uint64_t undebugged = free_run_instructions();
    Target t;
    const std::uint32_t var = t.sym("watched");
    t.m.add_watchpoint(var, 4, Machine::WatchKind::Read);
    const RunResult r = t.m.run_until(kLimit);
    ASSERT_EQ(r.reason, StopReason::Watchpoint);
    EXPECT_EQ(r.watch_address, var);
    // ldr r1, [r3, #4] (0110 1...) loading the argument of sh_kv; r1 not loaded yet.
    EXPECT_EQ(t.halfword_at_pc() & 0xF800, 0x6800) << std::hex << t.m.reg(CoreReg::PC);
    EXPECT_NE(t.m.reg(CoreReg::R1), t.word(var));
    const std::uint32_t load_pc = t.m.reg(CoreReg::PC);
    const RunResult r2 = t.m.run_until(kLimit);
    EXPECT_EQ(r2.reason, StopReason::SemihostingExit)
        << std::hex << load_pc << " then " << t.m.reg(CoreReg::PC) << " " << r2.watch_address;
    EXPECT_EQ(t.m.instructions(), undebugged);
}

}  // namespace
}  // namespace tockemu
