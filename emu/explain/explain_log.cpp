#include "emu/explain/explain_log.hpp"

#include <array>
#include <type_traits>
#include <variant>

#include <capstone/capstone.h>
#include <fmt/format.h>

#include "emu/mpu/mpu.hpp"
#include "emu/tock/syscall.hpp"

namespace tockemu::explain {

namespace {

constexpr const char* kIndent = "                   ";  // continuation lines line up with text
constexpr std::uint32_t kCfsrIaccviol = 1u << 0;
constexpr std::uint32_t kCfsrMstkerr = 1u << 4;
constexpr std::uint32_t kCfsrStkerr = 1u << 12;
constexpr std::uint32_t kCfsrInvstate = 1u << 17;  // return to a frame with EPSR.T = 0
constexpr std::uint32_t kCfsrInvpc = 1u << 18;
// A refused access this close below a process's RAM block is its stack running off the end.
constexpr std::uint32_t kStackOverflowSlack = 1024;
// Accesses this close to address 0 are NULL-pointer dereferences (or small offsets from one).
constexpr std::uint32_t kNullPage = 0x100;

std::string hex(std::uint32_t v) {
    return fmt::format("0x{:08x}", v);
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
    return fmt::format("{} B", bytes);
}

std::string stamp(Picos t) {
    const std::uint64_t ns = t / 1000;
    return fmt::format("[{:>5}.{:06} ms]", ns / 1'000'000, ns % 1'000'000);
}

// Configurable Fault Status Register bits, in plain words (ARMv7-M ARM B3.2.15).
struct CfsrBit {
    unsigned bit;
    const char* name;
    const char* words;
};
constexpr std::array<CfsrBit, 17> kCfsrBits = {{
    {0, "IACCVIOL", "instruction fetch from a location the MPU forbids"},
    {1, "DACCVIOL", "data access the MPU forbids"},
    {3, "MUNSTKERR", "unstacking an exception frame was refused by the MPU"},
    {4, "MSTKERR", "stacking an exception frame was refused by the MPU"},
    {5, "MLSPERR", "lazy floating-point state preservation was refused by the MPU"},
    {7, "MMARVALID", "MMFAR holds the faulting address"},
    {8, "IBUSERR", "bus error on an instruction fetch"},
    {9, "PRECISERR", "precise bus error on a data access"},
    {10, "IMPRECISERR", "imprecise bus error on a data access"},
    {11, "UNSTKERR", "bus error while unstacking"},
    {12, "STKERR", "bus error while stacking"},
    {15, "BFARVALID", "BFAR holds the faulting address"},
    {16, "UNDEFINSTR", "undefined instruction"},
    {17, "INVSTATE", "executing with the Thumb bit clear (invalid state)"},
    {18, "INVPC", "invalid EXC_RETURN / PC on exception return"},
    {24, "UNALIGNED", "unaligned access where alignment is required"},
    {25, "DIVBYZERO", "division by zero"},
}};

std::string cfsr_text(std::uint32_t cfsr) {
    std::string names, words;
    for (const auto& b : kCfsrBits) {
        if (!(cfsr & (1u << b.bit))) continue;
        // Appended piecewise: `"; " + str` trips GCC 12's -Wrestrict false positive at -O3.
        if (!names.empty()) names += ' ';
        names += b.name;
        if (b.bit == 7 || b.bit == 15) continue;
        if (!words.empty()) words += "; ";
        words += b.words;
    }
    return fmt::format("CFSR={:#010x} ({}){}{}", cfsr, names.empty() ? "none" : names,
                       words.empty() ? "" : ": ", words);
}

std::string policy_action(std::uint32_t action) {
    switch (action) {
        case 0:
            return "panic: the whole kernel stops";
        case 1:
            return "stop: the process stays faulted, the others keep running";
        case 2:
            return "restart: the process starts again from its entry point";
        default:
            return fmt::format("action {}", action);
    }
}

}  // namespace

ExplainLog::ExplainLog(const IsolationTracker& tracker, tock::MemoryReader read,
                       SymbolLookup symbols, Sink out, ExplainOptions options)
    : tracker_(tracker),
      read_(std::move(read)),
      symbols_(std::move(symbols)),
      out_(std::move(out)),
      options_(options) {
    csh h = 0;
    if (cs_open(CS_ARCH_ARM, static_cast<cs_mode>(CS_MODE_THUMB | CS_MODE_MCLASS), &h) == CS_ERR_OK)
        disassembler_ = h;
}

ExplainLog::~ExplainLog() {
    if (disassembler_ != 0) {
        csh h = disassembler_;
        cs_close(&h);
    }
}

std::string ExplainLog::disassemble(std::uint32_t pc) const {
    std::array<std::uint8_t, 4> code{};
    if (disassembler_ == 0 || !read_ || !read_(pc & ~1u, code)) return "";
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(disassembler_, code.data(), code.size(), pc & ~1u, 1, &insn);
    std::string text;
    if (n > 0) {
        text = insn[0].mnemonic;
        if (insn[0].op_str[0] != '\0') text += std::string(" ") + insn[0].op_str;
    }
    if (insn) cs_free(insn, n);
    return text.empty() ? "" : "`" + text + "`";
}

void ExplainLog::line(Picos t, const std::string& text) {
    if (out_) out_(stamp(t) + " " + text + "\n");
}

std::string ExplainLog::name(int proc) const {
    const tock::Process* p = tracker_.view().process(proc);
    return p ? p->image.name : "unidentified unprivileged code";
}

MemoryMap ExplainLog::map_now(int proc) const {
    return capture_memory_map(tracker_, symbols_, 0, 0, proc);
}

void ExplainLog::on_machine(const Event& e) {
    if (const auto* d = std::get_if<MpuDeniedEvent>(&e.payload)) {
        denied_ = *d;
    } else if (const auto* l = std::get_if<LockupEvent>(&e.payload)) {
        flush_switch();
        line(e.time, fmt::format("LOCKUP of the core at pc {}: {} (nothing runs any more)",
                                 hex(l->pc), l->reason));
    }
}

void ExplainLog::flush_switch() {
    if (!pending_switch_) return;
    const auto [t, c] = *pending_switch_;
    pending_switch_.reset();
    context_switch(t, c);
}

void ExplainLog::on_tock(const tock::TockEvent& e) {
    if (const auto* c = std::get_if<tock::ContextSwitch>(&e.payload)) {
        flush_switch();
        pending_switch_ = {e.time, *c};
        return;
    }
    const auto* s = std::get_if<tock::ProcessStarted>(&e.payload);
    if (!(s && pending_switch_ && pending_switch_->second.to == s->proc)) flush_switch();
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, tock::ProcessLoaded>) {
                loaded(e.time, p.proc);
            } else if constexpr (std::is_same_v<T, tock::ProcessStarted>) {
                started(e.time, p);
                flush_switch();
            } else if constexpr (std::is_same_v<T, tock::SyscallMade>) {
                syscall(e.time, p);
            } else if constexpr (std::is_same_v<T, tock::SyscallReturned>) {
                returned(e.time, p);
            } else if constexpr (std::is_same_v<T, tock::UpcallDelivered>) {
                upcall(e.time, p);
            } else if constexpr (std::is_same_v<T, tock::ProcessFaulted>) {
                fault(e.time, p);
            } else if constexpr (std::is_same_v<T, tock::ProcessExited>) {
                line(e.time, fmt::format("{} called exit-{}({}){}", name(p.proc),
                                         p.restart ? "restart" : "terminate", p.completion_code,
                                         p.restart ? ": the kernel will start it again"
                                                   : ": the kernel ends it"));
            } else if constexpr (std::is_same_v<T, tock::KernelFault>) {
                const std::string fn = symbolize_ ? symbolize_(p.fault.pc) : std::string();
                line(e.time, fmt::format("KERNEL FAULT in privileged code at pc {}{} {}: {}",
                                         hex(p.fault.pc), fn.empty() ? "" : " (" + fn + ")",
                                         disassemble(p.fault.pc), p.fault.detail));
                line(e.time, kIndent + cfsr_text(p.fault.cfsr));
            } else if constexpr (std::is_same_v<T, tock::KernelMessage>) {
                kernel_message(e.time, p);
            }
        },
        e.payload);
}

