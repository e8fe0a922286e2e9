// YAML -> Scenario. Every value is checked where it is read, so every error can name the
// file:line:column of the offending node and say what was expected (docs/scenario-format.md).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "emu/scenario/scenario.hpp"

namespace tockemu::scenario {

std::string Location::str() const {
    if (line == 0) return file;
    return fmt::format("{}:{}:{}", file, line, column);
}

ScenarioError::ScenarioError(const Location& w, const std::string& message)
    : std::runtime_error(w.str() + ": " + message), where(w) {}

std::string CountRange::str() const {
    if (max && *max == 0) return "none";
    if (max && *max == min) return fmt::format("exactly {}", min);
    if (max) return fmt::format("between {} and {}", min, *max);
    return fmt::format("at least {}", min);
}

std::optional<Picos> parse_duration(const std::string& text) {
    struct Unit {
        std::string_view suffix;
        double picos;
    };
    static constexpr Unit kUnits[] = {
        {"ns", 1e3},
        {"us", 1e6},
        {"ms", 1e9},
        {"s", 1e12},
    };
    std::string t = text;
    t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
    for (const auto& u : kUnits) {
        if (t.size() <= u.suffix.size() || !t.ends_with(u.suffix)) continue;
        const std::string number = t.substr(0, t.size() - u.suffix.size());
        if (number.find_first_not_of("0123456789.") != std::string::npos) continue;
        if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") continue;
        // strtod, not stod: a number too large for a double must be an error, not an exception.
        const double v = std::strtod(number.c_str(), nullptr) * u.picos;
        if (!std::isfinite(v) || v >= 1.8e19) return std::nullopt;
        return static_cast<Picos>(std::llround(v));
    }
    return std::nullopt;
}

std::string format_duration(Picos t) {
    return fmt::format("{:.3f} ms", static_cast<double>(t) / 1e9);
}

namespace {

// Reading context: the file name plus helpers that fail with the node's position.
class Reader {
  public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    Location at(const YAML::Node& n) const {
        const YAML::Mark m = n.Mark();
        if (m.line < 0) return Location{file_, 0, 0};
        return Location{file_, m.line + 1, m.column + 1};
    }
    [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const {
        throw ScenarioError(at(n), msg);
    }

    // Rejects keys outside `allowed` and duplicate keys, naming what is allowed.
    void check_keys(const YAML::Node& map, const std::vector<std::string_view>& allowed,
                    std::string_view what) const {
        if (!map.IsMap()) fail(map, fmt::format("expected a mapping for {}", what));
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar()) fail(it->first, fmt::format("expected a key in {}", what));
            const std::string k = it->first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
                fail(it->first, fmt::format("unknown key '{}' in {}; expected one of: {}", k, what,
                                            fmt::join(allowed, ", ")));
            if (!seen.insert(k).second)
                fail(it->first, fmt::format("key '{}' given twice in {}", k, what));
        }
    }

    std::string string(const YAML::Node& n, std::string_view what) const {
        if (!n.IsScalar()) fail(n, fmt::format("expected a string for {}", what));
        return n.Scalar();
    }

    std::uint64_t uint(const YAML::Node& n, std::string_view what) const {
        if (!n.IsScalar()) fail(n, fmt::format("expected a number for {}", what));
        const std::string s = n.Scalar();
        std::uint64_t v = 0;
        const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        const char* first = s.data() + (hex ? 2 : 0);
        auto [p, ec] = std::from_chars(first, s.data() + s.size(), v, hex ? 16 : 10);
        if (ec != std::errc() || p != s.data() + s.size() || first == p)
            fail(n, fmt::format("expected a number for {} (decimal or 0x hex), got '{}'", what, s));
        return v;
    }

    std::uint32_t u32(const YAML::Node& n, std::string_view what) const {
        const std::uint64_t v = uint(n, what);
        if (v > 0xFFFFFFFFull) fail(n, fmt::format("{} does not fit in 32 bits", what));
        return static_cast<std::uint32_t>(v);
    }

    bool boolean(const YAML::Node& n, std::string_view what) const {
        if (n.IsScalar()) {
            const std::string s = n.Scalar();
            if (s == "true" || s == "yes" || s == "on") return true;
            if (s == "false" || s == "no" || s == "off") return false;
        }
        fail(n, fmt::format("expected true or false for {}", what));
    }

