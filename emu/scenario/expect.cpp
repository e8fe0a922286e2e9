// The expectation engine: evaluates a scenario's `expect:` list against a RunRecord and explains
// every failure with what was expected and what actually happened.
#include <algorithm>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "emu/scenario/record.hpp"

namespace tockemu::scenario {

namespace {
// "at most 2048 bytes", "between 100 and 200 bytes", "at least 8 bytes".
std::string bytes_text(const CountRange& c) {
    if (c.min == 0 && c.max) return fmt::format("at most {} bytes", *c.max);
    if (c.max) return fmt::format("between {} and {} bytes", c.min, *c.max);
    return fmt::format("at least {} bytes", c.min);
}
}  // namespace

bool has_kernel_events(const RunRecord& rec) {
    return std::any_of(rec.events.begin(), rec.events.end(), [](const tock::TockEvent& e) {
        const auto* k = std::get_if<tock::KernelMessage>(&e.payload);
        return k && k->port == 0;
    });
}

namespace {

std::string quote_text(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '"')
            out += "\\\"";
        else if (static_cast<unsigned char>(c) < 0x20)
            out += fmt::format("\\x{:02x}", c);
        else
            out += c;
    }
    return out + "\"";
}

std::string ms(Picos t) {
    return format_duration(t);
}

std::string syscall_filter_text(const EventSpec& e) {
    std::string s;
    if (e.cls)
        s += std::string(tock::class_name(*e.cls));
    else
        s += "syscall";
    if (e.driver) {
        auto n = tock::driver_name(*e.driver);
        s += " " + (n.empty() ? fmt::format("{:#x}", *e.driver) : std::string(n));
    }
    if (e.number) {
        auto n = e.driver && e.cls == tock::SyscallClass::Command
                     ? tock::command_name(*e.driver, *e.number)
                     : std::string_view{};
        s += n.empty() ? fmt::format(" #{}", *e.number) : fmt::format(".{}", n);
    }
    if (e.process) s += " by " + *e.process;
    if (e.error) s += fmt::format(" returning {}", tock::error_name(*e.error));
    return s;
}

const char* action_word(Action::Kind k) {
    switch (k) {
        case Action::Kind::Send:
            return "send";
        case Action::Kind::Press:
            return "press";
        case Action::Kind::Release:
            return "release";
        case Action::Kind::InjectFault:
            return "inject_fault";
        case Action::Kind::Corrupt:
            return "corrupt";
        case Action::Kind::Stop:
            return "stop";
        case Action::Kind::Start:
            return "start";
        case Action::Kind::Kill:
            return "kill";
        case Action::Kind::Restart:
            return "restart";
        case Action::Kind::End:
            return "end";
        case Action::Kind::SetSensor:
            return "set_sensor";
    }
    return "?";
}

// The console as a terminal shows it ('\r' dropped) with the send time of each byte.
struct Transcript {
    std::string text;
    std::vector<Picos> times;
    explicit Transcript(const trace::ConsoleCapture& c) {
        const std::string& raw = c.text();
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\r') continue;
            text += raw[i];
            times.push_back(c.time_of(i));
        }
    }
    Picos end_time(std::size_t pos, std::size_t len) const {
        if (times.empty()) return 0;
        const std::size_t last = len ? pos + len - 1 : pos;
        return times[std::min(last, times.size() - 1)];
    }
    std::string tail(std::size_t lines) const {
        std::vector<std::string> all;
        std::stringstream ss(text);
        for (std::string l; std::getline(ss, l);) all.push_back(l);
        std::string out;
        const std::size_t from = all.size() > lines ? all.size() - lines : 0;
        for (std::size_t i = from; i < all.size(); ++i) out += "\n      | " + all[i];
        if (all.empty()) out = " (nothing was printed)";
        return out;
    }
};

bool in_window(const Expectation& e, Picos t) {
    return (!e.before || t < *e.before) && (!e.after || t >= *e.after);
}

std::string window_text(const Expectation& e) {
    std::string s;
    if (e.after) s += " at or after " + ms(*e.after);
    if (e.before) s += (e.after ? " and" : "") + std::string(" before ") + ms(*e.before);
    return s;
}