void ExplainLog::loaded(Picos t, int proc) {
    const tock::Process* p = tracker_.view().process(proc);
    if (!p || !loaded_.insert(proc).second) return;
    const auto& img = p->image;
    line(t, fmt::format("{} found in app flash: TBF {}-{} ({}), entry {}, asks for {} of RAM{}",
                        img.name, hex(img.flash_start), hex(img.flash_end() - 1),
                        size_text(img.total_size), hex(img.entry), size_text(img.min_ram),
                        img.enabled ? "" : " (disabled: the kernel will not run it)"));
}

void ExplainLog::started(Picos t, const tock::ProcessStarted& s) {
    const std::string what =
        s.restart_count == 0 ? "started" : fmt::format("restarted (restart #{})", s.restart_count);
    line(t, fmt::format("{} {}: RAM block {}-{} ({}), app break {} (the rest of the block is "
                        "not yet the app's)",
                        name(s.proc), what, hex(s.memory_start),
                        hex(s.memory_start + s.memory_len - 1), size_text(s.memory_len),
                        hex(s.initial_break)));
}

std::string ExplainLog::region_role(const MapMpuRegion& r, int proc) const {
    const tock::Process* p = tracker_.view().process(proc);
    const ProcessMemory* m = tracker_.memory(proc);
    if (p && r.base >= p->image.flash_start && r.base < p->image.flash_end())
        return "its own flash (code, read-only data)";
    if (m && m->known() && r.base >= m->block_start && r.base < m->block_end)
        return fmt::format("its RAM block; enabled sub-regions end at or above the app break {}",
                           hex(m->app_break));
    const std::string owner = describe_address(map_now(proc), r.base);
    return owner.empty() ? "" : owner;
}