    Picos duration(const YAML::Node& n, std::string_view what) const {
        if (n.IsScalar()) {
            if (auto d = parse_duration(n.Scalar())) return *d;
            if (parse_duration("1" + unit_of(n.Scalar())))
                fail(n, fmt::format("{} '{}' is too long: a scenario runs {} of virtual time at "
                                    "most",
                                    what, n.Scalar(), kMaxBudgetText));
        }
        fail(n, fmt::format("expected a duration for {} such as 250us, 100ms or 2s", what));
    }
    // "s" of "3e9s"-like text whose number part is all digits and dots; "" otherwise.
    static std::string unit_of(const std::string& text) {
        const std::size_t u = text.find_first_not_of("0123456789. ");
        if (u == 0 || u == std::string::npos) return {};
        return text.substr(u);
    }

    CountRange count(const YAML::Node& n, std::string_view what) const {
        CountRange c;
        if (n.IsScalar()) {
            c.min = uint(n, what);
            c.max = c.min;
            return c;
        }
        check_keys(n, {"min", "max"}, what);
        c.min = n["min"] ? uint(n["min"], "min") : 0;
        if (n["max"]) c.max = uint(n["max"], "max");
        if (c.max && *c.max < c.min) fail(n, fmt::format("{}: max is below min", what));
        return c;
    }

    // A byte bound: N or "<=N" (at most N), "<N", or {min, max}.
    CountRange byte_bound(const YAML::Node& n, std::string_view what) const {
        if (!n.IsScalar()) return count(n, what);
        std::string t = n.Scalar();
        const bool strict = t.starts_with('<') && !t.starts_with("<=");
        t = t.substr(t.starts_with("<=") ? 2 : t.starts_with('<') ? 1 : 0);
        std::uint64_t v = 0;
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || p != t.data() + t.size() || t.empty() || (strict && v == 0))
            fail(n, fmt::format("expected a byte count for {}: N or <=N (at most N), <N, or "
                                "{{min: A, max: B}}, got '{}'",
                                what, n.Scalar()));
        CountRange c;
        c.min = 0;
        c.max = strict ? v - 1 : v;
        return c;
    }

    std::vector<std::string> strings(const YAML::Node& n, std::string_view what) const {
        std::vector<std::string> out;
        if (n.IsScalar()) {
            out.push_back(n.Scalar());
        } else if (n.IsSequence()) {
            for (const auto& item : n) out.push_back(string(item, what));
            if (out.empty()) fail(n, fmt::format("{} needs at least one string", what));
        } else {
            fail(n, fmt::format("expected a string or a list of strings for {}", what));
        }
        return out;
    }

    void regex(const YAML::Node& n, const std::string& pattern) const {
        try {
            std::regex re(pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            fail(n, fmt::format("invalid regular expression '{}': {}", pattern, e.what()));
        }
    }

    std::uint32_t driver(const YAML::Node& n) const {
        if (n.IsScalar())
            if (auto d = tock::driver_from_name(n.Scalar())) return *d;
        if (n.IsScalar() && !n.Scalar().empty() &&
            (std::isdigit(static_cast<unsigned char>(n.Scalar()[0])) != 0))
            return u32(n, "driver");
        fail(n,
             "expected a driver number (e.g. 0x1) or name (console, alarm, led, button, gpio, "
             "adc, spi, rng, ...)");
    }

    std::uint32_t error_code(const YAML::Node& n) const {
        if (n.IsScalar())
            if (auto e = tock::error_from_name(n.Scalar())) return static_cast<std::uint32_t>(*e);
        if (n.IsScalar() && !n.Scalar().empty() &&
            std::isdigit(static_cast<unsigned char>(n.Scalar()[0])) != 0)
            return u32(n, "error code");
        fail(n,
             "expected an ErrorCode name (FAIL, BUSY, ALREADY, OFF, RESERVE, INVAL, SIZE, "
             "CANCEL, NOMEM, NOSUPPORT, NODEVICE, UNINSTALLED, NOACK) or number");
    }

    // A file path: ${NAME} takes the environment variable NAME, ${NAME:-FALLBACK} takes
    // FALLBACK when NAME is unset or empty; a relative result is relative to `dir` (the
    // scenario's folder), so material outside the repository is found wherever it lives.
    std::filesystem::path path(const YAML::Node& n, std::string_view what,
                               const std::filesystem::path& dir) const {
        const std::string text = string(n, what);
        std::string out;
        for (std::size_t i = 0; i < text.size();) {
            if (text.compare(i, 2, "${") != 0) {
                out += text[i++];
                continue;
            }
            const std::size_t close = text.find('}', i);
            if (close == std::string::npos)
                fail(n, fmt::format("{}: '${{' without a closing '}}' in '{}'", what, text));
            const std::string inner = text.substr(i + 2, close - i - 2);
            const std::size_t dash = inner.find(":-");
            const std::string name = inner.substr(0, dash);
            if (name.empty() || name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "abcdefghijklmnopqrstuvwxyz0123456789_") !=
                                    std::string::npos)
                fail(n, fmt::format("{}: '{}' is not an environment variable name (letters, "
                                    "digits, _) in '{}'",
                                    what, name, text));
            const char* value = std::getenv(name.c_str());
            if (value && *value)
                out += value;
            else if (dash != std::string::npos)
                out += inner.substr(dash + 2);
            else
                fail(n, fmt::format("{}: environment variable {} is not set (used in '{}'; "
                                    "write ${{{}:-FALLBACK}} for a default)",
                                    what, name, text, name));
            i = close + 1;
        }
        if (out.empty()) fail(n, fmt::format("{}: empty path", what));
        const std::filesystem::path p(out);
        return p.is_absolute() ? p : dir / p;
    }

