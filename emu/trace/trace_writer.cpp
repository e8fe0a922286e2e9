// JSON-lines trace writer; record shapes are documented in docs/0006-trace.md.
#include "emu/trace/trace_writer.hpp"

#include <fmt/format.h>

namespace tockemu::trace {

namespace {

constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::string words_json(std::span<const std::uint32_t> w) {
    std::string s = "[";
    for (std::size_t i = 0; i < w.size(); ++i) s += fmt::format("{}\"{:#x}\"", i ? "," : "", w[i]);
    return s + "]";
}

std::string_view access_name(std::uint8_t kind) {
    switch (kind) {
        case 0:
            return "read";
        case 1:
            return "write";
        case 2:
            return "execute";
        default:
            return "?";
    }
}

std::string ms(Picos t) {
    return fmt::format("{:.3f}", static_cast<double>(t) / 1e9);
}

}  // namespace

TraceWriter::TraceWriter(const tock::TockView& view, std::ostream* out) : view_(view), out_(out) {}

JsonObject TraceWriter::start(Picos time, std::uint64_t instructions, std::string_view kind) const {
    JsonObject o;
    o.field("t_ps", static_cast<std::uint64_t>(time));
    o.field("insn", instructions);
    o.field("ev", kind);
    return o;
}

void TraceWriter::write(const JsonObject& o) {
    const std::string line = o.str() + "\n";
    for (unsigned char c : line) {
        hash_ ^= c;
        hash_ *= kFnvPrime;
    }
    ++records_;
    if (out_) *out_ << line;
}

std::string TraceWriter::hash() const {
    return fmt::format("fnv1a64:{:016x}", hash_);
}

std::string TraceWriter::proc_json(int proc) const {
    const auto* p = view_.process(proc);
    return p ? json_quote(p->image.name) : std::string("null");
}

void TraceWriter::on_tock(const tock::TockEvent& e) {
    using namespace tock;
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, ProcessLoaded>) {
                const auto& img = view_.process(p.proc)->image;
                auto o = start(e.time, e.instructions, "process_loaded");
                o.raw("proc", proc_json(p.proc))
                    .hex("flash", img.flash_start)
                    .field("flash_size", img.total_size)
                    .hex("entry", img.entry)
                    .field("min_ram", img.min_ram)
                    .field("enabled", img.enabled);
                write(o);
            } else if constexpr (std::is_same_v<T, ProcessStarted>) {
                auto o = start(e.time, e.instructions, "process_start");
                o.raw("proc", proc_json(p.proc))
                    .field("restart_count", p.restart_count)
                    .hex("ram", p.memory_start)
                    .field("ram_size", p.memory_len)
                    .hex("break", p.initial_break);
                write(o);
            } else if constexpr (std::is_same_v<T, ContextSwitch>) {
                auto o = start(e.time, e.instructions, "switch");
                o.raw("from", proc_json(p.from)).raw("proc", proc_json(p.to));
                write(o);
            } else if constexpr (std::is_same_v<T, SyscallMade>) {
                auto o = start(e.time, e.instructions, "syscall");
                o.raw("proc", proc_json(p.proc));
                o.field("class", p.call.cls ? class_name(*p.call.cls) : "invalid");
                o.field("driver", p.call.driver).field("num", p.call.number);
                o.raw("args", words_json(p.call.args));
                o.hex("pc", p.pc).field("text", describe(p.call));
                write(o);
            } else if constexpr (std::is_same_v<T, SyscallReturned>) {
                auto o = start(e.time, e.instructions, "syscall_return");
                o.raw("proc", proc_json(p.proc));
                o.field("class", p.call.cls ? class_name(*p.call.cls) : "invalid");
                o.field("driver", p.call.driver).field("num", p.call.number);
                o.raw("r", words_json(p.ret.r));
                if (p.ret.is_failure() && p.call.cls != SyscallClass::Yield)
                    o.field("error", error_name(p.ret.r[1]));
                o.field("text", describe_return(p.call, p.ret));
                write(o);
            } else if constexpr (std::is_same_v<T, UpcallDelivered>) {
                auto o = start(e.time, e.instructions, "upcall");
                o.raw("proc", proc_json(p.proc)).hex("fn", p.function);
                o.raw("args", words_json(p.args));
                write(o);
            } else if constexpr (std::is_same_v<T, ProcessFaulted>) {
                auto o = start(e.time, e.instructions, "fault");
                o.raw("proc", proc_json(p.proc)).field("cause", p.cause);
                o.field("class", tock::fault_class_name(p.fault.cls)).hex("pc", p.fault.pc);
                if (p.fault.address_valid) o.hex("addr", p.fault.address);
                o.hex("cfsr", p.fault.cfsr).hex("hfsr", p.fault.hfsr);
                o.field("detail", p.fault.detail);
                write(o);
            } else if constexpr (std::is_same_v<T, ProcessExited>) {
                auto o = start(e.time, e.instructions, "exit");
                o.raw("proc", proc_json(p.proc)).field("restart", p.restart);
                o.field("code", p.completion_code);
                write(o);
            } else if constexpr (std::is_same_v<T, KernelFault>) {
                auto o = start(e.time, e.instructions, "kernel_fault");
                o.field("cause", fault_cause(p.fault)).hex("pc", p.fault.pc);
                if (p.fault.address_valid) o.hex("addr", p.fault.address);
                o.hex("cfsr", p.fault.cfsr).hex("hfsr", p.fault.hfsr);
                o.field("detail", p.fault.detail);
                write(o);
            } else if constexpr (std::is_same_v<T, KernelMessage>) {
                auto o = start(e.time, e.instructions, "kernel");
                o.field("port", p.port).field("type", tock::kernel_message_name(p.type));
                o.raw("words", words_json(p.words));
                write(o);
            }
        },
        e.payload);
}