std::string times_text(const std::vector<Picos>& times) {
    std::string s;
    for (std::size_t i = 0; i < times.size() && i < 5; ++i) s += (i ? ", " : "") + ms(times[i]);
    if (times.size() > 5) s += fmt::format(", ... ({} more)", times.size() - 5);
    return s;
}

ExpectationResult console_contains(const Expectation& e, const Transcript& t, bool negate) {
    ExpectationResult r;
    std::vector<std::string> missing, present;
    for (const auto& text : e.texts) {
        std::optional<Picos> ok_time, first_time;
        for (auto pos = t.text.find(text); pos != std::string::npos;
             pos = t.text.find(text, pos + 1)) {
            const Picos at = t.end_time(pos, text.size());
            if (!first_time) first_time = at;
            if (in_window(e, at)) {
                ok_time = at;
                break;
            }
        }
        if (negate) {
            if (first_time)
                present.push_back(
                    fmt::format("{} printed at {}", quote_text(text), ms(*first_time)));
        } else if (!ok_time) {
            missing.push_back(first_time
                                  ? fmt::format("{} was printed at {}, not{}", quote_text(text),
                                                ms(*first_time), window_text(e))
                                  : fmt::format("{} was never printed", quote_text(text)));
        }
    }
    std::vector<std::string> quoted_texts;
    for (const auto& x : e.texts) quoted_texts.push_back(quote_text(x));
    r.expected = fmt::format("console output {}containing {}{}", negate ? "not " : "",
                             fmt::join(quoted_texts, " and "), window_text(e));
    const auto& problems = negate ? present : missing;
    r.passed = problems.empty();
    if (!r.passed)
        r.actual = fmt::format("{}; last console lines:{}", fmt::join(problems, "; "), t.tail(8));
    return r;
}

ExpectationResult console_matches(const Expectation& e, const Transcript& t) {
    ExpectationResult r;
    r.expected = fmt::format("console output matching /{}/{}", e.texts[0], window_text(e));
    const std::regex re(e.texts[0], std::regex::ECMAScript | std::regex::multiline);
    std::optional<Picos> first;
    for (auto it = std::sregex_iterator(t.text.begin(), t.text.end(), re);
         it != std::sregex_iterator(); ++it) {
        const Picos at = t.end_time(static_cast<std::size_t>(it->position()),
                                    static_cast<std::size_t>(it->length()));
        if (!first) first = at;
        if (in_window(e, at)) {
            r.passed = true;
            return r;
        }
        if (it->length() == 0) break;
    }
    r.actual = first ? fmt::format("first match at {}, not{}", ms(*first), window_text(e))
                     : "no match; last console lines:" + t.tail(8);
    return r;
}

ExpectationResult console_sequence(const Expectation& e, const Transcript& t) {
    ExpectationResult r;
    std::vector<std::string> q;
    for (const auto& x : e.texts) q.push_back(quote_text(x));
    r.expected = fmt::format("console output containing, in this order: {}{}", fmt::join(q, ", "),
                             window_text(e));
    std::size_t pos = 0;
    for (std::size_t i = 0; i < e.texts.size(); ++i) {
        const auto found = t.text.find(e.texts[i], pos);
        if (found == std::string::npos) {
            const bool elsewhere = t.text.find(e.texts[i]) != std::string::npos;
            r.actual = fmt::format(
                "item {} {} {}{}; last console lines:{}", i + 1, quote_text(e.texts[i]),
                elsewhere ? "was printed, but not after" : "was never printed",
                i == 0 || !elsewhere ? "" : " item " + std::to_string(i) + " " + q[i - 1],
                t.tail(8));
            return r;
        }
        pos = found + e.texts[i].size();
        if (!in_window(e, t.end_time(found, e.texts[i].size()))) {
            r.actual = fmt::format("item {} {} was printed at {}, not{}", i + 1, q[i],
                                   ms(t.end_time(found, e.texts[i].size())), window_text(e));
            return r;
        }
    }
    r.passed = true;
    return r;
}

