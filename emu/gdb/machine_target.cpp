// Tock-aware GDB target over the Machine; see machine_target.hpp.
#include "emu/gdb/machine_target.hpp"

#include <fmt/format.h>

#include "emu/machine/duration.hpp"
#include "emu/mpu/mpu_explain.hpp"

namespace tockemu::gdb {

namespace {
constexpr unsigned kR4 = 4, kR11 = 11, kR12 = 12, kSp = 13, kLr = 14, kPc = 15, kXpsr = 16;
constexpr unsigned kMsp = 17, kPsp = 18, kControl = 22;
constexpr std::uint32_t kIpsrMask = 0x1FF;
constexpr std::uint32_t kControlSpsel = 1u << 1, kControlNpriv = 1u << 0;
constexpr std::uint32_t kXpsrFrameRealigned = 1u << 9;  // stacked xPSR only (B1.5.7)
constexpr std::uint32_t kFrameBytes = 32;
// Position of each register in the 8-word basic frame (B1.5.6): r0-r3, r12, lr, pc, xPSR.
constexpr int kFrameSlot[] = {0, 1, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1, 4, -1, 5, 6, 7};

// The SAM4L memory map as GDB should see it (sam4l.md §1): flash is programmed in 512-byte
// pages; peripherals and the Private Peripheral Bus are plain memory to GDB.
constexpr std::string_view kMemoryMap = R"(<?xml version="1.0"?>
<!DOCTYPE memory-map PUBLIC "+//IDN gnu.org//DTD GDB Memory Map V1.0//EN" "http://sourceware.org/gdb/gdb-memory-map.dtd">
<memory-map>
  <memory type="flash" start="0x0" length="0x80000">
    <property name="blocksize">0x200</property>
  </memory>
  <memory type="ram" start="0x20000000" length="0x10000"/>
  <memory type="ram" start="0x40000000" length="0x20000000"/>
  <memory type="ram" start="0xe0000000" length="0x20000000"/>
</memory-map>
)";

Machine::WatchKind machine_kind(WatchKind k) {
    switch (k) {
        case WatchKind::Write:
            return Machine::WatchKind::Write;
        case WatchKind::Read:
            return Machine::WatchKind::Read;
        case WatchKind::Access:
            return Machine::WatchKind::Access;
    }
    return Machine::WatchKind::Access;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}
}  // namespace

MachineTarget::MachineTarget(Machine& machine)
    : m_(machine), view_([&machine](std::uint32_t a, std::span<std::uint8_t> out) {
          return machine.read_memory(a, out);
      }) {
    restart_view();
    subscription_ = m_.events().subscribe([this](const Event& e) { on_event(e); });
}

MachineTarget::~MachineTarget() {
    m_.events().unsubscribe(subscription_);
}

void MachineTarget::restart_view() {
    view_ = tock::TockView(
        [this](std::uint32_t a, std::span<std::uint8_t> out) { return m_.read_memory(a, out); });
    view_.add_listener([this](const tock::TockEvent& e) { on_tock_event(e); });
    view_.scan_apps();
    saved_.clear();
    kernel_.reset();
    grants_.clear();
}

void MachineTarget::on_event(const Event& e) {
    // Only plain register reads here (no banked-register access): we are inside the core's
    // exception entry, and observers must not change anything.
    if (const auto* x = std::get_if<ExceptionEntryEvent>(&e.payload)) {
        const int proc = view_.current();
        if (x->from_thread && x->from_psp && proc != tock::kNoProcess) {
            SavedProcess s;
            s.frame = x->frame_address;
            s.unprivileged = x->unprivileged;
            for (unsigned r = kR4; r <= kR11; ++r)
                s.r4_r11[r - kR4] = m_.reg(static_cast<CoreReg>(r));
            saved_[proc] = s;
        }
    } else if (const auto* s = std::get_if<SvcEvent>(&e.payload)) {
        if (!s->unprivileged) {
            SavedKernel k;
            for (unsigned r = 0; r <= kR12; ++r) k.regs[r] = m_.reg(static_cast<CoreReg>(r));
            k.regs[kSp] = s->sp;
            k.regs[kLr] = m_.reg(CoreReg::LR);
            k.regs[kPc] = s->pc + 2;
            k.regs[kXpsr] = m_.reg(CoreReg::XPSR);
            kernel_ = k;
        }
    }
    view_.on_event(e);
}