void ExplainLog::context_switch(Picos t, const tock::ContextSwitch& c) {
    if (c.to == tock::kNoProcess) return;
    const std::string who = c.from == tock::kNoProcess
                                ? fmt::format("first switch to {}", name(c.to))
                                : fmt::format("switch {} -> {}", name(c.from), name(c.to));
    const ProcessMemory* m = tracker_.memory(c.to);
    const std::optional<MpuConfigEvent> now = m ? m->mpu : std::nullopt;
    auto& shown = shown_mpu_[c.to];
    auto same = [](const std::optional<MpuConfigEvent>& a, const std::optional<MpuConfigEvent>& b) {
        return a.has_value() == b.has_value() &&
               (!a || (a->ctrl == b->ctrl && a->rbar == b->rbar && a->rasr == b->rasr));
    };
    if (same(shown, now)) {
        line(t, who + "; MPU regions as last shown for it");
        return;
    }
    shown = now;
    if (!now || !(now->ctrl & Mpu::kCtrlEnable)) {
        line(t, who + "; the MPU is OFF: nothing protects the rest of memory from it");
        return;
    }
    line(t, who + "; MPU regions now in force (all else is refused to it):");
    const MemoryMap map = map_now(c.to);
    for (const auto& r : map.mpu) {
        std::string subs = "none";
        if (r.has_subregions) {
            subs.clear();
            for (unsigned s = 0; s < 8; ++s) subs += r.sub_enabled[s] ? '+' : '-';
        }
        line(t, fmt::format("{}r{} {}-{} {:>7} sub {:<8} {:<24} = {}", kIndent, r.number,
                            hex(r.base), hex(static_cast<std::uint32_t>(r.base + r.size - 1)),
                            size_text(r.size), subs, r.access, region_role(r, c.to)));
    }
}

void ExplainLog::syscall(Picos t, const tock::SyscallMade& s) {
    const auto& call = s.call;
    if (call.cls == tock::SyscallClass::Subscribe && call.args[2] != 0)
        upcall_names_[s.proc][call.args[2] & ~1u] = fmt::format(
            "{}.{}",
            tock::driver_name(call.driver).empty() ? fmt::format("{:#x}", call.driver)
                                                   : std::string(tock::driver_name(call.driver)),
            call.number);
    if (!options_.syscalls || tock::syscall_has_return_value(call)) return;
    if (call.cls == tock::SyscallClass::Yield && !options_.yields) return;
    std::string note;
    if (call.cls == tock::SyscallClass::Yield && call.number == 1)
        note = " (sleeps until the kernel has an upcall for it)";
    if (!call.cls) note = " (not a valid syscall class: the kernel faults the process)";
    line(t, fmt::format("{}: {}{}", name(s.proc), tock::describe(call), note));
}

void ExplainLog::returned(Picos t, const tock::SyscallReturned& r) {
    if (!options_.syscalls) return;
    std::string note;
    if (r.call.cls == tock::SyscallClass::Memop && r.ret.is_success() &&
        (r.call.number == 0 || r.call.number == 1))
        if (const ProcessMemory* m = tracker_.memory(r.proc))
            note = fmt::format("; app break now {}", hex(m->app_break));
    if (r.ret.error() == tock::ErrorCode::NOMEM)
        note = r.call.cls == tock::SyscallClass::Memop
                   ? " (the break may not move there: it would leave the block or reach the "
                     "grant region)"
                   : " (no room in its grant region for what the capsule needs)";
    line(t, fmt::format("{}: {} -> {}{}", name(r.proc), tock::describe(r.call),
                        tock::describe_return(r.call, r.ret), note));
}