void TraceWriter::on_machine(const Event& e) {
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, ExceptionEntryEvent>) {
                // Interrupts as the core takes them (the NVIC line events, when a model publishes
                // them, are written as "irq" with a level). SysTick is the scheduler's timeslice.
                if (p.exception < 15) return;
                auto o = start(e.time, e.instructions, p.exception == 15 ? "systick" : "irq_taken");
                if (p.exception > 15) o.field("irq", p.exception - 16);
                o.raw("preempted", p.from_thread && p.from_psp ? proc_json(view_.current())
                                                               : std::string("\"kernel\""));
                write(o);
            } else if constexpr (std::is_same_v<T, IrqEvent>) {
                auto o = start(e.time, e.instructions, "irq");
                o.field("irq", p.irq).field("level", p.level);
                write(o);
            } else if constexpr (std::is_same_v<T, MpuConfigEvent>) {
                // Kernels flip CTRL.ENABLE on every switch; only a change of regions is news.
                std::array<std::uint32_t, 16> regions{};
                for (std::size_t i = 0; i < 8; ++i) {
                    regions[2 * i] = p.rbar[i];
                    regions[2 * i + 1] = p.rasr[i];
                }
                if (mpu_seen_ && regions == mpu_regions_) return;
                mpu_seen_ = true;
                mpu_regions_ = regions;
                std::string list = "[";
                for (std::size_t i = 0; i < 8; ++i) {
                    const std::uint32_t rasr = p.rasr[i];
                    if (!(rasr & 1u)) continue;
                    const unsigned size_log2 = ((rasr >> 1) & 0x1f) + 1;
                    const std::uint64_t size = std::uint64_t{1} << size_log2;
                    const std::uint32_t base =
                        p.rbar[i] & static_cast<std::uint32_t>(~(size - 1)) & ~0x1fu;
                    list += fmt::format(
                        "{}{{\"n\":{},\"base\":\"{:#010x}\",\"size\":{},\"ap\":{},\"xn\":{},"
                        "\"srd\":\"{:#04x}\"}}",
                        list.size() > 1 ? "," : "", i, base, size, (rasr >> 24) & 7,
                        (rasr >> 28) & 1 ? "true" : "false", (rasr >> 8) & 0xff);
                }
                auto o = start(e.time, e.instructions, "mpu");
                o.hex("ctrl", p.ctrl).raw("regions", list + "]");
                write(o);
            } else if constexpr (std::is_same_v<T, MpuDeniedEvent>) {
                auto o = start(e.time, e.instructions, "mpu_denied");
                o.raw("proc", proc_json(view_.current()));
                o.hex("pc", p.pc).hex("addr", p.address).field("access", access_name(p.kind));
                o.field("size", p.size).field("region", p.region).field("reason", p.reason);
                write(o);
            } else if constexpr (std::is_same_v<T, GpioEvent>) {
                auto o = start(e.time, e.instructions, "gpio");
                o.field("port", std::string(1, static_cast<char>('A' + p.port)));
                o.field("pin", p.pin).field("level", p.level).field("output", p.output);
                write(o);
            } else if constexpr (std::is_same_v<T, LockupEvent>) {
                auto o = start(e.time, e.instructions, "lockup");
                o.hex("pc", p.pc).field("reason", p.reason);
                write(o);
            } else if constexpr (std::is_same_v<T, SemihostingEvent>) {
                auto o = start(e.time, e.instructions, "semihosting");
                o.field("op", p.op).field("text", p.text);
                write(o);
            }
        },
        e.payload);
}