    const std::string& file() const { return file_; }

  private:
    std::string file_;
};

const std::vector<std::string_view> kLedNames = {"red", "green", "blue"};
const std::vector<std::string_view> kFaultCauses = {"memmanage", "busfault", "usagefault",
                                                    "hardfault"};

std::string led_name(const Reader& r, const YAML::Node& n) {
    const std::string s = r.string(n, "led");
    if (s == "0") return "red";
    if (s == "1") return "green";
    if (s == "2") return "blue";
    if (std::find(kLedNames.begin(), kLedNames.end(), s) == kLedNames.end())
        r.fail(n, "expected an LED: red (0), green (1) or blue (2)");
    return s;
}

// ---- events ----

void read_syscall_fields(const Reader& r, const YAML::Node& n, EventSpec& e) {
    r.check_keys(n, {"process", "class", "driver", "number", "command", "error", "returned"},
                 "syscall");
    if (n["process"]) e.process = r.string(n["process"], "process");
    if (n["class"]) {
        e.cls = tock::class_from_name(r.string(n["class"], "class"));
        if (!e.cls)
            r.fail(n["class"],
                   "expected a syscall class: yield, subscribe, command, rw_allow, "
                   "ro_allow, memop, exit, ur_allow");
    }
    if (n["driver"]) e.driver = r.driver(n["driver"]);
    if (n["number"] && n["command"]) r.fail(n, "give either number or command, not both");
    if (n["command"]) {
        e.number = r.u32(n["command"], "command");
        if (e.cls && *e.cls != tock::SyscallClass::Command)
            r.fail(n["command"], "'command' only applies to class command; use 'number'");
        e.cls = tock::SyscallClass::Command;
    }
    if (n["number"]) e.number = r.u32(n["number"], "number");
    if (n["error"] && n["returned"]) r.fail(n, "give either error or returned, not both");
    if (n["error"]) e.error = r.error_code(n["error"]);
    if (n["returned"]) e.error = r.error_code(n["returned"]);
}

void read_fault_fields(const Reader& r, const YAML::Node& n, EventSpec& e) {
    if (n.IsScalar()) {
        e.process = n.Scalar();
        return;
    }
    r.check_keys(n, {"process", "cause", "class", "address"}, "fault");
    if (n["process"]) e.process = r.string(n["process"], "process");
    if (n["address"]) e.address = r.u32(n["address"], "fault address");
    if (n["cause"] && n["class"]) r.fail(n, "give either cause or class, not both");
    const YAML::Node c = n["cause"] ? n["cause"] : n["class"];
    if (c) {
        const std::string s = r.string(c, "fault cause");
        if (std::find(kFaultCauses.begin(), kFaultCauses.end(), s) == kFaultCauses.end())
            r.fail(c, "expected a fault class: memmanage, busfault, usagefault or hardfault");
        e.cause = s;
    }
}

