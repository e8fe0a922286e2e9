// The expectation engine over constructed run records: each kind passes on the right record,
// fails on the wrong one, and the failure says what happened.
#include <gtest/gtest.h>

#include "emu/scenario/record.hpp"

using namespace tockemu;
using namespace tockemu::scenario;

namespace {

tock::Process proc(int index, const std::string& name) {
    tock::Process p;
    p.index = index;
    p.image.name = name;
    p.image.flash_start = 0x30000 + 0x2000 * static_cast<std::uint32_t>(index);
    p.image.total_size = 0x2000;
    return p;
}

class ExpectTest : public ::testing::Test {
  protected:
    void SetUp() override {
        rec.processes = {proc(0, "hello"), proc(1, "greedy")};
        print(picos_from_ms(10), "Initialization complete.\r\n");
        print(picos_from_ms(20), "Hello World!\r\n");
        print(picos_from_ms(30), "tock$ ");
    }
    void print(Picos t, const std::string& s) {
        for (char c : s) rec.console.on_byte(t, static_cast<std::uint8_t>(c));
    }
    // Evaluates one expectation written in YAML against `rec`.
    ExpectationResult check(const std::string& yaml) {
        scenario = parse_scenario_text("budget: 1s\nexpect:\n  - " + yaml + "\n", "t.yaml");
        auto results = evaluate(scenario, rec);
        EXPECT_EQ(results.size(), 1u);
        return results.at(0);
    }
    void add(Picos t, tock::TockPayload p) { rec.events.push_back({t, 0, std::move(p)}); }

    RunRecord rec;
    Scenario scenario;
};

}  // namespace

TEST_F(ExpectTest, ConsoleContainsHonoursTheDeadline) {
    EXPECT_TRUE(check("console_contains: Hello World!").passed);
    EXPECT_TRUE(check("console_contains: Hello\n    before: 21ms").passed);
    const auto late = check("console_contains: Hello\n    before: 15ms");
    EXPECT_FALSE(late.passed);
    EXPECT_NE(late.actual.find("\"Hello\" was printed at 20.000 ms, not before 15.000 ms"),
              std::string::npos)
        << late.actual;
    const auto missing = check("console_contains: Goodbye");
    EXPECT_FALSE(missing.passed);
    EXPECT_NE(missing.actual.find("was never printed"), std::string::npos);
    EXPECT_NE(missing.actual.find("| Hello World!"), std::string::npos);
}

TEST_F(ExpectTest, ConsoleNotContainsMatchesAndSequence) {
    EXPECT_TRUE(check("console_not_contains: panicked").passed);
    EXPECT_FALSE(check("console_not_contains: World").passed);
    EXPECT_TRUE(check("console_matches: \"^Hello W.rld!$\"").passed);
    EXPECT_FALSE(check("console_matches: \"^World\"").passed);
    EXPECT_TRUE(check("console_sequence: [Initialization, Hello, tock$]").passed);
    const auto r = check("console_sequence: [Hello, Initialization]");
    EXPECT_FALSE(r.passed);
    EXPECT_NE(r.actual.find("item 2 \"Initialization\" was printed, but not after item 1"),
              std::string::npos)
        << r.actual;
}

TEST_F(ExpectTest, ConsoleEqualsShowsTheFirstDifferentLine) {
    EXPECT_TRUE(
        check("console_equals: \"Initialization complete.\\nHello World!\\ntock$ \"").passed);
    const auto r = check("console_equals: \"Initialization complete.\\nHello Tock!\\ntock$ \"");
    EXPECT_FALSE(r.passed);
    EXPECT_NE(r.actual.find("line 2"), std::string::npos);
    EXPECT_NE(r.actual.find("\"Hello World!\""), std::string::npos);
}

TEST_F(ExpectTest, ProcessStateAndRestarts) {
    rec.processes[1].state = tock::ProcessState::Faulted;
    rec.processes[1].starts = 4;
    EXPECT_TRUE(check("process: greedy\n    state: faulted\n    restarts: 3").passed);
    const auto r = check("process: greedy\n    state: running");
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, "state faulted, restarted 3 times, 0 faults");
    EXPECT_NE(check("process: nobody\n    state: running").actual.find("found: hello, greedy"),
              std::string::npos);
}