ExpectationResult console_equals(const Expectation& e, const Transcript& t) {
    ExpectationResult r;
    std::string want = e.texts[0];
    want.erase(std::remove(want.begin(), want.end(), '\r'), want.end());
    r.expected = "console transcript equal to the one given";
    if (t.text == want) {
        r.passed = true;
        return r;
    }
    std::vector<std::string> a, b;
    std::stringstream sa(want), sb(t.text);
    for (std::string l; std::getline(sa, l);) a.push_back(l);
    for (std::string l; std::getline(sb, l);) b.push_back(l);
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    r.actual =
        fmt::format("first difference at line {}:\n      - expected: {}\n      + actual:   {}",
                    i + 1, i < a.size() ? quote_text(a[i]) : "(end of transcript)",
                    i < b.size() ? quote_text(b[i]) : "(end of output)");
    if (a.size() == b.size() && i == a.size())
        r.actual = fmt::format("same lines; the final newline differs (expected {} bytes, got {})",
                               want.size(), t.text.size());
    return r;
}

// Checks one high-water mark against its bound; appends what failed to `why`.
bool within(const char* what, const std::optional<CountRange>& bound, std::uint32_t value,
            bool known, std::vector<std::string>& why) {
    if (!bound) return true;
    if (!known) {
        why.push_back(fmt::format("{} unknown (no libtock-c crt0 hint: memop {})", what,
                                  std::string_view(what) == "stack" ? "10" : "11"));
        return false;
    }
    if (bound->contains(value)) return true;
    why.push_back(fmt::format("{} high-water {} bytes", what, value));
    return false;
}

ExpectationResult kernel_stack(const Expectation& e, const RunRecord& rec) {
    ExpectationResult r;
    r.expected = "kernel stack high-water mark " + bytes_text(e.bytes);
    if (!rec.kernel_stack) {
        r.actual = "unknown: the kernel ELF has no _sstack/_estack symbols";
        return r;
    }
    r.passed = e.bytes.contains(rec.kernel_stack->max_bytes());
    if (!r.passed) r.actual = tock::describe(*rec.kernel_stack);
    return r;
}