EventSpec read_event(const Reader& r, const YAML::Node& n, std::string_view what) {
    static const std::vector<std::string_view> kKinds = {"console", "syscall", "fault",  "start",
                                                         "restart", "exit",    "upcall", "led",
                                                         "panic",   "kernel"};
    r.check_keys(n, kKinds, what);
    if (n.size() != 1)
        r.fail(n, fmt::format("{} names exactly one event, one of: {}", what,
                              fmt::join(kKinds, ", ")));
    const auto it = n.begin();
    const std::string kind = it->first.Scalar();
    const YAML::Node v = it->second;
    EventSpec e;
    e.where = r.at(it->first);
    if (kind == "console") {
        e.kind = EventSpec::Kind::Console;
        e.pattern = r.string(v, "console pattern");
        r.regex(v, e.pattern);
    } else if (kind == "syscall") {
        e.kind = EventSpec::Kind::Syscall;
        read_syscall_fields(r, v, e);
    } else if (kind == "fault") {
        e.kind = EventSpec::Kind::Fault;
        read_fault_fields(r, v, e);
    } else if (kind == "led") {
        e.kind = EventSpec::Kind::Led;
        if (v.IsMap()) {
            r.check_keys(v, {"led", "on"}, "led event");
            if (!v["led"]) r.fail(v, "led event needs 'led'");
            e.led = led_name(r, v["led"]);
            if (v["on"]) e.led_on = r.boolean(v["on"], "on");
        } else {
            e.led = led_name(r, v);
        }
    } else if (kind == "kernel") {
        e.kind = EventSpec::Kind::Kernel;
        e.kernel_event = r.string(v, "kernel event");
        static const std::vector<std::string_view> kTypes = {
            "boot",          "process_loaded",  "grant_alloc",        "grant_nomem",
            "process_fault", "policy_decision", "process_terminated", "panic",
            "load_failed"};
        if (std::find(kTypes.begin(), kTypes.end(), e.kernel_event) == kTypes.end())
            r.fail(v, fmt::format("expected a kernel event type: {}", fmt::join(kTypes, ", ")));
    } else if (kind == "panic") {
        e.kind = EventSpec::Kind::Panic;
        if (!r.boolean(v, "panic")) r.fail(v, "panic event must be 'panic: true'");
    } else {
        e.kind = kind == "start"     ? EventSpec::Kind::Start
                 : kind == "restart" ? EventSpec::Kind::Restart
                 : kind == "exit"    ? EventSpec::Kind::Exit
                                     : EventSpec::Kind::Upcall;
        e.process = r.string(v, fmt::format("{} (a process name)", kind));
    }
    return e;
}

// ---- timeline ----

// `set_sensor: {temperature: 23.5, humidity: 40, light: 300, accel: [0, 0, 1000],
// magnetic: [20, -5, -40]}` (degrees C, %RH, lux, milli-g, microtesla).
double read_real(const Reader& r, const YAML::Node& n, std::string_view what) {
    if (n.IsScalar()) {
        const std::string t = n.Scalar();
        char* end = nullptr;
        const double x = std::strtod(t.c_str(), &end);
        if (!t.empty() && *end == '\0' && std::isfinite(x)) return x;
    }
    r.fail(n, fmt::format("expected a number for {}", what));
}

std::array<double, 3> read_vector(const Reader& r, const YAML::Node& n, std::string_view what) {
    if (!n.IsSequence() || n.size() != 3) r.fail(n, fmt::format("expected [x, y, z] for {}", what));
    return {read_real(r, n[0], what), read_real(r, n[1], what), read_real(r, n[2], what)};
}

SensorSetting read_sensor_setting(const Reader& r, const YAML::Node& v) {
    r.check_keys(v, {"temperature", "humidity", "light", "accel", "magnetic"}, "set_sensor");
    SensorSetting s;
    if (v["temperature"]) s.temperature = read_real(r, v["temperature"], "temperature (C)");
    if (v["humidity"]) {
        s.humidity = read_real(r, v["humidity"], "humidity (%RH)");
        if (*s.humidity < 0 || *s.humidity > 100)
            r.fail(v["humidity"], "humidity is a relative humidity between 0 and 100 (%)");
    }
    if (v["light"]) {
        s.light = read_real(r, v["light"], "light (lux)");
        if (*s.light < 0) r.fail(v["light"], "light (lux) cannot be negative");
    }
    if (v["accel"]) s.accel = read_vector(r, v["accel"], "accel (milli-g)");
    if (v["magnetic"]) s.magnetic = read_vector(r, v["magnetic"], "magnetic (microtesla)");
    if (v.size() == 0)
        r.fail(v,
               "set_sensor needs at least one of: temperature, humidity, light, accel, magnetic");
    return s;
}