void MachineTarget::on_tock_event(const tock::TockEvent& e) {
    if (const auto* started = std::get_if<tock::ProcessStarted>(&e.payload)) {
        saved_.erase(started->proc);
        grants_.erase(started->proc);
    } else if (const auto* msg = std::get_if<tock::KernelMessage>(&e.payload)) {
        // Our kernel's grant allocation report: slot, driver, bytes, remaining.
        if (msg->port == 0 && msg->type == tock::kKmGrantAlloc && msg->words.size() >= 4) {
            auto& g = grants_[static_cast<int>(msg->words[0])];
            g.bytes += msg->words[2];
            g.remaining = msg->words[3];
            g.known = true;
        }
    }
}

int MachineTarget::live_process() {
    const std::uint32_t ipsr = m_.reg(CoreReg::XPSR) & kIpsrMask;
    const std::uint32_t control = m_.reg(CoreReg::CONTROL);
    if (ipsr != 0 || !(control & kControlSpsel)) return tock::kNoProcess;
    const int by_address = view_.attribute(m_.reg(CoreReg::PC), m_.reg(CoreReg::SP));
    return by_address != tock::kNoProcess ? by_address : view_.current();
}

std::vector<ThreadId> MachineTarget::threads() {
    std::vector<ThreadId> out{kKernelThread};
    const int live = live_process();
    for (const auto& p : view_.processes()) {
        const bool has_context = p.index == live || saved_.contains(p.index);
        if (has_context && p.state != tock::ProcessState::Terminated)
            out.push_back(kFirstProcessThread + p.index);
    }
    return out;
}

ThreadId MachineTarget::current_thread() {
    const int live = live_process();
    return live == tock::kNoProcess ? kKernelThread : kFirstProcessThread + live;
}

std::string MachineTarget::thread_info(ThreadId t) {
    if (t == kKernelThread) return "kernel";
    const tock::Process* p = view_.process(t - kFirstProcessThread);
    if (!p) return "no such thread";
    return fmt::format("{} ({})", p->image.name, tock::state_name(p->state));
}

std::optional<std::uint32_t> MachineTarget::read_register(ThreadId t, unsigned regno) {
    if (regno >= kRegisterCount) return std::nullopt;
    const ThreadId current = current_thread();
    if (t == current) return m_.reg(static_cast<CoreReg>(regno));
    if (t == kKernelThread) {
        if (kernel_ && regno <= kXpsr) return kernel_->regs[regno];
        return m_.reg(static_cast<CoreReg>(regno));
    }
    return saved_register(t - kFirstProcessThread, regno);
}

std::optional<std::uint32_t> MachineTarget::saved_register(int proc, unsigned regno) {
    const auto it = saved_.find(proc);
    if (it == saved_.end()) return std::nullopt;
    const SavedProcess& s = it->second;
    if (regno >= kR4 && regno <= kR11) return s.r4_r11[regno - kR4];
    std::array<std::uint8_t, kFrameBytes> frame{};
    if (!m_.read_memory(s.frame, frame)) return std::nullopt;
    auto word = [&](int slot) {
        const auto i = static_cast<std::size_t>(slot) * 4;
        return static_cast<std::uint32_t>(frame[i] | frame[i + 1] << 8 | frame[i + 2] << 16 |
                                          static_cast<std::uint32_t>(frame[i + 3]) << 24);
    };
    const std::uint32_t xpsr = word(7);
    const std::uint32_t sp = s.frame + kFrameBytes + ((xpsr & kXpsrFrameRealigned) ? 4 : 0);
    if (regno <= kXpsr && kFrameSlot[regno] >= 0) {
        const std::uint32_t v = word(kFrameSlot[regno]);
        return regno == kXpsr ? (v & ~kXpsrFrameRealigned) : v;
    }
    if (regno == kSp || regno == kPsp) return sp;
    if (regno == kControl) return kControlSpsel | (s.unprivileged ? kControlNpriv : 0);
    if (regno == kMsp) return m_.reg(CoreReg::MSP);
    return m_.reg(static_cast<CoreReg>(regno));  // PRIMASK, BASEPRI, FAULTMASK are core-wide
}

