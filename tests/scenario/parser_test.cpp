// Scenario files: the format is accepted as documented, and every mistake is reported with
// file:line:column and what was expected.
#include <gtest/gtest.h>

#include "emu/scenario/scenario.hpp"

using namespace tockemu;
using namespace tockemu::scenario;

namespace {

// Parses `text` and returns the error message, or "" when it parsed.
std::string error_of(const std::string& text) {
    try {
        parse_scenario_text(text, "s.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

constexpr const char* kFull = R"(# a complete scenario
name: full
description: every part of the format
board: hail
apps:
  - hello
  - name: greedy
    ram: 2048
  - name: off
    enabled: false
fault_policy: {policy: threshold_restart, threshold: 3}
budget: 2s
seed: 7
timeline:
  - at: 100ms
    send: "help\n"
  - when: {console: "tock\\$ "}
    after: 1ms
    stop: hello
  - when: {syscall: {process: greedy, driver: console, command: 1}}
    occurrence: 2
    inject_fault: {process: greedy, kind: usage}
  - at: 500ms
    press: button
    hold: 20ms
  - at: 600ms
    corrupt: {process: hello, offset: 0x100, value: 0xdeadbeef}
  - when: {fault: greedy}
    end: true
expect:
  - console_contains: ["Hello", "World"]
    before: 1s
  - console_sequence: [a, b]
  - process: greedy
    state: faulted
    restarts: {min: 3}
  - fault: {process: greedy, cause: memmanage}
    count: 4
  - syscall: {process: greedy, class: rw_allow, driver: 1, number: 1, returned: NOMEM}
  - kernel_panic: false
  - led: red
    toggles: {min: 4, max: 6}
    period: 500ms
    tolerance: 5%
  - event: {restart: greedy}
    before: 300ms
  - trace_hash: "fnv1a64:0123456789abcdef"
)";

}  // namespace

TEST(ScenarioParser, ReadsEveryPartOfTheFormat) {
    const Scenario s = parse_scenario_text(kFull, "dir/full.yaml");
    EXPECT_EQ(s.name, "full");
    EXPECT_EQ(s.budget, picos_from_ms(2000));
    EXPECT_EQ(s.seed, 7u);
    ASSERT_EQ(s.apps.size(), 3u);
    EXPECT_EQ(s.apps[1].ram, 2048u);
    EXPECT_FALSE(s.apps[2].enabled);
    ASSERT_TRUE(s.fault_policy);
    EXPECT_EQ(s.fault_policy->policy, "threshold_restart");
    EXPECT_EQ(s.fault_policy->threshold, 3u);

    ASSERT_EQ(s.timeline.size(), 6u);
    EXPECT_EQ(s.timeline[0].kind, Action::Kind::Send);
    EXPECT_EQ(s.timeline[0].text, "help\n");
    EXPECT_EQ(s.timeline[0].at, picos_from_ms(100));
    EXPECT_EQ(s.timeline[1].when->kind, EventSpec::Kind::Console);
    EXPECT_EQ(s.timeline[1].when->pattern, "tock\\$ ");
    EXPECT_EQ(s.timeline[1].delay, picos_from_ms(1));
    EXPECT_EQ(s.timeline[2].occurrence, 2u);
    EXPECT_EQ(s.timeline[2].when->driver, 1u);
    EXPECT_EQ(s.timeline[2].when->cls, tock::SyscallClass::Command);
    EXPECT_EQ(s.timeline[2].fault, FaultKind::Usage);
    EXPECT_EQ(s.timeline[3].hold, picos_from_ms(20));
    EXPECT_EQ(s.timeline[4].offset, 0x100u);
    EXPECT_EQ(s.timeline[4].value, 0xdeadbeefu);
    EXPECT_EQ(s.timeline[5].kind, Action::Kind::End);
    EXPECT_EQ(s.timeline[1].describe(),
              "when console line matching /tock\\$ / + 1.000 ms: stop hello");

    ASSERT_EQ(s.expect.size(), 9u);
    EXPECT_EQ(s.expect[0].texts.size(), 2u);
    EXPECT_EQ(s.expect[0].before, picos_from_ms(1000));
    EXPECT_EQ(s.expect[2].state, tock::ProcessState::Faulted);
    EXPECT_EQ(s.expect[2].restarts->min, 3u);
    EXPECT_FALSE(s.expect[2].restarts->max);
    EXPECT_EQ(s.expect[3].count.str(), "exactly 4");
    EXPECT_EQ(s.expect[4].event.error, 9u);
    EXPECT_DOUBLE_EQ(s.expect[6].tolerance, 0.05);
    EXPECT_EQ(s.expect[7].where.str(), "dir/full.yaml:45:5");
}

TEST(ScenarioParser, NameDefaultsToTheFileStemAndKernelIsRelativeToTheFile) {
    const Scenario s = parse_scenario_text("budget: 1ms\nkernel: k/other.elf\n", "a/b/mine.yaml");
    EXPECT_EQ(s.name, "mine");
    EXPECT_EQ(s.kernel->string(), "a/b/k/other.elf");
}

TEST(ScenarioParser, PathsTakeEnvironmentVariablesWithFallbacks) {
    ::setenv("TOCKEMU_PARSER_TEST_DIR", "/opt/up", 1);
    ::unsetenv("TOCKEMU_PARSER_TEST_UNSET");
    const Scenario s = parse_scenario_text(
        "budget: 1ms\nkernel: ${TOCKEMU_PARSER_TEST_DIR}/hail.elf\napps:\n"
        "  - path: ${TOCKEMU_PARSER_TEST_UNSET:-../up}/apps/blink.tbf\n",
        "a/b/mine.yaml");
    EXPECT_EQ(s.kernel->string(), "/opt/up/hail.elf");  // absolute after expansion: kept
    EXPECT_EQ(s.kernel_text, "${TOCKEMU_PARSER_TEST_DIR}/hail.elf");
    EXPECT_EQ(s.kernel_where.str(), "a/b/mine.yaml:2:9");
    ASSERT_EQ(s.apps.size(), 1u);
    EXPECT_EQ(s.apps[0].path->string(), "a/b/../up/apps/blink.tbf");  // fallback, file-relative
    EXPECT_EQ(s.apps[0].name, "blink");
    ::setenv("TOCKEMU_PARSER_TEST_UNSET", "", 1);  // empty counts as unset
    EXPECT_EQ(error_of("budget: 1s\nkernel: ${TOCKEMU_PARSER_TEST_UNSET}/k.elf\n"),
              "s.yaml:2:9: kernel: environment variable TOCKEMU_PARSER_TEST_UNSET is not set "
              "(used in '${TOCKEMU_PARSER_TEST_UNSET}/k.elf'; write "
              "${TOCKEMU_PARSER_TEST_UNSET:-FALLBACK} for a default)");
    EXPECT_EQ(error_of("budget: 1s\nkernel: ${A B}/k.elf\n"),
              "s.yaml:2:9: kernel: 'A B' is not an environment variable name (letters, digits, "
              "_) in '${A B}/k.elf'");
    EXPECT_EQ(error_of("budget: 1s\napps:\n  - path: ${HOME/x.tbf\n"),
              "s.yaml:3:11: path: '${' without a closing '}' in '${HOME/x.tbf'");
}

TEST(ScenarioParser, HighWaterBoundsTakeAtMostLessThanOrARange) {
    const Scenario s = parse_scenario_text(
        "budget: 1ms\nexpect:\n  - kernel_stack_max_bytes: 2048\n"
        "  - kernel_stack_max_bytes: <4096\n  - kernel_stack_max_bytes: {min: 4097}\n"
        "  - process: a\n    stack_max_bytes: <=512\n    heap_max_bytes: 0\n",
        "s.yaml");
    ASSERT_EQ(s.expect.size(), 4u);
    EXPECT_EQ(s.expect[0].bytes.min, 0u);
    EXPECT_EQ(s.expect[0].bytes.max, 2048u);
    EXPECT_EQ(s.expect[1].bytes.max, 4095u);
    EXPECT_EQ(s.expect[2].bytes.min, 4097u);
    EXPECT_FALSE(s.expect[2].bytes.max);
    EXPECT_EQ(s.expect[0].describe(), "kernel_stack_max_bytes at most 2048 bytes");
    EXPECT_EQ(s.expect[3].stack_bytes->max, 512u);
    EXPECT_EQ(s.expect[3].heap_bytes->max, 0u);
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - kernel_stack_max_bytes: lots\n"),
              "s.yaml:3:29: expected a byte count for kernel_stack_max_bytes: N or <=N (at most "
              "N), <N, or {min: A, max: B}, got 'lots'");
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - kernel_stack_max_bytes: <0\n"),
              "s.yaml:3:29: expected a byte count for kernel_stack_max_bytes: N or <=N (at most "
              "N), <N, or {min: A, max: B}, got '<0'");
}