Action read_action(const Reader& r, const YAML::Node& n) {
    static const std::vector<std::string_view> kActionKeys = {
        "send",  "press", "release", "inject_fault", "corrupt",   "stop",
        "start", "kill",  "restart", "end",          "set_sensor"};
    static const std::vector<std::string_view> kAll = {
        "at",           "when",    "occurrence", "after", "hold", "send",    "press", "release",
        "inject_fault", "corrupt", "stop",       "start", "kill", "restart", "end",   "set_sensor"};
    r.check_keys(n, kAll, "timeline entry");
    Action a;
    a.where = r.at(n);
    if (n["at"] && n["when"]) r.fail(n, "a timeline entry has either 'at' or 'when', not both");
    if (!n["at"] && !n["when"])
        r.fail(n, "a timeline entry needs a trigger: 'at: <time>' or 'when: <event>'");
    if (n["at"]) a.at = r.duration(n["at"], "at");
    if (n["when"]) a.when = read_event(r, n["when"], "when");
    if (n["occurrence"]) {
        if (!n["when"]) r.fail(n["occurrence"], "'occurrence' only applies with 'when'");
        a.occurrence = r.uint(n["occurrence"], "occurrence");
        if (a.occurrence == 0) r.fail(n["occurrence"], "occurrence counts from 1");
    }
    if (n["after"]) a.delay = r.duration(n["after"], "after");

    std::vector<std::string> actions;
    for (auto k : kActionKeys)
        if (n[std::string(k)]) actions.emplace_back(k);
    if (actions.size() != 1)
        r.fail(n, fmt::format("a timeline entry does exactly one action, one of: {}",
                              fmt::join(kActionKeys, ", ")));
    const std::string& kind = actions[0];
    const YAML::Node v = n[kind];
    if (n["hold"] && kind != "press") r.fail(n["hold"], "'hold' only applies to 'press'");
    if (kind == "send") {
        a.kind = Action::Kind::Send;
        a.text = r.string(v, "send");
    } else if (kind == "press" || kind == "release") {
        a.kind = kind == "press" ? Action::Kind::Press : Action::Kind::Release;
        a.button = r.string(v, kind);
        if (a.button != "button" && a.button != "0")
            r.fail(v, "Hail has one user button: write 'button' (or 0)");
        a.button = "button";
        if (n["hold"]) a.hold = r.duration(n["hold"], "hold");
    } else if (kind == "inject_fault") {
        a.kind = Action::Kind::InjectFault;
        r.check_keys(v, {"process", "kind"}, "inject_fault");
        if (!v["process"]) r.fail(v, "inject_fault needs 'process'");
        a.process = r.string(v["process"], "process");
        if (v["kind"]) {
            const std::string k = r.string(v["kind"], "kind");
            if (k == "mpu")
                a.fault = FaultKind::Mpu;
            else if (k == "usage")
                a.fault = FaultKind::Usage;
            else
                r.fail(v["kind"], "expected a fault kind: mpu or usage");
        }
    } else if (kind == "corrupt") {
        a.kind = Action::Kind::Corrupt;
        r.check_keys(v, {"process", "offset", "address", "value"}, "corrupt");
        if (!v["value"]) r.fail(v, "corrupt needs 'value'");
        a.value = r.u32(v["value"], "value");
        if (v["address"]) {
            if (v["process"] || v["offset"])
                r.fail(v, "corrupt takes either 'address', or 'process' with 'offset'");
            a.address = r.u32(v["address"], "address");
        } else {
            if (!v["process"] || !v["offset"])
                r.fail(v,
                       "corrupt needs 'process' and 'offset' (bytes from the process's RAM "
                       "start), or 'address'");
            a.process = r.string(v["process"], "process");
            a.offset = r.u32(v["offset"], "offset");
        }
        if ((a.address.value_or(0) | a.offset.value_or(0)) & 3u)
            r.fail(v,
                   "corrupt writes one aligned word: the address/offset must be a multiple of 4");
    } else if (kind == "set_sensor") {
        a.kind = Action::Kind::SetSensor;
        a.sensors = read_sensor_setting(r, v);
    } else if (kind == "end") {
        a.kind = Action::Kind::End;
        if (!r.boolean(v, "end")) r.fail(v, "write 'end: true' to end the run");
    } else {
        a.kind = kind == "stop"    ? Action::Kind::Stop
                 : kind == "start" ? Action::Kind::Start
                 : kind == "kill"  ? Action::Kind::Kill
                                   : Action::Kind::Restart;
        a.process = r.string(v, fmt::format("{} (a process name)", kind));
    }
    return a;
}

// ---- expectations ----

struct ExpectKind {
    std::string_view key;
    Expectation::Kind kind;
    std::vector<std::string_view> modifiers;
};