ExpectationResult process_state(const Expectation& e, const RunRecord& rec) {
    ExpectationResult r;
    std::vector<std::string> parts;
    if (e.state) parts.push_back(fmt::format("state {}", tock::state_name(*e.state)));
    if (e.restarts) parts.push_back(fmt::format("{} restarts", e.restarts->str()));
    if (e.stack_bytes) parts.push_back("stack high-water " + bytes_text(*e.stack_bytes));
    if (e.heap_bytes) parts.push_back("heap high-water " + bytes_text(*e.heap_bytes));
    r.expected = fmt::format("process {} at the end: {}", e.process, fmt::join(parts, ", "));
    const tock::Process* p = rec.find(e.process);
    if (!p) {
        std::vector<std::string> names;
        for (const auto& x : rec.processes) names.push_back(x.image.name);
        r.actual = fmt::format("no process named {} in app flash (found: {})", e.process,
                               names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
        return r;
    }
    const auto mit = rec.marks.find(p->index);
    const tock::ProcessMarks* m = mit == rec.marks.end() ? nullptr : &mit->second;
    std::vector<std::string> marks_failed;
    const bool stack_ok = within("stack", e.stack_bytes, m && m->stack ? m->stack->max_bytes() : 0,
                                 m && m->stack, marks_failed);
    const bool heap_ok = within("heap", e.heap_bytes, m ? m->heap_max_bytes() : 0,
                                m && m->heap_start != 0, marks_failed);
    r.passed = (!e.state || p->state == *e.state) &&
               (!e.restarts || e.restarts->contains(p->restarts())) && stack_ok && heap_ok;
    if (!r.passed) {
        r.actual = fmt::format("state {}, restarted {} times, {} faults",
                               tock::state_name(p->state), p->restarts(), p->stats.faults);
        for (const auto& w : marks_failed) r.actual += ", " + w;
    }
    return r;
}

bool process_is(const std::optional<std::string>& want, int proc,
                const std::vector<tock::Process>& processes) {
    if (!want) return true;
    if (proc < 0 || static_cast<std::size_t>(proc) >= processes.size()) return false;
    return processes[static_cast<std::size_t>(proc)].image.name == *want;
}

bool syscall_is(const EventSpec& s, int proc, const tock::Syscall& c,
                const std::vector<tock::Process>& processes) {
    return process_is(s.process, proc, processes) && (!s.cls || c.cls == s.cls) &&
           (!s.driver || c.driver == *s.driver) && (!s.number || c.number == *s.number);
}

ExpectationResult event_count(const Expectation& e, const RunRecord& rec) {
    ExpectationResult r;
    if (e.event.kind == EventSpec::Kind::Kernel && !has_kernel_events(rec)) {
        // Even "count: 0" cannot be told apart from a kernel that never reports: say so.
        r.expected =
            fmt::format("{}: {} times{}", e.event.describe(), e.count.str(), window_text(e));
        r.actual = std::string(kNoKernelEvents);
        return r;
    }
    std::vector<Picos> all = occurrences(e.event, rec);
    std::vector<Picos> inside;
    for (auto t : all)
        if (in_window(e, t)) inside.push_back(t);
    r.expected = fmt::format("{}: {} times{}", e.event.describe(), e.count.str(), window_text(e));
    r.passed = e.count.contains(inside.size());
    if (r.passed) return r;
    r.actual = inside.empty()
                   ? "never happened"
                   : fmt::format("happened {} times (at {})", inside.size(), times_text(inside));
    if (inside.size() != all.size())
        r.actual += fmt::format("; {} times in the whole run (at {})", all.size(), times_text(all));
    // For a syscall that did not return the expected error, say what it did return.
    if (e.event.kind == EventSpec::Kind::Syscall && e.event.error && inside.empty()) {
        EventSpec any = e.event;
        any.error.reset();
        std::map<std::string, int> returns;
        for (const auto& ev : rec.events)
            if (const auto* ret = std::get_if<tock::SyscallReturned>(&ev.payload))
                if (syscall_is(any, ret->proc, ret->call, rec.processes))
                    ++returns[tock::describe_return(ret->call, ret->ret)];
        std::vector<std::string> list;
        for (const auto& [text, n] : returns) list.push_back(fmt::format("{} x{}", text, n));
        r.actual += list.empty()
                        ? "; no matching syscall returned at all"
                        : fmt::format("; matching calls returned: {}", fmt::join(list, ", "));
    }
    if (e.event.kind == EventSpec::Kind::Fault && inside.empty()) {
        std::vector<std::string> faults;
        for (const auto& ev : rec.events)
            if (const auto* f = std::get_if<tock::ProcessFaulted>(&ev.payload)) {
                const auto* p = rec.process(f->proc);
                faults.push_back(fmt::format(
                    "{} ({}{}) at {}", p ? p->image.name : "?", f->cause,
                    f->fault.address_valid ? fmt::format(", address {:#010x}", f->fault.address)
                                           : "",
                    ms(ev.time)));
            }
        if (!faults.empty()) r.actual += fmt::format("; faults seen: {}", fmt::join(faults, ", "));
    }
    return r;
}

ExpectationResult kernel_panic(const Expectation& e, const RunRecord& rec) {
    ExpectationResult r;
    r.expected = e.panic ? "the kernel panicked" : "the kernel did not panic";
    r.passed = rec.panic_time.has_value() == e.panic;
    if (!r.passed)
        r.actual = rec.panic_time
                       ? fmt::format("it panicked at {}: {}", ms(*rec.panic_time), rec.panic_reason)
                       : "it did not panic";
    return r;
}

ExpectationResult led(const Expectation& e, const RunRecord& rec) {
    ExpectationResult r;
    const auto pin = led_pin(e.led);
    std::vector<std::string> parts;
    if (e.toggles) parts.push_back(fmt::format("{} toggles", e.toggles->str()));
    if (e.period)
        parts.push_back(
            fmt::format("a period of {} +/- {:.0f}%", ms(*e.period), e.tolerance * 100));
    r.expected = fmt::format("{} LED: {}", e.led, fmt::join(parts, ", "));
    // Hail's LEDs are active low: off (high) until the kernel drives them.
    bool on = false;
    std::uint64_t toggles = 0;
    std::vector<Picos> on_edges;
    for (const auto& g : rec.gpio) {
        if (!pin || g.port != pin->port || g.pin != pin->pin) continue;
        const bool now_on = !g.level;
        if (now_on == on) continue;
        on = now_on;
        ++toggles;
        if (on) on_edges.push_back(g.time);
    }
    r.passed = true;
    std::vector<std::string> actual;
    if (e.toggles && !e.toggles->contains(toggles)) r.passed = false;
    if (e.period) {
        if (on_edges.size() < 2) {
            r.passed = false;
            actual.push_back(
                fmt::format("it turned on {} times, too few to measure a period", on_edges.size()));
        } else {
            // The median interval between "on" edges: a boot-time flash of the LED or one late
            // step must not move the measured period.
            std::vector<Picos> gaps;
            for (std::size_t i = 1; i < on_edges.size(); ++i)
                gaps.push_back(on_edges[i] - on_edges[i - 1]);
            std::sort(gaps.begin(), gaps.end());
            const double median = static_cast<double>(gaps[gaps.size() / 2]);
            const double want = static_cast<double>(*e.period);
            if (std::abs(median - want) > e.tolerance * want) r.passed = false;
            actual.push_back(fmt::format("median period {}", ms(static_cast<Picos>(median))));
        }
    }
    actual.insert(actual.begin(), fmt::format("{} toggles", toggles));
    if (!r.passed) r.actual = fmt::format("{}", fmt::join(actual, ", "));
    return r;
}

}  // namespace