TEST(ScenarioParser, FaultEventsMayNameTheFaultingAddress) {
    const Scenario s = parse_scenario_text(
        "budget: 1ms\nexpect:\n  - fault: {process: a, cause: memmanage, address: 0x34000}\n",
        "s.yaml");
    ASSERT_EQ(s.expect.size(), 1u);
    EXPECT_EQ(s.expect[0].event.address, 0x34000u);
    EXPECT_EQ(s.expect[0].event.describe(), "fault of a (memmanage) at 0x00034000");
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - fault: {address: near}\n"),
              "s.yaml:3:22: expected a number for fault address (decimal or 0x hex), got 'near'");
}

TEST(ScenarioParser, UnknownKeyIsAnErrorWithItsPosition) {
    EXPECT_EQ(error_of("budget: 1s\nbudgte: 2s\n"),
              "s.yaml:2:1: unknown key 'budgte' in scenario; expected one of: name, description, "
              "board, kernel, apps, fault_policy, budget, seed, timeline, expect");
    EXPECT_EQ(error_of("budget: 1s\ntimeline:\n  - at: 1ms\n    sned: x\n"),
              std::string("s.yaml:4:5: unknown key 'sned' in timeline entry; expected one of: at, "
                          "when, occurrence, after, hold, send, press, release, inject_fault, "
                          "corrupt, stop, start, kill, restart, end, set_sensor"));
}

