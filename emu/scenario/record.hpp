#pragma once
// What a run produced, as the expectation engine sees it: the console transcript with byte
// times, the Tock-level events, the GPIO edges, the final process table, panic and trace hash.
// The runner fills it from a real Machine; unit tests fill it by hand.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emu/core/events.hpp"
#include "emu/scenario/scenario.hpp"
#include "emu/tock/stack_watermarks.hpp"
#include "emu/tock/tock_view.hpp"
#include "emu/trace/console.hpp"

namespace tockemu::scenario {

struct GpioEdge {
    Picos time;
    unsigned port, pin;
    bool level;
};

struct RunRecord {
    trace::ConsoleCapture console;
    std::vector<tock::TockEvent> events;
    std::vector<GpioEdge> gpio;            // chip-driven output changes
    std::vector<tock::Process> processes;  // final state
    std::optional<Picos> panic_time;       // when the kernel panicked (if it did)
    std::string panic_reason;
    std::string trace_hash;
    Picos end_time = 0;
    std::vector<std::string> action_errors;       // actions that could not be carried out
    std::optional<tock::StackMark> kernel_stack;  // high-water mark (kernel with _sstack/_estack)
    std::map<int, tock::ProcessMarks> marks;      // per process index: stack / heap high-water

    const tock::Process* process(int index) const;
    const tock::Process* find(std::string_view name) const;
};

// Hail's LEDs (reference/tock-abi.md §9.4): active low on port A.
struct LedPin {
    std::string_view name;
    unsigned port, pin;
};
inline constexpr LedPin kHailLeds[] = {{"red", 0, 13}, {"green", 0, 15}, {"blue", 0, 14}};
std::optional<LedPin> led_pin(std::string_view name);

// Kernel panic banners recognised on the console (Tock's and ours).
bool is_panic_line(std::string_view line);

// Event matching shared by triggers (online) and expectations (offline).
bool matches(const EventSpec& spec, const tock::TockEvent& e,
             const std::vector<tock::Process>& processes);
bool matches_line(const EventSpec& spec, std::string_view line);
bool matches_gpio(const EventSpec& spec, const GpioEdge& edge);

// Whether the kernel sent any structured event on ITM port 0 (only our kernel does,
// docs/0005-kernel.md); `kernel:` events cannot be checked on a run without one.
bool has_kernel_events(const RunRecord& record);
inline constexpr std::string_view kNoKernelEvents =
    "cannot be checked on this kernel: it sent no structured kernel events (ITM port 0) in the "
    "whole run; `kernel:` events come from tockemu's own kernel (docs/0005-kernel.md), upstream "
    "Tock sends none. Check what the kernel does instead (console, fault, process, syscall)";

// Every time `spec` happened in the record, in order.
std::vector<Picos> occurrences(const EventSpec& spec, const RunRecord& record);

struct ExpectationResult {
    const Expectation* expectation = nullptr;
    bool passed = false;
    std::string expected;  // what was asked, in words
    std::string actual;    // what happened, with enough context to see the difference
};

std::vector<ExpectationResult> evaluate(const Scenario& scenario, const RunRecord& record);

}  // namespace tockemu::scenario