const std::vector<ExpectKind>& expect_kinds() {
    static const std::vector<ExpectKind> k = {
        {"console_contains", Expectation::Kind::ConsoleContains, {"before", "after"}},
        {"console_not_contains", Expectation::Kind::ConsoleNotContains, {}},
        {"console_matches", Expectation::Kind::ConsoleMatches, {"before", "after"}},
        {"console_sequence", Expectation::Kind::ConsoleSequence, {"before"}},
        {"console_equals", Expectation::Kind::ConsoleEquals, {}},
        {"process",
         Expectation::Kind::Process,
         {"state", "restarts", "stack_max_bytes", "heap_max_bytes"}},
        {"fault", Expectation::Kind::Fault, {"count", "before", "after"}},
        {"syscall", Expectation::Kind::Syscall, {"count", "before", "after"}},
        {"kernel_panic", Expectation::Kind::KernelPanic, {}},
        {"led", Expectation::Kind::Led, {"toggles", "period", "tolerance"}},
        {"event", Expectation::Kind::Event, {"count", "before", "after"}},
        {"trace_hash", Expectation::Kind::TraceHash, {}},
        {"kernel_stack_max_bytes", Expectation::Kind::KernelStack, {}},
    };
    return k;
}

Expectation read_expectation(const Reader& r, const YAML::Node& n) {
    if (!n.IsMap()) r.fail(n, "expected a mapping for an expectation, e.g. 'console_contains: Hi'");
    std::vector<std::string_view> all;
    for (const auto& k : expect_kinds()) {
        all.push_back(k.key);
        for (auto m : k.modifiers)
            if (std::find(all.begin(), all.end(), m) == all.end()) all.push_back(m);
    }
    r.check_keys(n, all, "expectation");
    const ExpectKind* kind = nullptr;
    for (const auto& k : expect_kinds()) {
        if (!n[std::string(k.key)]) continue;
        if (kind)
            r.fail(n, fmt::format("an expectation checks one thing: both '{}' and '{}' given",
                                  kind->key, k.key));
        kind = &k;
    }
    if (!kind) {
        std::vector<std::string_view> keys;
        for (const auto& k : expect_kinds()) keys.push_back(k.key);
        r.fail(n, fmt::format("an expectation needs one of: {}", fmt::join(keys, ", ")));
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string k = it->first.Scalar();
        if (k == kind->key) continue;
        if (std::find(kind->modifiers.begin(), kind->modifiers.end(), k) == kind->modifiers.end())
            r.fail(it->first, fmt::format("'{}' does not apply to {}{}{}", k, kind->key,
                                          kind->modifiers.empty() ? "" : "; it takes: ",
                                          fmt::join(kind->modifiers, ", ")));
    }

    Expectation e;
    e.kind = kind->kind;
    e.where = r.at(n);
    const YAML::Node v = n[std::string(kind->key)];
    if (n["before"]) e.before = r.duration(n["before"], "before");
    if (n["after"]) e.after = r.duration(n["after"], "after");
    if (n["count"]) e.count = r.count(n["count"], "count");
    switch (e.kind) {
        case Expectation::Kind::ConsoleContains:
        case Expectation::Kind::ConsoleNotContains:
        case Expectation::Kind::ConsoleSequence:
            e.texts = r.strings(v, kind->key);
            break;
        case Expectation::Kind::ConsoleMatches:
            e.texts = {r.string(v, "console_matches")};
            r.regex(v, e.texts[0]);
            break;
        case Expectation::Kind::ConsoleEquals:
            e.texts = {r.string(v, "console_equals")};
            break;
        case Expectation::Kind::Process:
            e.process = r.string(v, "process");
            if (!n["state"] && !n["restarts"] && !n["stack_max_bytes"] && !n["heap_max_bytes"])
                r.fail(n,
                       "a process expectation needs 'state', 'restarts', 'stack_max_bytes' "
                       "and/or 'heap_max_bytes'");
            if (n["stack_max_bytes"])
                e.stack_bytes = r.byte_bound(n["stack_max_bytes"], "stack_max_bytes");
            if (n["heap_max_bytes"])
                e.heap_bytes = r.byte_bound(n["heap_max_bytes"], "heap_max_bytes");
            if (n["state"]) {
                e.state = tock::state_from_name(r.string(n["state"], "state"));
                if (!e.state)
                    r.fail(n["state"],
                           "expected a process state: not_started, running, yielded, "
                           "faulted, terminated or stopped");
            }
            if (n["restarts"]) e.restarts = r.count(n["restarts"], "restarts");
            break;
        case Expectation::Kind::Fault:
            e.event.kind = EventSpec::Kind::Fault;
            e.event.where = e.where;
            read_fault_fields(r, v, e.event);
            break;
        case Expectation::Kind::Syscall:
            e.event.kind = EventSpec::Kind::Syscall;
            e.event.where = e.where;
            read_syscall_fields(r, v, e.event);
            break;
        case Expectation::Kind::KernelPanic:
            e.panic = r.boolean(v, "kernel_panic");
            break;
        case Expectation::Kind::Led:
            e.led = led_name(r, v);
            if (!n["toggles"] && !n["period"])
                r.fail(n, "an led expectation needs 'toggles' and/or 'period'");
            if (n["toggles"]) e.toggles = r.count(n["toggles"], "toggles");
            if (n["period"]) e.period = r.duration(n["period"], "period");
            if (n["tolerance"]) {
                std::string t = r.string(n["tolerance"], "tolerance");
                const bool percent = t.ends_with('%');
                if (percent) t.pop_back();
                char* end = nullptr;
                const double x = std::strtod(t.c_str(), &end);
                if (t.empty() || *end != '\0' || x < 0)
                    r.fail(n["tolerance"], "expected a tolerance such as 10% or 0.1");
                e.tolerance = percent ? x / 100.0 : x;
            }
            break;
        case Expectation::Kind::Event:
            e.event = read_event(r, v, "event");
            break;
        case Expectation::Kind::KernelStack:
            e.bytes = r.byte_bound(v, "kernel_stack_max_bytes");
            break;
        case Expectation::Kind::TraceHash:
            e.hash = r.string(v, "trace_hash");
            if (!e.hash.starts_with("fnv1a64:") || e.hash.size() != 24)
                r.fail(v, "expected a trace hash as printed by tockemu: fnv1a64:<16 hex digits>");
            break;
    }
    return e;
}