TEST(ScenarioParser, WrongTypesSayWhatWasExpected) {
    EXPECT_EQ(error_of("budget: 10\n"),
              "s.yaml:1:9: expected a duration for budget such as 250us, 100ms or 2s");
    EXPECT_EQ(error_of("budget: 1s\nseed: many\n"),
              "s.yaml:2:7: expected a number for seed (decimal or 0x hex), got 'many'");
    EXPECT_EQ(error_of("budget: 1s\napps: hello\n"), "s.yaml:2:7: expected a list of apps");
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - kernel_panic: maybe\n"),
              "s.yaml:3:19: expected true or false for kernel_panic");
}

TEST(ScenarioParser, SyntaxErrorsCarryThePosition) {
    const std::string e = error_of("budget: 1s\nexpect: [\n");
    EXPECT_EQ(e.rfind("s.yaml:3:1: YAML syntax error", 0), 0u) << e;
}

TEST(ScenarioParser, BudgetIsRequiredAndActionsMustFitInIt) {
    EXPECT_EQ(error_of("name: x\n"),
              "s.yaml:1:1: missing 'budget': the virtual time the run may take (e.g. budget: 2s)");
    EXPECT_EQ(error_of("budget: 1s\ntimeline:\n  - at: 2s\n    end: true\n"),
              "s.yaml:3:9: this action is at or after the budget (1000.000 ms)");
}

TEST(ScenarioParser, ActionsNeedOneTriggerAndOneAction) {
    EXPECT_EQ(error_of("budget: 1s\ntimeline:\n  - send: x\n"),
              "s.yaml:3:5: a timeline entry needs a trigger: 'at: <time>' or 'when: <event>'");
    EXPECT_NE(error_of("budget: 1s\ntimeline:\n  - at: 1ms\n    send: x\n    end: true\n")
                  .find("does exactly one action"),
              std::string::npos);
    EXPECT_EQ(error_of("budget: 1s\ntimeline:\n  - at: 1ms\n    hold: 1ms\n    send: x\n"),
              "s.yaml:4:11: 'hold' only applies to 'press'");
}

TEST(ScenarioParser, ExpectationModifiersMustApply) {
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - console_equals: x\n    before: 1ms\n"),
              "s.yaml:4:5: 'before' does not apply to console_equals");
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - process: a\n"),
              "s.yaml:3:5: a process expectation needs 'state', 'restarts', 'stack_max_bytes' "
              "and/or 'heap_max_bytes'");
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - process: a\n    state: sleeping\n"),
              "s.yaml:4:12: expected a process state: not_started, running, yielded, faulted, "
              "terminated or stopped");
}

TEST(ScenarioParser, ValuesAreChecked) {
    EXPECT_EQ(error_of("budget: 1s\nexpect:\n  - console_matches: \"([a\"\n")
                  .rfind("s.yaml:3:22: invalid regular expression", 0),
              0u);
    EXPECT_NE(error_of("budget: 1s\nexpect:\n  - syscall: {returned: NOPE}\n")
                  .find("s.yaml:3:25: expected an ErrorCode name"),
              std::string::npos);
    EXPECT_NE(error_of("budget: 1s\nexpect:\n  - syscall: {driver: teapot}\n")
                  .find("s.yaml:3:23: expected a driver number"),
              std::string::npos);
    EXPECT_EQ(error_of("budget: 1s\nfault_policy: reboot\n"),
              "s.yaml:2:15: expected a fault policy: panic, stop, restart, threshold_restart, "
              "threshold_restart_then_panic");
    EXPECT_EQ(error_of("budget: 1s\nfault_policy: threshold_restart\n"),
              "s.yaml:2:15: this policy needs 'threshold' (restarts allowed)");
    EXPECT_EQ(
        error_of(
            "budget: 1s\ntimeline:\n  - at: 1ms\n    corrupt: {address: 0x20000002, value: 1}\n"),
        "s.yaml:4:14: corrupt writes one aligned word: the address/offset must be a multiple of 4");
}