void TraceWriter::on_console_line(Picos time, unsigned usart, std::string_view line) {
    auto o = start(time, 0, "console");
    o.field("usart", usart).field("text", line);
    write(o);
}

void TraceWriter::on_note(Picos time, std::string_view kind, std::string_view text) {
    auto o = start(time, 0, kind);
    o.field("text", text);
    write(o);
}

void TraceWriter::finish(Picos end_time) {
    for (const auto& p : view_.processes()) {
        auto o = start(end_time, 0, "summary");
        o.raw("proc", json_quote(p.image.name));
        o.field("state", tock::state_name(p.state)).field("restarts", p.restarts());
        o.field("syscalls", p.stats.syscalls).field("upcalls", p.stats.upcalls);
        o.field("faults", p.stats.faults).field("switches_in", p.stats.switches_in);
        o.field("cpu_ps", static_cast<std::uint64_t>(p.stats.cpu_time));
        std::string errs = "{";
        for (const auto& [code, n] : p.stats.errors)
            errs +=
                fmt::format("{}\"{}\":{}", errs.size() > 1 ? "," : "",
                            tock::error_name(code).empty() ? fmt::format("{}", code)
                                                           : std::string(tock::error_name(code)),
                            n);
        o.raw("errors", errs + "}");
        write(o);
    }
}

std::string summary_table(const tock::TockView& view) {
    std::string s =
        fmt::format("{:<16} {:<11} {:>8} {:>8} {:>7} {:>6} {:>9}  {}\n", "process", "state",
                    "restarts", "syscalls", "upcalls", "faults", "cpu_ms", "errors returned");
    for (const auto& p : view.processes()) {
        std::string errs;
        for (const auto& [code, n] : p.stats.errors)
            errs += fmt::format("{}{}x{}", errs.empty() ? "" : " ", tock::error_name(code), n);
        s += fmt::format("{:<16} {:<11} {:>8} {:>8} {:>7} {:>6} {:>9}  {}\n", p.image.name,
                         tock::state_name(p.state), p.restarts(), p.stats.syscalls, p.stats.upcalls,
                         p.stats.faults, ms(p.stats.cpu_time), errs.empty() ? "-" : errs);
    }
    return s;
}

}  // namespace tockemu::trace