// ---- descriptions ----

std::string EventSpec::describe() const {
    const std::string who = process ? " of " + *process : "";
    switch (kind) {
        case Kind::Console:
            return fmt::format("console line matching /{}/", pattern);
        case Kind::Syscall:
            return syscall_filter_text(*this);
        case Kind::Fault:
            return fmt::format("fault{}{}{}", who, cause ? " (" + *cause + ")" : "",
                               address ? fmt::format(" at {:#010x}", *address) : "");
        case Kind::Start:
            return "start" + who;
        case Kind::Restart:
            return "restart" + who;
        case Kind::Exit:
            return "exit" + who;
        case Kind::Upcall:
            return "upcall" + who;
        case Kind::Led:
            return fmt::format("{} LED{}", led.value_or("?"),
                               led_on ? (*led_on ? " on" : " off") : " change");
        case Kind::Panic:
            return "kernel panic";
        case Kind::Kernel:
            return "kernel event " + kernel_event;
    }
    return "?";
}

// "set sensors temperature=23.5 C, accel=(0, 0, 1000) mg"
std::string describe_sensors(const SensorSetting& s) {
    std::vector<std::string> parts;
    auto vec = [](const std::array<double, 3>& v) {
        return fmt::format("({:g}, {:g}, {:g})", v[0], v[1], v[2]);
    };
    if (s.temperature) parts.push_back(fmt::format("temperature={:g} C", *s.temperature));
    if (s.humidity) parts.push_back(fmt::format("humidity={:g} %RH", *s.humidity));
    if (s.light) parts.push_back(fmt::format("light={:g} lux", *s.light));
    if (s.accel) parts.push_back(fmt::format("accel={} mg", vec(*s.accel)));
    if (s.magnetic) parts.push_back(fmt::format("magnetic={} uT", vec(*s.magnetic)));
    return fmt::format("set sensors {}", fmt::join(parts, ", "));
}