TEST(ScenarioParser, ProcessNamesMustBeAppsOfTheScenario) {
    EXPECT_EQ(error_of("budget: 1s\napps: [hello]\ntimeline:\n  - at: 1ms\n    kill: helo\n"),
              "s.yaml:4:5: no app named 'helo' in this scenario's apps");
}

TEST(ScenarioParser, DuplicateKeysAreRejected) {
    EXPECT_EQ(error_of("budget: 1s\nbudget: 2s\n"),
              "s.yaml:2:1: key 'budget' given twice in scenario");
}

TEST(Durations, ParseUnitsAndRejectBareNumbers) {
    EXPECT_EQ(parse_duration("250us"), picos_from_us(250));
    EXPECT_EQ(parse_duration("1.5ms"), picos_from_us(1500));
    EXPECT_EQ(parse_duration("2s"), picos_from_ms(2000));
    EXPECT_EQ(parse_duration("40ns"), 40'000u);
    EXPECT_FALSE(parse_duration("10"));
    EXPECT_FALSE(parse_duration("ms"));
    EXPECT_FALSE(parse_duration("1.2.3ms"));
    EXPECT_FALSE(parse_duration("-1ms"));
}

// Hostile scenario files (issue 17): each is refused with a clear error naming the file and the
// offending place, promptly and in bounded memory.
namespace {

TEST(ScenarioLimits, BudgetsOfYearsAreRefusedByName) {
    // 10^8 s (three years) overflows 64-bit picoseconds; 10^5 s fits but is over the limit.
    EXPECT_EQ(error_of("budget: 100000000s\n"),
              "s.yaml:1:9: budget '100000000s' is too long: a scenario runs 3600s (one hour) of "
              "virtual time at most");
    EXPECT_EQ(error_of("budget: 100000s\n"),
              "s.yaml:1:9: budget '100000s' is over the limit of 3600s (one hour) of virtual time");
    EXPECT_EQ(error_of("budget: 3600s\n"), "");
    // A number too large for a double (an exception from std::stod before).
    EXPECT_NE(error_of("budget: " + std::string(400, '9') + "s\n").find("is too long"),
              std::string::npos);
    EXPECT_FALSE(parse_duration(std::string(400, '9') + "ms").has_value());
}

TEST(ScenarioLimits, DeepNestingIsRefusedWithItsPosition) {
    const std::string n = std::to_string(100000);
    EXPECT_EQ(error_of("budget: 1s\nexpect: " + std::string(100000, '[') + "\n"),
              "s.yaml:2:73: flow collections nested more than 64 deep");
    EXPECT_EQ(error_of("budget: 1s\nexpect: " + std::string(65, '{') + std::string(65, '}')),
              "s.yaml:2:73: flow collections nested more than 64 deep");
    std::string block = "budget: 1s\nexpect:\n";
    for (int i = 0; i < 200; ++i) block += std::string(2 * i + 2, ' ') + "-\n";
    EXPECT_EQ(error_of(block),
              "s.yaml:131:257: indented more than 256 columns: nesting this "
              "deep is not a scenario");
    // Brackets inside quotes and comments do not count.
    EXPECT_EQ(error_of("budget: 1s # " + std::string(100, '[') + "\ndescription: \"" +
                       std::string(100, '{') + "\"\n"),
              "");
}

TEST(ScenarioLimits, AliasBombIsNotExpanded) {
    // Nine levels of ten aliases: 10^9 leaves if expanded. Aliases share one node, and the
    // reader stops at the first element that is not an expectation.
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 9; ++i) {
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
        bomb += "]\n";
    }
    EXPECT_EQ(error_of(bomb).rfind("s.yaml:1:1: unknown key 'a0' in scenario", 0), 0u);
    const std::string in_expect = "budget: 1s\nx: &l [a, b]\nexpect: [*l, *l, *l]\n";
    EXPECT_EQ(error_of(in_expect).rfind("s.yaml:2:1: unknown key 'x'", 0), 0u);
    const std::string nested = "budget: 1s\nexpect: &e [*e]\n";
    const std::string e = error_of(nested);
    EXPECT_EQ(e.rfind("s.yaml:2:", 0), 0u) << e;
}

TEST(ScenarioLimits, HugeFilesAreRefusedBeforeParsing) {
    const std::string big = "budget: 1s\n#" + std::string(kMaxScenarioBytes, ' ') + "\n";
    EXPECT_EQ(error_of(big), "s.yaml: " + std::to_string(big.size()) +
                                 " bytes: a scenario file may have at most 1048576");
}

}  // namespace