// ---- top level ----

AppSpec read_app(const Reader& r, const YAML::Node& n, const std::filesystem::path& dir) {
    AppSpec a;
    a.where = r.at(n);
    if (n.IsScalar()) {
        a.name = n.Scalar();
        return a;
    }
    r.check_keys(n, {"name", "path", "ram", "enabled"}, "app");
    if (!n["name"] && !n["path"])
        r.fail(n, "an app needs 'name' (from apps/) or 'path' (a TBF/TAB)");
    if (n["name"]) a.name = r.string(n["name"], "name");
    if (n["path"]) {
        a.path = r.path(n["path"], "path", dir);
        if (a.name.empty()) a.name = a.path->stem().string();
    }
    if (n["ram"]) {
        a.ram = r.u32(n["ram"], "ram");
        if (*a.ram == 0) r.fail(n["ram"], "ram must be more than 0 bytes");
    }
    if (n["enabled"]) a.enabled = r.boolean(n["enabled"], "enabled");
    return a;
}

FaultPolicySpec read_policy(const Reader& r, const YAML::Node& n) {
    static const std::vector<std::string_view> kPolicies = {
        "panic", "stop", "restart", "threshold_restart", "threshold_restart_then_panic"};
    FaultPolicySpec p;
    p.where = r.at(n);
    if (n.IsMap()) {
        r.check_keys(n, {"policy", "threshold"}, "fault_policy");
        if (!n["policy"]) r.fail(n, "fault_policy needs 'policy'");
        if (n["threshold"]) p.threshold = r.u32(n["threshold"], "threshold");
    }
    // (A YAML::Node is a reference: assigning to one would overwrite the document.)
    const YAML::Node name = n.IsMap() ? n["policy"] : n;
    p.policy = r.string(name, "fault_policy");
    if (std::find(kPolicies.begin(), kPolicies.end(), p.policy) == kPolicies.end())
        r.fail(name, fmt::format("expected a fault policy: {}", fmt::join(kPolicies, ", ")));
    const bool threshold = p.policy.starts_with("threshold");
    if (threshold != (n.IsMap() && n["threshold"]))
        r.fail(n, threshold ? "this policy needs 'threshold' (restarts allowed)"
                            : "'threshold' only applies to the threshold_* policies");
    return p;
}

