// Scenario runner: one Machine per scenario, observers for the Tock view / trace / record,
// timeline actions on the machine's clock. Observation never changes the run; only actions do,
// and they happen at deterministic points (clock events, or the SVC that switches to a process).
#include "emu/scenario/runner.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "emu/board/hail_board.hpp"
#include "emu/loader/tab.hpp"
#include "emu/loader/tbf.hpp"
#include "emu/machine/machine.hpp"
#include "emu/trace/trace_writer.hpp"

namespace tockemu::scenario {

namespace {

namespace fs = std::filesystem;

constexpr unsigned kConsole = HailBoard::kConsoleUsart;
constexpr unsigned kButtonPort = 0;  // PA16, active low (reference/tock-abi.md §9.4)
constexpr unsigned kButtonPin = 16;
// Address the MPU-fault injection sends a process to: the bottom of SRAM holds the kernel's
// stack on Hail (Tock's layout and ours), which no process region covers.
constexpr std::uint32_t kForbiddenExecAddress = 0x20000000;
constexpr std::uint32_t kXpsrThumb = 1u << 24;
constexpr std::uint32_t kFrameBytes = 32;

// Board configuration block of our kernel (kernel/core/board_config.hpp).
constexpr std::uint32_t kBoardConfigMagic = 0x4342544B;
constexpr std::uint32_t kBoardConfigVersion = 1;

std::uint32_t policy_code(const std::string& p) {
    if (p == "panic") return 0;
    if (p == "stop") return 1;
    if (p == "restart") return 2;
    if (p == "threshold_restart") return 3;
    return 4;  // threshold_restart_then_panic
}

struct RunError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::uint32_t read_word(Machine& m, std::uint32_t addr) {
    std::array<std::uint8_t, 4> b{};
    if (!m.read_memory(addr, b)) throw RunError(fmt::format("cannot read {:#010x}", addr));
    return b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

bool write_word(Machine& m, std::uint32_t addr, std::uint32_t v) {
    const std::array<std::uint8_t, 4> b{
        static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
        static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
    return m.write_memory(addr, b);
}

// Per-app overrides are applied to the TBF header in flash (RAM size in Program/Main, the
// enabled flag), with the checksum recomputed, exactly as if the TBF had been built that way.
void patch_app(Machine& m, std::uint32_t addr, const AppSpec& app, const fs::path& path) {
    if (!app.ram && app.enabled) return;
    std::array<std::uint8_t, 8> base{};
    m.read_memory(addr, base);
    const auto lengths = tbf::peek_lengths(base);
    if (!lengths)
        throw RunError(
            fmt::format("{}: no TBF header at {:#x} after loading", path.string(), addr));
    std::vector<std::uint8_t> hdr(lengths->header_size);
    m.read_memory(addr, hdr);
    const tbf::TbfHeader h = tbf::parse(hdr, path.string());
    auto put = [&](std::size_t off, std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            hdr[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    if (!app.enabled) put(8, h.flags & ~tbf::kFlagEnabled);
    if (app.ram) {
        for (const auto& t : h.tlvs)
            if (t.type == static_cast<std::uint16_t>(tbf::TlvType::Main) ||
                t.type == static_cast<std::uint16_t>(tbf::TlvType::Program))
                put(t.offset + 4 + 8, *app.ram);  // minimum_ram_size at payload offset 8
    }
    put(12, tbf::compute_checksum(hdr));
    if (!m.write_memory(addr, hdr))
        throw RunError(fmt::format("{}: cannot patch the TBF header in flash", path.string()));
}

void apply_fault_policy(Machine& m, const FaultPolicySpec& p) {
    const auto sym = m.symbol("tockemu_board_config");
    if (!sym)
        throw RunError(
            fmt::format("{}: this kernel has no 'tockemu_board_config' block, so its "
                        "fault policy cannot be chosen; remove fault_policy",
                        p.where.str()));
    if (read_word(m, *sym) != kBoardConfigMagic || read_word(m, *sym + 4) != kBoardConfigVersion)
        throw RunError(
            fmt::format("{}: the kernel's board configuration block has an unknown "
                        "magic/version",
                        p.where.str()));
    write_word(m, *sym + 8, policy_code(p.policy));
    write_word(m, *sym + 12, p.threshold);
}

std::string stop_text(const RunResult& r, bool ended) {
    if (ended) return "ended by the timeline";
    switch (r.reason) {
        case StopReason::TimeLimit:
            return "budget reached";
        case StopReason::SemihostingExit:
            return fmt::format("guest exit({})", r.exit_code);
        case StopReason::Lockup:
            return "lockup: " + r.message;
        case StopReason::Requested:
            return "stopped";
        default:
            return "stopped: " + r.message;
    }
}

// Everything one run needs; lives on the stack of run_scenario.
class Run {
  public:
    Run(const Scenario& s, const RunOptions& o, std::ostream* trace_out)
        : s_(s),
          machine_(MachineConfig{48'000'000, s.seed.value_or(o.seed.value_or(0))}),
          view_([this](std::uint32_t a, std::span<std::uint8_t> out) {
              return machine_.read_memory(a, out);
          }),
          trace_(view_, trace_out),
          marks_(view_, [this](std::uint32_t a, std::span<std::uint8_t> out) {
              return machine_.read_memory(a, out);
          }) {
        for (const auto& a : s.timeline) {
            if (!a.when) continue;
            Trigger t{&a};
            if (a.when->kind == EventSpec::Kind::Console)
                t.console = std::regex(a.when->pattern, std::regex::ECMAScript);
            triggers_.push_back(std::move(t));
        }
    }

    void load(const RunOptions& o) {
        run_ = o.run;
        finished_ = o.finished;
        const fs::path kernel = s_.kernel.value_or(o.firmware_dir / "kernel" / "hail_kernel.elf");
        if (!fs::exists(kernel) && s_.kernel)
            throw RunError(fmt::format("{}: kernel ELF {} not found (kernel: {})",
                                       s_.kernel_where.str(), kernel.string(), s_.kernel_text));
        if (!fs::exists(kernel))
            throw RunError(
                fmt::format("kernel ELF {} not found (build the firmware first)", kernel.string()));
        machine_.load_elf(kernel);
        if (const auto s = machine_.symbol("_sstack"), e = machine_.symbol("_estack"); s && e)
            marks_.set_kernel_stack(*s, *e);
        std::vector<fs::path> paths;
        for (const auto& app : s_.apps) {
            const auto path =
                app.path ? std::optional<fs::path>(*app.path) : find_app(o.firmware_dir, app.name);
            if (!path || !fs::exists(*path))
                throw RunError(
                    fmt::format("{}: app '{}' not found{}", app.where.str(), app.name,
                                app.path ? "" : " under " + (o.firmware_dir / "apps").string()));
            machine_.load_app(*path);
            paths.push_back(*path);
        }
        // Loading re-lays every app (tockloader order), so overrides are applied afterwards, to
        // the app found in flash under the TBF's package name.
        const auto placed =
            tock::scan_app_flash([this](std::uint32_t a, std::span<std::uint8_t> b) {
                return machine_.read_memory(a, b);
            });
        for (std::size_t i = 0; i < s_.apps.size(); ++i) {
            const AppSpec& app = s_.apps[i];
            if (!app.ram && app.enabled) continue;
            const std::string package =
                tbf::parse(tab::read_tbf_or_tab(paths[i].string()), paths[i].string()).name();
            const auto it =
                std::find_if(placed.begin(), placed.end(),
                             [&](const tock::AppImage& a) { return a.name == package; });
            if (it == placed.end())
                throw RunError(fmt::format("{}: app '{}' not found in app flash after loading",
                                           app.where.str(), package));
            patch_app(machine_, it->flash_start, app, paths[i]);
        }
        if (s_.fault_policy) apply_fault_policy(machine_, *s_.fault_policy);
        if (o.attach) o.attach(machine_);
    }

    ScenarioResult go() {
        view_.add_listener([this](const tock::TockEvent& e) { on_tock(e); });
        view_.scan_apps();
        record_.console.on_line([this](Picos t, std::string_view line) {
            trace_.on_console_line(t, kConsole, line);
            if (is_panic_line(line)) note_panic(t, std::string(line));
        });
        machine_.events().subscribe([this](const Event& e) { on_machine(e); });
        machine_.reset();
        machine_.board().set_gpio_input(kButtonPort, kButtonPin, true);  // released
        for (const auto& a : s_.timeline)
            if (a.at) schedule(a, *a.at);

        const RunResult r = run_ ? run_(machine_, s_.budget) : machine_.run_until(s_.budget);
        const Picos end = machine_.clock().now();
        marks_.finish();
        if (finished_) finished_(machine_);
        record_.console.flush(end);
        trace_.finish(end);
        record_.processes = view_.processes();
        record_.trace_hash = trace_.hash();
        record_.end_time = end;
        record_.kernel_stack = marks_.kernel();
        for (const auto& p : record_.processes)
            if (const tock::ProcessMarks* m = marks_.process(p.index)) record_.marks[p.index] = *m;

        ScenarioResult out;
        out.virtual_time = end;
        out.instructions = machine_.instructions();
        out.trace_hash = record_.trace_hash;
        out.stop = stop_text(r, ended_);
        if (r.reason == StopReason::Lockup) note_panic(end, "lockup: " + r.message);
        for (const auto& res : evaluate(s_, record_)) {
            CheckResult c;
            c.name = res.expectation ? res.expectation->describe() : "timeline";
            c.where = res.expectation ? res.expectation->where.str() : s_.file.string();
            c.passed = res.passed;
            c.expected = res.expected;
            c.actual = res.actual;
            out.checks.push_back(std::move(c));
        }
        out.process_summary = trace::summary_table(view_);
        out.console = record_.console.text();
        const bool itm = has_kernel_events(record_);
        for (const auto& t : triggers_)
            if (!t.fired)
                out.notes.push_back(fmt::format(
                    "{}: never triggered: {}{}", t.action->where.str(), t.action->describe(),
                    t.action->when->kind == EventSpec::Kind::Kernel && !itm
                        ? fmt::format(" ({})", kNoKernelEvents)
                        : ""));
        return out;
    }

  private:
    struct Trigger {
        const Action* action;
        std::uint64_t seen = 0;
        bool fired = false;
        std::uint64_t last_line = ~0ull;    // console: a line counts once
        std::optional<std::regex> console;  // compiled once: it is tried at every console byte
    };

    void on_machine(const Event& e) {
        view_.on_event(e);
        marks_.on_machine(e);
        trace_.on_machine(e);
        std::visit(
            [&](const auto& p) {
                using T = std::decay_t<decltype(p)>;
                if constexpr (std::is_same_v<T, UartTxEvent>) {
                    if (p.usart == kConsole) on_console_byte(e.time, p.byte);
                } else if constexpr (std::is_same_v<T, GpioEvent>) {
                    if (!p.output) return;
                    const GpioEdge g{e.time, p.port, p.pin, p.level};
                    record_.gpio.push_back(g);
                    for (auto& t : triggers_)
                        if (!t.fired && matches_gpio(*t.action->when, g)) hit(t, e.time);
                } else if constexpr (std::is_same_v<T, SvcEvent>) {
                    if (!p.unprivileged && !injections_.empty()) inject_at_switch(e.time);
                } else if constexpr (std::is_same_v<T, LockupEvent>) {
                    note_panic(e.time, "lockup: " + p.reason);
                }
            },
            e.payload);
    }

    void on_tock(const tock::TockEvent& e) {
        record_.events.push_back(e);
        marks_.on_tock(e);
        trace_.on_tock(e);
        if (const auto* k = std::get_if<tock::KernelMessage>(&e.payload);
            k && k->port == 0 && k->type == tock::kKmPanic)
            note_panic(e.time, "kernel panic event");
        if (const auto* f = std::get_if<tock::KernelFault>(&e.payload))
            note_panic(e.time, "kernel fault: " + f->fault.detail);
        for (auto& t : triggers_)
            if (!t.fired && matches(*t.action->when, e, view_.processes())) hit(t, e.time);
    }

    void on_console_byte(Picos t, std::uint8_t b) {
        record_.console.on_byte(t, b);
        if (b == '\n') {
            line_.clear();
            ++line_no_;
            return;
        }
        if (b != '\r') line_ += static_cast<char>(b);
        // Prompts end without a newline, so a line is matched while it is being printed.
        for (auto& trig : triggers_) {
            if (trig.fired || trig.last_line == line_no_) continue;
            const bool hit_line = trig.console ? std::regex_search(line_, *trig.console)
                                               : matches_line(*trig.action->when, line_);
            if (hit_line) {
                trig.last_line = line_no_;
                hit(trig, t);
            }
        }
    }

    void hit(Trigger& t, Picos now) {
        if (++t.seen < t.action->occurrence) return;
        t.fired = true;
        schedule(*t.action, now);
    }

    void schedule(const Action& a, Picos at) {
        machine_.clock().schedule_at(
            at + a.delay, [this, &a] { perform(a); }, "scenario action");
    }

    void note_panic(Picos t, std::string reason) {
        if (record_.panic_time) return;
        record_.panic_time = t;
        record_.panic_reason = std::move(reason);
    }

    int process_index(const Action& a) {
        const tock::Process* p = view_.find(a.process);
        if (!p) action_error(a, fmt::format("no process named '{}' in app flash", a.process));
        return p ? p->index : tock::kNoProcess;
    }

    void action_error(const Action& a, const std::string& why) {
        record_.action_errors.push_back(
            fmt::format("{}: {}: {}", a.where.str(), a.describe(), why));
    }

    void console_command(const std::string& line) {
        const std::string bytes = line + "\r";
        machine_.board().inject_uart_rx(
            kConsole, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    }

    void perform(const Action& a) {
        const Picos now = machine_.clock().now();
        trace_.on_note(now, "action", a.describe());
        switch (a.kind) {
            case Action::Kind::Send:
                machine_.board().inject_uart_rx(
                    kConsole,
                    std::span(reinterpret_cast<const std::uint8_t*>(a.text.data()), a.text.size()));
                break;
            case Action::Kind::Press:
                machine_.board().set_gpio_input(kButtonPort, kButtonPin, false);
                if (a.hold)
                    machine_.clock().schedule_in(
                        *a.hold,
                        [this] { machine_.board().set_gpio_input(kButtonPort, kButtonPin, true); },
                        "scenario button release");
                break;
            case Action::Kind::Release:
                machine_.board().set_gpio_input(kButtonPort, kButtonPin, true);
                break;
            case Action::Kind::InjectFault:
                if (int p = process_index(a); p != tock::kNoProcess)
                    injections_.push_back(Injection{&a, p});
                break;
            case Action::Kind::Corrupt:
                corrupt(a);
                break;
            case Action::Kind::Stop:
            case Action::Kind::Start:
            case Action::Kind::Kill:
            case Action::Kind::Restart:
                process_console(a);
                break;
            case Action::Kind::End:
                ended_ = true;
                machine_.request_stop();
                break;
            case Action::Kind::SetSensor:
                set_sensors(a);
                break;
        }
    }

    void corrupt(const Action& a) {
        std::uint32_t addr = a.address.value_or(0);
        if (!a.address) {
            const int p = process_index(a);
            if (p == tock::kNoProcess) return;
            const tock::Process& proc = *view_.process(p);
            if (proc.starts == 0) {
                action_error(a, "the process has not started yet, so its RAM is unknown");
                return;
            }
            addr = proc.memory_start + *a.offset;
        }
        if (!write_word(machine_, addr, a.value))
            action_error(a, fmt::format("{:#010x} is not writable memory", addr));
    }

    // The Hail's I2C sensors measure these values from now on (a board whose sensors were
    // replaced reports the action as failed instead of stopping the run).
    void set_sensors(const Action& a) {
        const SensorSetting& s = a.sensors;
        try {
            machine_.board().set_sensors({s.temperature, s.humidity, s.light, s.accel, s.magnetic});
        } catch (const std::exception& e) {
            action_error(a, e.what());
        }
    }

    // Tock's process console (reference §7.6): stop / start (resume) / terminate / boot.
    void process_console(const Action& a) {
        const int p = process_index(a);
        if (p == tock::kNoProcess) return;
        switch (a.kind) {
            case Action::Kind::Stop:
                console_command("stop " + a.process);
                view_.set_stopped(p, true);
                break;
            case Action::Kind::Start:
                console_command("start " + a.process);
                view_.set_stopped(p, false);
                break;
            case Action::Kind::Kill:
                console_command("terminate " + a.process);
                break;
            default:
                console_command("terminate " + a.process);
                console_command("boot " + a.process);
                break;
        }
    }

    // The kernel is about to switch to a process (its own SVC, as Tock's switch_to_user does):
    // PSP points at the frame the exception return will unstack. If it belongs to a process with
    // a pending injection, corrupt the saved PC (-> execute from kernel RAM, which no MPU region
    // grants: MemManage IACCVIOL) or the saved xPSR's Thumb bit (-> UsageFault INVSTATE).
    void inject_at_switch(Picos now) {
        const std::uint32_t psp = machine_.reg(CoreReg::PSP);
        std::array<std::uint8_t, kFrameBytes> frame{};
        if (!machine_.read_memory(psp, frame)) return;
        auto word = [&](std::size_t i) {
            return frame[4 * i] | (frame[4 * i + 1] << 8) | (frame[4 * i + 2] << 16) |
                   (static_cast<std::uint32_t>(frame[4 * i + 3]) << 24);
        };
        const int target = view_.attribute(word(6) & ~1u, psp);
        for (auto it = injections_.begin(); it != injections_.end(); ++it) {
            if (it->proc != target) continue;
            if (it->action->fault == FaultKind::Mpu)
                write_word(machine_, psp + 24, kForbiddenExecAddress);
            else
                write_word(machine_, psp + 28, word(7) & ~kXpsrThumb);
            trace_.on_note(
                now, "inject",
                fmt::format("{} (saved frame at {:#010x})", it->action->describe(), psp));
            injections_.erase(it);
            return;
        }
    }

    struct Injection {
        const Action* action;
        int proc;
    };

    const Scenario& s_;
    Machine machine_;
    tock::TockView view_;
    trace::TraceWriter trace_;
    tock::StackWatermarks marks_;
    RunRecord record_;
    std::vector<Trigger> triggers_;
    std::vector<Injection> injections_;
    std::string line_;
    std::function<RunResult(Machine&, Picos)> run_;
    std::function<void(Machine&)> finished_;
    std::uint64_t line_no_ = 0;
    bool ended_ = false;
};

}  // namespace

std::optional<fs::path> find_app(const fs::path& fw, const std::string& name) {
    for (const fs::path& p : {fw / "apps" / (name + ".tbf"), fw / "apps" / name / (name + ".tbf"),
                              fw / "apps" / (name + ".tab"), fw / "apps" / name / (name + ".tab")})
        if (fs::exists(p)) return p;
    return std::nullopt;
}

ScenarioResult run_scenario(const Scenario& s, const RunOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    ScenarioResult out;
    std::ofstream trace_file;
    if (!o.trace_file.empty()) {
        trace_file.open(o.trace_file, std::ios::binary);
        if (!trace_file) {
            out.name = s.name;
            out.file = s.file;
            out.error = fmt::format("cannot write the trace file {}", o.trace_file.string());
            return out;
        }
    }
    try {
        auto run = std::make_unique<Run>(s, o, trace_file.is_open() ? &trace_file : nullptr);
        run->load(o);
        out = run->go();
        out.verdict =
            out.failed() == 0 ? ScenarioResult::Verdict::Pass : ScenarioResult::Verdict::Fail;
    } catch (const std::exception& e) {
        // LoadError, TbfError, RunError: the run could not happen as written.
        out.verdict = ScenarioResult::Verdict::Error;
        out.error = e.what();
    }
    out.name = s.name;
    out.file = s.file;
    out.host_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

ScenarioResult run_scenario_file(const fs::path& file, const RunOptions& o) {
    try {
        return run_scenario(parse_scenario_file(file), o);
    } catch (const ScenarioError& e) {
        ScenarioResult r;
        r.name = file.stem().string();
        r.file = file;
        r.verdict = ScenarioResult::Verdict::Error;
        r.error = e.what();
        return r;
    }
}

}  // namespace tockemu::scenario
