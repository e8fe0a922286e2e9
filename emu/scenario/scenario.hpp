#pragma once
// A scenario: one scripted, deterministic run of the Hail board (docs/scenario-format.md).
// This header is the parsed form of a YAML scenario file; parse_scenario_file() builds it and
// rejects anything it does not understand with "file:line:column: what was expected".
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emu/core/clock.hpp"
#include "emu/tock/syscall.hpp"
#include "emu/tock/tock_view.hpp"

namespace tockemu::scenario {

// Where something was written, for error messages and failure reports ("file:line:column").
struct Location {
    std::string file;
    int line = 0;  // 1-based; 0 = unknown
    int column = 0;
    std::string str() const;
};

// A bad scenario file. what() is "file:line:column: message".
struct ScenarioError : std::runtime_error {
    ScenarioError(const Location& where, const std::string& message);
    Location where;
};

// "3" (exactly), or {min: 1, max: 5}; the default is "at least once".
struct CountRange {
    std::uint64_t min = 1;
    std::optional<std::uint64_t> max;
    bool contains(std::uint64_t n) const { return n >= min && (!max || n <= *max); }
    std::string str() const;  // "at least 1", "exactly 3", "between 2 and 5", "none"
};

// Something that happens during a run: used by actions (`when:`) and expectations (`event:`,
// `fault:`, `syscall:`). Unset fields match anything.
struct EventSpec {
    enum class Kind { Console, Syscall, Fault, Start, Restart, Exit, Upcall, Led, Panic, Kernel };
    Kind kind = Kind::Console;
    Location where;
    std::string pattern;                 // Console: ECMAScript regex searched within a line
    std::optional<std::string> process;  // process (package) name
    std::optional<tock::SyscallClass> cls;
    std::optional<std::uint32_t> driver;
    std::optional<std::uint32_t> number;   // command/subscribe/allow number, memop op
    std::optional<std::uint32_t> error;    // Syscall: returned this ErrorCode
    std::optional<std::string> cause;      // Fault: memmanage|busfault|usagefault|hardfault
    std::optional<std::uint32_t> address;  // Fault: the faulting data address (MMFAR/BFAR)
    std::optional<std::string> led;        // Led: red|green|blue
    std::optional<bool> led_on;
    std::string kernel_event;      // Kernel: ITM message type (grant_nomem, ...)
    std::string describe() const;  // "console /tock\$ /", "fault of crash (memmanage)"
};

enum class FaultKind { Mpu, Usage };

// `set_sensor:` values for the Hail's I2C sensors (HailBoard::set_sensors); unset fields keep
// their current value.
struct SensorSetting {
    std::optional<double> temperature;              // degrees Celsius
    std::optional<double> humidity;                 // % relative humidity
    std::optional<double> light;                    // lux
    std::optional<std::array<double, 3>> accel;     // milli-g, x y z
    std::optional<std::array<double, 3>> magnetic;  // microtesla, x y z
};

struct Action {
    enum class Kind {
        Send,
        Press,
        Release,
        InjectFault,
        Corrupt,
        Stop,
        Start,
        Kill,
        Restart,
        End,
        SetSensor
    };
    Kind kind = Kind::End;
    Location where;
    // Trigger: at a virtual time, or the `occurrence`-th time `when` happens; then `delay`.
    std::optional<Picos> at;
    std::optional<EventSpec> when;
    std::uint64_t occurrence = 1;
    Picos delay = 0;
    std::string text;               // Send: bytes for the console UART
    std::string button = "button";  // Press/Release (Hail has one user button)
    std::optional<Picos> hold;      // Press: release after this long
    std::string process;            // InjectFault, Corrupt, Stop/Start/Kill/Restart
    FaultKind fault = FaultKind::Mpu;
    std::optional<std::uint32_t> offset;   // Corrupt: from the process's RAM start
    std::optional<std::uint32_t> address;  // Corrupt: absolute
    std::uint32_t value = 0;
    SensorSetting sensors;         // SetSensor
    std::string describe() const;  // "send \"help\\n\"", "inject mpu fault into crash"
};

struct Expectation {
    enum class Kind {
        ConsoleContains,
        ConsoleNotContains,
        ConsoleMatches,
        ConsoleSequence,
        ConsoleEquals,
        Process,
        Fault,
        Syscall,
        KernelPanic,
        Led,
        Event,
        TraceHash,
        KernelStack,
    };
    Kind kind = Kind::ConsoleContains;
    Location where;
    std::vector<std::string> texts;  // console texts / regex / sequence / transcript
    std::string process;             // Process
    std::optional<tock::ProcessState> state;
    std::optional<CountRange> restarts;
    std::optional<CountRange> stack_bytes;  // Process: its stack high-water mark
    std::optional<CountRange> heap_bytes;   // Process: its heap high-water mark
    CountRange bytes;                       // KernelStack: the kernel stack high-water mark
    EventSpec event;                        // Fault, Syscall, Event
    CountRange count;                       // how many times `event` must happen
    std::optional<Picos> before;            // the event / text happened before this time
    std::optional<Picos> after;             // ... and not before this time
    bool panic = false;                     // KernelPanic
    std::string led;                        // Led
    std::optional<CountRange> toggles;
    std::optional<Picos> period;
    double tolerance = 0.1;        // Led period, fraction
    std::string hash;              // TraceHash
    std::string describe() const;  // one line, used as the JUnit test case name
};

struct AppSpec {
    Location where;
    std::string name;                           // package name, and the file name under apps/
    std::optional<std::filesystem::path> path;  // explicit TBF/TAB
    std::optional<std::uint32_t> ram;           // overrides the TBF minimum RAM size
    bool enabled = true;
};

struct FaultPolicySpec {
    Location where;
    std::string policy;  // panic|stop|restart|threshold_restart|threshold_restart_then_panic
    std::uint32_t threshold = 0;
};

struct Scenario {
    std::filesystem::path file;
    std::string name;  // defaults to the file's stem
    std::string description;
    std::string board = "hail";
    std::optional<std::filesystem::path> kernel;  // empty: the Hail kernel the build makes
    Location kernel_where;                        // where `kernel:` was written
    std::string kernel_text;                      // as written, before ${VAR} expansion
    std::vector<AppSpec> apps;
    std::optional<FaultPolicySpec> fault_policy;
    Picos budget = 0;
    std::optional<std::uint64_t> seed;
    std::vector<Action> timeline;
    std::vector<Expectation> expect;
};

// Hostile-input limits (docs/scenario-format.md "Limits"): a scenario file is text of at most
// kMaxScenarioBytes, and its budget at most kMaxBudget of virtual time (a longer one is almost
// certainly a slip of the unit, and would keep a busy guest running for days of host time).
inline constexpr std::size_t kMaxScenarioBytes = 1 << 20;
inline constexpr Picos kMaxBudget = 3600 * kPicosPerSecond;
inline constexpr std::string_view kMaxBudgetText = "3600s (one hour)";

// Throw ScenarioError on any problem (syntax, unknown key, wrong type, bad value).
Scenario parse_scenario_file(const std::filesystem::path& file);
Scenario parse_scenario_text(const std::string& text, const std::string& file_name);

// "100ms", "2s", "1.5ms", "250us", "40ns" -> picoseconds; nullopt when malformed.
std::optional<Picos> parse_duration(const std::string& text);
std::string format_duration(Picos t);  // "1.500 ms"

}  // namespace tockemu::scenario