TEST_F(ExpectTest, FaultCountAndCause) {
    FaultEvent f{FaultClass::HardFault, 0x32010, 0x20000000, true, 0x82, 0x40000000, true, "x"};
    add(picos_from_ms(40), tock::ProcessFaulted{1, f, "memmanage"});
    add(picos_from_ms(50), tock::ProcessFaulted{1, f, "memmanage"});
    EXPECT_TRUE(check("fault: {process: greedy, cause: memmanage}\n    count: 2").passed);
    EXPECT_TRUE(check("fault: {process: greedy, cause: hardfault}\n    count: 2").passed)
        << "the escalated class matches too";
    EXPECT_FALSE(check("fault: {process: greedy, cause: busfault}").passed);
    const auto none = check("fault: hello\n    count: 0");
    EXPECT_TRUE(none.passed);
    const auto r = check("fault: {process: greedy}\n    before: 45ms\n    count: 2");
    EXPECT_FALSE(r.passed);
    EXPECT_NE(r.actual.find("happened 1 times (at 40.000 ms); 2 times in the whole run"),
              std::string::npos)
        << r.actual;
}

TEST_F(ExpectTest, SyscallErrorAtLeastOnceAndWhatItReturnedOtherwise) {
    const auto call = tock::decode_syscall(3, {1, 1, 0x20008000, 64});
    add(picos_from_ms(5), tock::SyscallMade{1, 0x32100, call});
    add(picos_from_ms(5), tock::SyscallReturned{1, call, {{130, 0, 0, 0}}});
    const std::string want =
        "syscall: {process: greedy, class: rw_allow, driver: console, returned: NOMEM}";
    const auto r = check(want);
    EXPECT_FALSE(r.passed);
    EXPECT_NE(r.actual.find("matching calls returned: success_2u32(0x0, 0x0, 0x0) x1"),
              std::string::npos)
        << r.actual;
    add(picos_from_ms(6), tock::SyscallReturned{1, call, {{2, 9, 0x20008000, 64}}});
    EXPECT_TRUE(check(want).passed);
    EXPECT_TRUE(check("syscall: {process: greedy, class: rw_allow}\n    count: 1").passed);
    EXPECT_FALSE(check("syscall: {process: hello}").passed);
}

TEST_F(ExpectTest, KernelPanic) {
    EXPECT_TRUE(check("kernel_panic: false").passed);
    rec.panic_time = picos_from_ms(70);
    rec.panic_reason = "panicked at 'Process greedy had a fault'";
    const auto r = check("kernel_panic: false");
    EXPECT_FALSE(r.passed);
    EXPECT_NE(r.actual.find("70.000 ms"), std::string::npos);
    EXPECT_TRUE(check("kernel_panic: true").passed);
}

TEST_F(ExpectTest, LedTogglesAndPeriodFromGpioEdges) {
    // Red LED (PA13, active low): off at boot, then on every 500 ms for 250 ms.
    rec.gpio.push_back({picos_from_ms(1), 0, 13, true});
    for (int i = 0; i < 4; ++i) {
        rec.gpio.push_back(
            {picos_from_ms(100 + 500 * static_cast<std::uint64_t>(i)), 0, 13, false});
        rec.gpio.push_back({picos_from_ms(350 + 500 * static_cast<std::uint64_t>(i)), 0, 13, true});
    }
    EXPECT_TRUE(check("led: red\n    toggles: 8\n    period: 500ms").passed);
    const auto r = check("led: red\n    period: 400ms\n    tolerance: 5%");
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, "8 toggles, median period 500.000 ms");
    EXPECT_FALSE(check("led: green\n    toggles: {min: 1}").passed);
}

