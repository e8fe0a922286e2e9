// Kernel-agnostic Tock view; see tock_view.hpp for what is inferred from which event.
#include "emu/tock/tock_view.hpp"

namespace tockemu::tock {

namespace {

constexpr unsigned kSvcall = 11;
constexpr std::uint32_t kFrameWords = 8;
constexpr std::uint32_t kFrameBytes = kFrameWords * 4;

constexpr std::uint32_t kCfsrMmfsr = 0x000000FF;
constexpr std::uint32_t kCfsrBfsr = 0x0000FF00;
constexpr std::uint32_t kCfsrUfsr = 0xFFFF0000;

struct StateName {
    ProcessState state;
    std::string_view name;
};
constexpr StateName kStateNames[] = {
    {ProcessState::NotStarted, "not_started"}, {ProcessState::Running, "running"},
    {ProcessState::Yielded, "yielded"},        {ProcessState::Faulted, "faulted"},
    {ProcessState::Terminated, "terminated"},  {ProcessState::Stopped, "stopped"},
};

}  // namespace

std::string_view state_name(ProcessState s) {
    for (const auto& n : kStateNames)
        if (n.state == s) return n.name;
    return "?";
}

std::optional<ProcessState> state_from_name(std::string_view name) {
    for (const auto& n : kStateNames)
        if (n.name == name) return n.state;
    return std::nullopt;
}

std::string fault_cause(const FaultEvent& f) {
    if (f.cfsr & kCfsrMmfsr) return "memmanage";
    if (f.cfsr & kCfsrBfsr) return "busfault";
    if (f.cfsr & kCfsrUfsr) return "usagefault";
    return std::string(fault_class_name(f.cls));
}

std::string_view fault_class_name(FaultClass c) {
    switch (c) {
        case FaultClass::MemManage:
            return "memmanage";
        case FaultClass::BusFault:
            return "busfault";
        case FaultClass::UsageFault:
            return "usagefault";
        case FaultClass::HardFault:
            return "hardfault";
    }
    return "hardfault";
}

TockView::TockView(MemoryReader read) : read_(std::move(read)) {}

void TockView::scan_apps(std::uint32_t start, std::uint32_t end) {
    processes_.clear();
    auto images = scan_app_flash(read_, start, end);
    for (auto& image : images) {
        Process p;
        p.index = static_cast<int>(processes_.size());
        p.image = std::move(image);
        processes_.push_back(std::move(p));
    }
    for (const auto& p : processes_) emit(Event{0, 0, {}}, ProcessLoaded{p.index});
}

const Process* TockView::process(int index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= processes_.size()) return nullptr;
    return &processes_[static_cast<std::size_t>(index)];
}

const Process* TockView::find(std::string_view name) const {
    for (const auto& p : processes_)
        if (p.image.name == name) return &p;
    return nullptr;
}

int TockView::attribute(std::uint32_t pc, std::uint32_t sp) const {
    for (const auto& p : processes_)
        if (p.image.contains_flash(pc)) return p.index;
    for (const auto& p : processes_)
        if (p.owns_ram(sp)) return p.index;
    return kNoProcess;
}

void TockView::set_stopped(int proc, bool stopped) {
    if (proc < 0 || static_cast<std::size_t>(proc) >= processes_.size()) return;
    auto& p = processes_[static_cast<std::size_t>(proc)];
    if (stopped && p.state != ProcessState::Faulted && p.state != ProcessState::Terminated)
        p.state = ProcessState::Stopped;
    else if (!stopped && p.state == ProcessState::Stopped)
        p.state = ProcessState::Yielded;  // it resumes where it was; Running once it runs
}

void TockView::on_event(const Event& e) {
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, SvcEvent>)
                on_svc(e, p);
            else if constexpr (std::is_same_v<T, ExceptionEntryEvent>)
                on_entry(e, p);
            else if constexpr (std::is_same_v<T, ExceptionReturnEvent>)
                on_return(e, p);
            else if constexpr (std::is_same_v<T, FaultEvent>)
                on_fault(e, p);
            else if constexpr (std::is_same_v<T, KernelEvent>)
                on_kernel(e, p);
        },
        e.payload);
}