bool MachineTarget::write_register(ThreadId t, unsigned regno, std::uint32_t value) {
    if (regno >= kRegisterCount || t != current_thread()) return false;
    m_.set_reg(static_cast<CoreReg>(regno), value);
    return true;
}

bool MachineTarget::read_memory(std::uint32_t addr, std::span<std::uint8_t> out) {
    if (out.size() > 0xFFFFFFFFull - addr + 1) return false;  // would wrap past 4 GiB
    return m_.read_memory(addr, out);
}

bool MachineTarget::write_memory(std::uint32_t addr, std::span<const std::uint8_t> in) {
    if (in.size() > 0xFFFFFFFFull - addr + 1) return false;
    return m_.write_memory(addr, in);
}

void MachineTarget::add_breakpoint(std::uint32_t addr) {
    m_.add_breakpoint(addr);
}
void MachineTarget::remove_breakpoint(std::uint32_t addr) {
    m_.remove_breakpoint(addr);
}
void MachineTarget::add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) {
    m_.add_watchpoint(addr, len, machine_kind(kind));
}
void MachineTarget::remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) {
    m_.remove_watchpoint(addr, len, machine_kind(kind));
}

std::string MachineTarget::memory_map_xml() {
    return std::string(kMemoryMap);
}

std::optional<std::string> MachineTarget::monitor(std::string_view command) {
    const std::string cmd = trim(command);
    if (cmd == "reset") {
        m_.reset();
        restart_view();
        return fmt::format(
            "reset: pc={:#010x} sp={:#010x} (gdb caches registers: maintenance flush "
            "register-cache)\n",
            m_.reg(CoreReg::PC), m_.reg(CoreReg::SP));
    }
    if (cmd == "processes") return processes_text();
    if (cmd == "mpu") return format_mpu_config(m_.mpu()) + "\n";
    if (cmd == "time") return time_text();
    if (cmd == "help" || cmd.empty())
        return "monitor commands:\n"
               "  reset      reset the machine (core, SCS, board) as at power-on\n"
               "  processes  Tock processes: name, state, restarts, memory, grant use\n"
               "  mpu        current MPU regions\n"
               "  time       virtual time and retired instructions\n";
    return std::nullopt;
}

std::string MachineTarget::processes_text() {
    const auto& procs = view_.processes();
    if (procs.empty()) return "no Tock processes in app flash\n";
    std::string out = fmt::format("{:<3} {:<20} {:<12} {:>8}  {:<25} {}\n", "id", "name", "state",
                                  "restarts", "memory", "grants");
    for (const auto& p : procs) {
        std::string memory = "-";
        if (p.memory_len) memory = fmt::format("{:#010x}+{:#x}", p.memory_start, p.memory_len);
        std::string grants = "-";
        if (auto g = grants_.find(p.index); g != grants_.end() && g->second.known)
            grants = fmt::format("{} B ({} B free)", g->second.bytes, g->second.remaining);
        out += fmt::format("{:<3} {:<20} {:<12} {:>8}  {:<25} {}\n", kFirstProcessThread + p.index,
                           p.image.name, tock::state_name(p.state), p.restarts(), memory, grants);
    }
    return out;
}

std::string MachineTarget::time_text() {
    const Picos now = m_.clock().now();
    return fmt::format("virtual time: {} ({} ps)\ninstructions: {}\ncore clock: {} Hz\n",
                       format_duration(now), now, m_.instructions(), m_.clock().core_hz());
}

}  // namespace tockemu::gdb