Scenario read_scenario(const Reader& r, const YAML::Node& root, const std::filesystem::path& file) {
    if (!root || root.IsNull())
        throw ScenarioError(Location{r.file(), 1, 1}, "empty scenario file");
    r.check_keys(root,
                 {"name", "description", "board", "kernel", "apps", "fault_policy", "budget",
                  "seed", "timeline", "expect"},
                 "scenario");
    const std::filesystem::path dir = file.parent_path();
    Scenario s;
    s.file = file;
    s.name = root["name"] ? r.string(root["name"], "name") : file.stem().string();
    if (root["description"]) s.description = r.string(root["description"], "description");
    if (root["board"]) {
        s.board = r.string(root["board"], "board");
        if (s.board != "hail") r.fail(root["board"], "expected board 'hail' (the only board)");
    }
    if (root["kernel"]) {
        s.kernel_text = r.string(root["kernel"], "kernel");
        s.kernel_where = r.at(root["kernel"]);
        if (s.kernel_text != "default") s.kernel = r.path(root["kernel"], "kernel", dir);
    }
    if (root["apps"]) {
        if (!root["apps"].IsSequence()) r.fail(root["apps"], "expected a list of apps");
        for (const auto& a : root["apps"]) s.apps.push_back(read_app(r, a, dir));
    }
    if (root["fault_policy"]) s.fault_policy = read_policy(r, root["fault_policy"]);
    if (!root["budget"])
        throw ScenarioError(r.at(root),
                            "missing 'budget': the virtual time the run may take "
                            "(e.g. budget: 2s)");
    s.budget = r.duration(root["budget"], "budget");
    if (s.budget == 0) r.fail(root["budget"], "budget must be more than 0");
    if (s.budget > kMaxBudget)
        r.fail(root["budget"], fmt::format("budget '{}' is over the limit of {} of virtual time",
                                           root["budget"].Scalar(), kMaxBudgetText));
    if (root["seed"]) s.seed = r.uint(root["seed"], "seed");
    if (root["timeline"]) {
        if (!root["timeline"].IsSequence()) r.fail(root["timeline"], "expected a list of actions");
        for (const auto& a : root["timeline"]) {
            s.timeline.push_back(read_action(r, a));
            const Action& act = s.timeline.back();
            if (act.at && *act.at >= s.budget)
                r.fail(a["at"], fmt::format("this action is at or after the budget ({})",
                                            format_duration(s.budget)));
        }
    }
    if (root["expect"]) {
        if (!root["expect"].IsSequence()) r.fail(root["expect"], "expected a list of expectations");
        for (const auto& e : root["expect"]) s.expect.push_back(read_expectation(r, e));
    }
    // Names used in actions and expectations must be apps of this scenario (when apps are named).
    auto check_process = [&](const std::string& name, const Location& where) {
        if (name.empty() || s.apps.empty()) return;
        for (const auto& a : s.apps)
            if (a.name == name) return;
        throw ScenarioError(where, fmt::format("no app named '{}' in this scenario's apps", name));
    };
    for (const auto& a : s.timeline) {
        check_process(a.process, a.where);
        if (a.when && a.when->process) check_process(*a.when->process, a.when->where);
    }
    for (const auto& e : s.expect) {
        check_process(e.process, e.where);
        if (e.event.process) check_process(*e.event.process, e.where);
    }
    return s;
}

}  // namespace

// Nesting a scenario never needs, refused before yaml-cpp (whose own recursion guard only says
// "bad file"): flow collections ([ {) nested deeper than kMaxNesting, or a line indented more
// than 4 * kMaxNesting columns. Quotes and comments are skipped; nullopt when within limits.
std::optional<ScenarioError> too_deep(const std::string& text, const std::string& file) {
    constexpr int kMaxNesting = 64;
    int depth = 0, line = 1, column = 0, indent = 0;
    bool single = false, dquote = false, comment = false, leading = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        ++column;
        if (c == '\n') {
            line++, column = 0, indent = 0, comment = false, leading = true;
            continue;
        }
        if (leading && c == ' ' && ++indent > 4 * kMaxNesting)
            return ScenarioError(Location{file, line, column},
                                 fmt::format("indented more than {} columns: nesting this deep "
                                             "is not a scenario",
                                             4 * kMaxNesting));
        if (c != ' ') leading = false;
        if (comment) continue;
        if (dquote) {
            if (c == '\\')
                ++i, ++column;
            else if (c == '"')
                dquote = false;
            continue;
        }
        if (single) {
            if (c == '\'') single = false;
            continue;
        }
        if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t'))
            comment = true;
        else if (c == '"')
            dquote = true;
        else if (c == '\'')
            single = true;
        else if ((c == '[' || c == '{') && ++depth > kMaxNesting)
            return ScenarioError(
                Location{file, line, column},
                fmt::format("flow collections nested more than {} deep", kMaxNesting));
        else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return std::nullopt;
}

Scenario parse_scenario_text(const std::string& text, const std::string& file_name) {
    const Reader r(file_name);
    if (text.size() > kMaxScenarioBytes)
        throw ScenarioError(Location{file_name, 0, 0},
                            fmt::format("{} bytes: a scenario file may have at most {}",
                                        text.size(), kMaxScenarioBytes));
    if (auto e = too_deep(text, file_name)) throw *e;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ScenarioError(Location{file_name, e.mark.line + 1, e.mark.column + 1},
                            "YAML syntax error: " + e.msg);
    }
    return read_scenario(r, root, std::filesystem::path(file_name));
}

Scenario parse_scenario_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ScenarioError(Location{file.string(), 0, 0}, "cannot open the scenario file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_scenario_text(ss.str(), file.string());
}

}  // namespace tockemu::scenario