void TockView::on_svc(const Event& e, const SvcEvent& s) {
    if (!s.unprivileged) return;  // the kernel's own SVC (Tock's switch_to_user uses svc 0xff)
    const int proc = in_thread_psp_ && current_ != kNoProcess ? current_ : attribute(s.pc, s.sp);
    const Syscall call = decode_syscall(s.imm, {s.r[0], s.r[1], s.r[2], s.r[3]});
    emit(e, SyscallMade{proc, s.pc, call});
    if (proc == kNoProcess) return;
    auto& p = processes_[static_cast<std::size_t>(proc)];
    ++p.stats.syscalls;
    if (call.cls) ++p.stats.by_class[static_cast<std::size_t>(*call.cls)];
    // Where the hardware will stack the frame (B1.5.6: 8-byte aligned below SP); the exception
    // entry event that follows gives the exact address.
    pending_[proc] = PendingSyscall{call, s.pc, (s.sp - kFrameBytes) & ~7u};
    if (call.cls == SyscallClass::Yield && (call.number == 1 || call.number == 2))
        p.state = ProcessState::Yielded;
    if (call.cls == SyscallClass::Exit && call.number <= 1) {
        emit(e, ProcessExited{proc, call.number == 1, call.args[1]});
        if (call.number == 0) p.state = ProcessState::Terminated;
    }
}

void TockView::on_entry(const Event& e, const ExceptionEntryEvent& x) {
    if (!(x.from_thread && x.from_psp)) return;
    if (in_thread_psp_ && current_ != kNoProcess) {
        auto& p = processes_[static_cast<std::size_t>(current_)];
        p.stats.cpu_time += e.time - resumed_at_;
        auto it = pending_.find(current_);
        if (x.exception == kSvcall && it != pending_.end() && it->second.pc + 2 == x.return_address)
            it->second.frame = x.frame_address;
    }
    in_thread_psp_ = false;
}

void TockView::on_return(const Event& e, const ExceptionReturnEvent& x) {
    if (!(x.to_thread && x.to_psp)) {
        in_thread_psp_ = false;
        return;
    }
    resume(e, attribute(x.pc & ~1u, x.psp), x);
}

bool TockView::read_frame(std::uint32_t frame, std::array<std::uint32_t, 8>& out) const {
    std::array<std::uint8_t, kFrameBytes> bytes{};
    if (!read_(frame, bytes)) return false;
    for (std::size_t i = 0; i < kFrameWords; ++i)
        out[i] = static_cast<std::uint32_t>(bytes[4 * i]) |
                 (static_cast<std::uint32_t>(bytes[4 * i + 1]) << 8) |
                 (static_cast<std::uint32_t>(bytes[4 * i + 2]) << 16) |
                 (static_cast<std::uint32_t>(bytes[4 * i + 3]) << 24);
    return true;
}