void ExplainLog::upcall(Picos t, const tock::UpcallDelivered& u) {
    std::string from = "an upcall";
    if (auto p = upcall_names_.find(u.proc); p != upcall_names_.end())
        if (auto f = p->second.find(u.function); f != p->second.end()) from = "upcall " + f->second;
    line(t, fmt::format("{}: {} delivered: the kernel runs {}({}, {}, {}) in the process",
                        name(u.proc), from, hex(u.function), u.args[0], u.args[1], u.args[2]));
}

std::string ExplainLog::fault_what(const tock::ProcessFaulted& f, const MemoryMap& map,
                                   const std::optional<MpuDeniedEvent>& d) const {
    const FaultEvent& x = f.fault;
    auto where = [&](std::uint32_t a) {
        if (a < kNullPage) return std::string(" (a NULL pointer: nothing there is any process's)");
        const std::string w = describe_address(map, a);
        return w.empty() ? std::string() : " (" + w + ")";
    };
    const std::string insn = disassemble(x.pc);
    if (x.cfsr & kCfsrIaccviol)
        return fmt::format("it jumped to {}{} and tried to execute {} there", hex(x.pc),
                           where(x.pc), insn.empty() ? "what it found" : insn);
    if (x.cfsr & (kCfsrInvstate | kCfsrInvpc))
        return fmt::format(
            "on the exception return that should resume it at {}, the core "
            "refused: {}",
            hex(x.pc), x.detail.empty() ? "invalid state" : x.detail);
    if (x.cfsr & (kCfsrMstkerr | kCfsrStkerr)) {
        const std::uint32_t at = d ? d->address : x.address;
        return fmt::format(
            "pushing an exception frame onto its stack, the core's write at {}{} "
            "was refused",
            hex(at), where(at));
    }
    if (d) {
        const char* verb =
            d->kind == static_cast<std::uint8_t>(AccessKind::Write) ? "write" : "read";
        return fmt::format("{} at {} tried to {} {} bytes at {}{}",
                           insn.empty() ? "the instruction" : insn, hex(x.pc), verb, d->size,
                           hex(d->address), where(d->address));
    }
    return fmt::format("{} at {}: {}", insn.empty() ? "the instruction" : insn, hex(x.pc),
                       x.detail.empty() ? "raised a fault" : x.detail);
}

void ExplainLog::fault(Picos t, const tock::ProcessFaulted& f) {
    const FaultEvent& x = f.fault;
    const MemoryMap map = map_now(f.proc);
    std::optional<MpuDeniedEvent> d;
    if (denied_ && (denied_->pc == x.pc || (x.address_valid && denied_->address == x.address)))
        d = denied_;
    denied_.reset();
    line(t, fmt::format("FAULT in {} ({}): {}", name(f.proc), f.cause, fault_what(f, map, d)));

    // Which region decided and why: from the refusal event, or (instruction fetches, which the
    // core reports without one) from the process's MPU configuration.
    const ProcessMemory* m = tracker_.memory(f.proc);
    std::optional<std::uint32_t> address;
    if (d) {
        address = d->address;
        const std::string region =
            d->region >= 0
                ? fmt::format("region r{} ({}-{}) decided", d->region, hex(d->region_base),
                              hex(d->region_base + d->region_size - 1))
                : std::string("no region allowed it");
        line(t, fmt::format("{}the MPU refused it: {}; {}", kIndent, region, d->reason));
    } else if ((x.cfsr & kCfsrIaccviol) && m && m->mpu) {
        address = x.pc;
        const MpuDecision dec = decide_unprivileged(*m->mpu, x.pc, AccessKind::Execute);
        std::string region = "no region allowed it";
        if (dec.region >= 0) {
            const MpuRegion r{m->mpu->rbar[static_cast<unsigned>(dec.region)],
                              m->mpu->rasr[static_cast<unsigned>(dec.region)]};
            region = fmt::format("region r{} ({}-{}) decided", dec.region, hex(r.base()),
                                 hex(r.base() + r.size_bytes() - 1));
        }
        line(t, fmt::format("{}the MPU refused it: {}; {}", kIndent, region, dec.reason));
    }
    if (address && m && m->known() && *address < m->block_start &&
        m->block_start - *address <= kStackOverflowSlack)
        line(t, fmt::format("{}that is just below {}'s RAM block, where its stack grows down: a "
                            "stack overflow, stopped before it could touch anyone else's memory",
                            kIndent, name(f.proc)));
    line(t, kIndent + cfsr_text(x.cfsr));
    line(t, fmt::format("{}the process's code never continues past this point; the kernel takes "
                        "over and applies its fault policy",
                        kIndent));
}