std::string Action::describe() const {
    std::string what;
    switch (kind) {
        case Kind::Send:
            what = "send " + quote_text(text);
            break;
        case Kind::Press:
            what = "press " + button;
            break;
        case Kind::Release:
            what = "release " + button;
            break;
        case Kind::InjectFault:
            what = fmt::format("inject {} fault into {}", fault == FaultKind::Mpu ? "mpu" : "usage",
                               process);
            break;
        case Kind::Corrupt:
            what = address ? fmt::format("corrupt word at {:#010x} = {:#x}", *address, value)
                           : fmt::format("corrupt {}+{:#x} = {:#x}", process, offset.value_or(0),
                                         value);
            break;
        case Kind::End:
            what = "end the run";
            break;
        case Kind::SetSensor:
            what = describe_sensors(sensors);
            break;
        default:
            what = fmt::format("{} {}", action_word(kind), process);
            break;
    }
    std::string trigger = at ? "at " + ms(*at)
                             : fmt::format("when {}{}", when ? when->describe() : "?",
                                           occurrence > 1 ? fmt::format(" (#{})", occurrence) : "");
    if (delay) trigger += " + " + ms(delay);
    return trigger + ": " + what;
}

std::string Expectation::describe() const {
    switch (kind) {
        case Kind::ConsoleContains:
            return "console_contains " + quote_text(texts.at(0));
        case Kind::ConsoleNotContains:
            return "console_not_contains " + quote_text(texts.at(0));
        case Kind::ConsoleMatches:
            return "console_matches /" + texts.at(0) + "/";
        case Kind::ConsoleSequence:
            return fmt::format("console_sequence of {} items", texts.size());
        case Kind::ConsoleEquals:
            return "console_equals transcript";
        case Kind::Process:
            return "process " + process;
        case Kind::Fault:
            return "fault " + event.describe();
        case Kind::Syscall:
            return "syscall " + event.describe();
        case Kind::KernelPanic:
            return panic ? "kernel_panic true" : "kernel_panic false";
        case Kind::Led:
            return "led " + led;
        case Kind::Event:
            return "event " + event.describe();
        case Kind::TraceHash:
            return "trace_hash " + hash;
        case Kind::KernelStack:
            return "kernel_stack_max_bytes " + bytes_text(bytes);
    }
    return "?";
}

// ---- record queries ----

const tock::Process* RunRecord::process(int index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= processes.size()) return nullptr;
    return &processes[static_cast<std::size_t>(index)];
}

const tock::Process* RunRecord::find(std::string_view name) const {
    for (const auto& p : processes)
        if (p.image.name == name) return &p;
    return nullptr;
}

std::optional<LedPin> led_pin(std::string_view name) {
    for (const auto& l : kHailLeds)
        if (l.name == name) return l;
    return std::nullopt;
}

bool is_panic_line(std::string_view line) {
    return line.find("panicked at") != std::string_view::npos ||
           line.find("Kernel panic") != std::string_view::npos ||
           line.find("KERNEL PANIC") != std::string_view::npos;
}

bool matches(const EventSpec& s, const tock::TockEvent& e,
             const std::vector<tock::Process>& processes) {
    using K = EventSpec::Kind;
    return std::visit(
        [&](const auto& p) -> bool {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, tock::SyscallMade>) {
                return s.kind == K::Syscall && !s.error && syscall_is(s, p.proc, p.call, processes);
            } else if constexpr (std::is_same_v<T, tock::SyscallReturned>) {
                return s.kind == K::Syscall && s.error && p.ret.is_failure() &&
                       p.ret.r[1] == *s.error && syscall_is(s, p.proc, p.call, processes);
            } else if constexpr (std::is_same_v<T, tock::ProcessFaulted>) {
                return s.kind == K::Fault && process_is(s.process, p.proc, processes) &&
                       (!s.cause || *s.cause == p.cause ||
                        *s.cause == tock::fault_class_name(p.fault.cls)) &&
                       (!s.address || (p.fault.address_valid && p.fault.address == *s.address));
            } else if constexpr (std::is_same_v<T, tock::ProcessStarted>) {
                return (s.kind == K::Start || (s.kind == K::Restart && p.restart_count > 0)) &&
                       process_is(s.process, p.proc, processes);
            } else if constexpr (std::is_same_v<T, tock::ProcessExited>) {
                return s.kind == K::Exit && process_is(s.process, p.proc, processes);
            } else if constexpr (std::is_same_v<T, tock::UpcallDelivered>) {
                return s.kind == K::Upcall && process_is(s.process, p.proc, processes);
            } else if constexpr (std::is_same_v<T, tock::KernelFault>) {
                return s.kind == K::Panic;
            } else if constexpr (std::is_same_v<T, tock::KernelMessage>) {
                return s.kind == K::Kernel && p.port == 0 &&
                       tock::kernel_message_name(p.type) == s.kernel_event;
            } else {
                return false;
            }
        },
        e.payload);
}