void TockView::resume(const Event& e, int proc, const ExceptionReturnEvent& x) {
    in_thread_psp_ = true;
    resumed_at_ = e.time;
    current_ = proc;
    if (proc == kNoProcess) return;
    auto& p = processes_[static_cast<std::size_t>(proc)];
    if (proc != last_resumed_) {
        emit(e, ContextSwitch{last_resumed_, proc});
        ++p.stats.switches_in;
    }
    last_resumed_ = proc;

    const std::uint32_t pc = x.pc & ~1u;
    // The frame just unstacked lies right below the new PSP (4 bytes lower when it was padded).
    std::uint32_t frame = x.psp - kFrameBytes;
    auto pending = pending_.find(proc);
    if (pending != pending_.end() && (pending->second.frame + kFrameBytes == x.psp ||
                                      pending->second.frame + kFrameBytes + 4 == x.psp))
        frame = pending->second.frame;
    std::array<std::uint32_t, 8> w{};
    const bool have_frame = read_frame(frame, w);

    if (pc == p.image.entry) {
        if (pending != pending_.end()) pending_.erase(pending);
        ++p.starts;
        p.state = ProcessState::Running;
        if (have_frame) {
            p.memory_start = w[1];
            p.memory_len = w[2];
            p.initial_break = w[3];
        }
        emit(e, ProcessStarted{proc, p.restarts(), p.memory_start, p.memory_len, p.initial_break});
        return;
    }
    if (p.state != ProcessState::Stopped) p.state = ProcessState::Running;
    if (pending == pending_.end()) return;  // resumed after preemption: nothing to report
    const PendingSyscall call = pending->second;
    pending_.erase(pending);
    if (!have_frame) return;
    if (pc == call.pc + 2) {
        if (!syscall_has_return_value(call.call)) return;
        SyscallReturn ret{{w[0], w[1], w[2], w[3]}};
        if (ret.is_failure() && call.call.cls != SyscallClass::Yield) ++p.stats.errors[ret.r[1]];
        emit(e, SyscallReturned{proc, call.call, ret});
    } else {
        ++p.stats.upcalls;
        emit(e, UpcallDelivered{proc, pc, {w[0], w[1], w[2], w[3]}});
    }
}

void TockView::on_fault(const Event& e, const FaultEvent& f) {
    if (!f.unprivileged) {
        emit(e, KernelFault{f});
        return;
    }
    const int proc = in_thread_psp_ && current_ != kNoProcess ? current_ : attribute(f.pc, 0);
    if (proc != kNoProcess) {
        auto& p = processes_[static_cast<std::size_t>(proc)];
        ++p.stats.faults;
        p.state = ProcessState::Faulted;
        pending_.erase(proc);
    }
    emit(e, ProcessFaulted{proc, f, fault_cause(f)});
}

std::string_view kernel_message_name(std::uint16_t type) {
    static constexpr std::string_view kNames[] = {
        "raw",         "boot",          "process_loaded",  "grant_alloc",
        "grant_nomem", "process_fault", "policy_decision", "process_terminated",
        "panic",       "load_failed"};
    return type < std::size(kNames) ? kNames[type] : std::string_view("unknown");
}

void TockView::on_kernel(const Event& e, const KernelEvent& k) {
    auto word_at = [](const std::vector<std::uint8_t>& b, std::size_t i) {
        return static_cast<std::uint32_t>(b[i]) | (static_cast<std::uint32_t>(b[i + 1]) << 8) |
               (static_cast<std::uint32_t>(b[i + 2]) << 16) |
               (static_cast<std::uint32_t>(b[i + 3]) << 24);
    };
    if (k.port != 0) {
        std::vector<std::uint32_t> words;
        for (std::size_t i = 0; i + 4 <= k.payload.size(); i += 4)
            words.push_back(word_at(k.payload, i));
        emit(e, KernelMessage{k.port, 0, std::move(words)});
        return;
    }
    // Messages may arrive a word at a time or whole; reassemble by the header's word count.
    itm_bytes_.insert(itm_bytes_.end(), k.payload.begin(), k.payload.end());
    while (itm_bytes_.size() >= 4) {
        const std::uint32_t header = word_at(itm_bytes_, 0);
        const std::size_t count = header & 0xffffu;
        const std::size_t bytes = 4 * (count + 1);
        if (itm_bytes_.size() < bytes) break;
        std::vector<std::uint32_t> words;
        for (std::size_t i = 4; i < bytes; i += 4) words.push_back(word_at(itm_bytes_, i));
        itm_bytes_.erase(itm_bytes_.begin(), itm_bytes_.begin() + static_cast<long>(bytes));
        emit(e, KernelMessage{0, static_cast<std::uint16_t>(header >> 16), std::move(words)});
    }
}

void TockView::emit(const Event& e, TockPayload p) {
    if (listeners_.empty()) return;
    const TockEvent te{e.time, e.instructions, std::move(p)};
    for (const auto& l : listeners_) l(te);
}

}  // namespace tockemu::tock