void ExplainLog::kernel_message(Picos t, const tock::KernelMessage& k) {
    if (k.port != 0) return;
    const auto& w = k.words;
    auto slot_name = [&](std::uint32_t slot) { return name(tracker_.proc_for_slot(slot)); };
    auto driver = [](std::uint32_t d) {
        const auto n = tock::driver_name(d);
        return n.empty() ? fmt::format("driver {:#x}", d) : fmt::format("{} ({:#x})", n, d);
    };
    switch (k.type) {
        case tock::kKmBoot:
            if (w.size() >= 4)
                line(t, fmt::format("kernel booted: its RAM {}-{}, RAM for processes {}-{}",
                                    hex(w[0]), hex(w[0] + w[1] - 1), hex(w[2]), hex(w[3] - 1)));
            break;
        case tock::kKmProcessLoaded:
            if (w.size() >= 4)
                line(t, fmt::format("kernel loaded {} into slot {}: flash {}, RAM block {}-{} "
                                    "({})",
                                    slot_name(w[0]), w[0], hex(w[1]), hex(w[2]),
                                    hex(w[2] + w[3] - 1), size_text(w[3])));
            break;
        case tock::kKmGrantAlloc:
            if (w.size() >= 4) {
                const ProcessMemory* m = tracker_.memory(tracker_.proc_for_slot(w[0]));
                line(t, fmt::format("grant: capsule {} got {} bytes of {}'s grant region{}; {} "
                                    "bytes left for grants",
                                    driver(w[1]), w[2], slot_name(w[0]),
                                    m && !m->grants.empty() ? " at " + hex(m->grants.back().address)
                                                            : std::string(),
                                    w[3]));
            }
            break;
        case tock::kKmGrantNoMem:
            if (w.size() >= 4)
                line(t, fmt::format("grant refused: capsule {} needs {} bytes in {}'s grant "
                                    "region, only {} left -> the call returns NOMEM; only this "
                                    "process is affected",
                                    driver(w[1]), w[2], slot_name(w[0]), w[3]));
            break;
        case tock::kKmProcessFault:
            break;  // the ProcessFaulted line already says all of it
        case tock::kKmPolicyDecision:
            if (w.size() >= 3)
                line(t, fmt::format("kernel fault policy for {} (faults restarted so far: {}): {}",
                                    slot_name(w[0]), w[2], policy_action(w[1])));
            break;
        case tock::kKmProcessTerminated:
            if (w.size() >= 3)
                line(t, fmt::format("kernel terminated {}{}", slot_name(w[0]),
                                    w[1] ? fmt::format(" (completion code {})", w[2]) : ""));
            break;
        case tock::kKmPanic:
            line(t, "KERNEL PANIC: the kernel halts (every process stops)");
            break;
        case tock::kKmLoadFailed:
            line(t, fmt::format("kernel could not load an app ({} words: {:#x})", w.size(),
                                fmt::join(w, ", ")));
            break;
        default:
            break;
    }
}

void ExplainLog::finish(Picos end_time) {
    flush_switch();
    std::string states;
    for (const auto& p : tracker_.view().processes())
        states += fmt::format("{}{} {} (restarts {})", states.empty() ? "" : ", ", p.image.name,
                              tock::state_name(p.state), p.restarts());
    line(end_time, "end of run: " + (states.empty() ? std::string("no processes") : states));
    watermark_lines(end_time);
}

// High-water marks (tock::StackWatermarks): what each stack and heap needed at most.
void ExplainLog::watermark_lines(Picos t) {
    const auto& marks = tracker_.marks();
    if (const auto& k = marks.kernel())
        line(t, fmt::format("kernel stack {:#010x}-{:#010x}: deepest use {}", k->start, k->end,
                            tock::describe(*k)));
    for (const auto& p : tracker_.view().processes()) {
        const tock::ProcessMarks* m = marks.process(p.index);
        if (!m || (!m->stack && m->heap_start == 0)) continue;
        std::string text = p.image.name + ":";
        if (m->stack) text += " stack deepest use " + tock::describe(*m->stack);
        if (m->heap_start != 0)
            text += fmt::format("{} heap high-water {} bytes (app break at most {:#010x})",
                                m->stack ? ";" : "", m->heap_max_bytes(),
                                std::max(m->max_break, m->heap_start));
        line(t, text);
    }
}

}  // namespace tockemu::explain