bool matches_line(const EventSpec& s, std::string_view line) {
    if (s.kind == EventSpec::Kind::Panic) return is_panic_line(line);
    if (s.kind != EventSpec::Kind::Console) return false;
    const std::regex re(s.pattern, std::regex::ECMAScript);
    return std::regex_search(line.begin(), line.end(), re);
}

bool matches_gpio(const EventSpec& s, const GpioEdge& g) {
    if (s.kind != EventSpec::Kind::Led || !s.led) return false;
    const auto pin = led_pin(*s.led);
    if (!pin || pin->port != g.port || pin->pin != g.pin) return false;
    return !s.led_on || *s.led_on == !g.level;
}

std::vector<Picos> occurrences(const EventSpec& s, const RunRecord& rec) {
    std::vector<Picos> out;
    switch (s.kind) {
        case EventSpec::Kind::Console: {
            // One occurrence per line that matches, timed by the byte that completed the match.
            const std::regex re(s.pattern, std::regex::ECMAScript);
            const std::string& text = rec.console.text();
            std::size_t start = 0;
            while (start < text.size()) {
                std::size_t end = text.find('\n', start);
                if (end == std::string::npos) end = text.size();
                std::string line = text.substr(start, end - start);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                std::smatch m;
                if (std::regex_search(line, m, re))
                    out.push_back(rec.console.time_of(
                        start +
                        static_cast<std::size_t>(m.position() + std::max<long>(m.length(), 1)) -
                        1));
                start = end + 1;
            }
            return out;
        }
        case EventSpec::Kind::Led:
            for (const auto& g : rec.gpio)
                if (matches_gpio(s, g)) out.push_back(g.time);
            return out;
        case EventSpec::Kind::Panic:
            if (rec.panic_time) out.push_back(*rec.panic_time);
            return out;
        default:
            for (const auto& e : rec.events)
                if (matches(s, e, rec.processes)) out.push_back(e.time);
            return out;
    }
}

std::vector<ExpectationResult> evaluate(const Scenario& scenario, const RunRecord& rec) {
    std::vector<ExpectationResult> results;
    const Transcript transcript(rec.console);
    for (const auto& e : scenario.expect) {
        ExpectationResult r;
        switch (e.kind) {
            case Expectation::Kind::ConsoleContains:
                r = console_contains(e, transcript, false);
                break;
            case Expectation::Kind::ConsoleNotContains:
                r = console_contains(e, transcript, true);
                break;
            case Expectation::Kind::ConsoleMatches:
                r = console_matches(e, transcript);
                break;
            case Expectation::Kind::ConsoleSequence:
                r = console_sequence(e, transcript);
                break;
            case Expectation::Kind::ConsoleEquals:
                r = console_equals(e, transcript);
                break;
            case Expectation::Kind::Process:
                r = process_state(e, rec);
                break;
            case Expectation::Kind::Fault:
            case Expectation::Kind::Syscall:
            case Expectation::Kind::Event:
                r = event_count(e, rec);
                break;
            case Expectation::Kind::KernelPanic:
                r = kernel_panic(e, rec);
                break;
            case Expectation::Kind::Led:
                r = led(e, rec);
                break;
            case Expectation::Kind::KernelStack:
                r = kernel_stack(e, rec);
                break;
            case Expectation::Kind::TraceHash:
                r.expected = "trace hash " + e.hash;
                r.passed = rec.trace_hash == e.hash;
                if (!r.passed) r.actual = "trace hash " + rec.trace_hash;
                break;
        }
        r.expectation = &e;
        results.push_back(std::move(r));
    }
    for (const auto& err : rec.action_errors) {
        ExpectationResult r;
        r.expected = "every timeline action carried out";
        r.actual = err;
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace tockemu::scenario