TEST_F(ExpectTest, EventsBeforeATime) {
    add(picos_from_ms(80), tock::ProcessStarted{1, 1, 0x20008000, 0x2000, 0x20008020});
    EXPECT_TRUE(check("event: {restart: greedy}\n    before: 100ms").passed);
    EXPECT_FALSE(check("event: {restart: greedy}\n    before: 50ms").passed);
    EXPECT_TRUE(check("event: {console: \"tock\\\\$\"}\n    before: 31ms").passed);
    EXPECT_FALSE(check("event: {restart: hello}").passed);
}

TEST_F(ExpectTest, KernelMessagesFromItm) {
    add(picos_from_ms(90), tock::KernelMessage{0, tock::kKmGrantNoMem, {1, 1, 72, 16}});
    EXPECT_TRUE(check("event: {kernel: grant_nomem}\n    count: 1").passed);
    EXPECT_FALSE(check("event: {kernel: grant_alloc}").passed);
}

TEST_F(ExpectTest, KernelEventsOnAKernelThatSendsNoneCannotBeChecked) {
    // No ITM message at all in the run (upstream Tock): even "count: 0" is not a pass.
    for (const char* yaml :
         {"event: {kernel: process_fault}", "event: {kernel: grant_nomem}\n    count: 0"}) {
        const ExpectationResult r = check(yaml);
        EXPECT_FALSE(r.passed) << yaml;
        EXPECT_EQ(r.actual.rfind("cannot be checked on this kernel: it sent no structured kernel "
                                 "events (ITM port 0)",
                                 0),
                  0u)
            << r.actual;
    }
    // Other ITM ports are not kernel events.
    add(picos_from_ms(5), tock::KernelMessage{1, 0, {7}});
    EXPECT_FALSE(check("event: {kernel: grant_nomem}\n    count: 0").passed);
}

TEST_F(ExpectTest, StackAndHeapHighWaterMarks) {
    // Unknown until the run says: no kernel stack symbols, no crt0 hints.
    EXPECT_EQ(check("kernel_stack_max_bytes: 4096").actual,
              "unknown: the kernel ELF has no _sstack/_estack symbols");
    EXPECT_EQ(check("process: greedy\n    stack_max_bytes: 100").actual,
              "state not_started, restarted 0 times, 0 faults, stack unknown (no libtock-c crt0 "
              "hint: memop 10)");
    rec.kernel_stack = tock::StackMark{0x20000000, 0x20001000, 0x20000c00};  // 1 KiB deep
    EXPECT_TRUE(check("kernel_stack_max_bytes: 1024").passed);
    const ExpectationResult low = check("kernel_stack_max_bytes: <1024");
    EXPECT_FALSE(low.passed);
    EXPECT_EQ(low.expected, "kernel stack high-water mark at most 1023 bytes");
    EXPECT_EQ(low.actual, "1024 of 4096 bytes");
    rec.kernel_stack->lowest = 0x1ffffff0;
    EXPECT_EQ(check("kernel_stack_max_bytes: 4096").actual,
              "4112 of 4096 bytes: OVERFLOWED, down to 0x1ffffff0, 16 bytes below its bottom");
    tock::ProcessMarks m;
    m.stack = tock::StackMark{0x20008020, 0x20008800, 0x20008700};
    m.heap_start = 0x20008900;
    m.max_break = 0x20008a00;
    rec.marks[1] = m;
    EXPECT_TRUE(check("process: greedy\n    stack_max_bytes: 256\n    heap_max_bytes: 256").passed);
    EXPECT_EQ(check("process: greedy\n    stack_max_bytes: 255\n    heap_max_bytes: 255").actual,
              "state not_started, restarted 0 times, 0 faults, stack high-water 256 bytes, heap "
              "high-water 256 bytes");
}

TEST_F(ExpectTest, TraceHashAndActionErrors) {
    rec.trace_hash = "fnv1a64:00000000000000ff";
    EXPECT_TRUE(check("trace_hash: fnv1a64:00000000000000ff").passed);
    EXPECT_FALSE(check("trace_hash: fnv1a64:00000000000000fe").passed);
    rec.action_errors.push_back("t.yaml:4:5: corrupt: the process has not started yet");
    scenario = parse_scenario_text("budget: 1s\n", "t.yaml");
    const auto results = evaluate(scenario, rec);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_FALSE(results[0].passed);
}
