#pragma once
// The kernel-agnostic Tock view (docs/0006-trace.md). It watches the machine's architectural
// events and turns them into Tock-level events: which process runs, which system call it made and
// what it got back, which upcall the kernel delivered, when a process faulted, exited or was
// (re)started. It knows nothing about the kernel's data structures, so it works the same for our
// kernel and for upstream Tock:
//   - processes are the TBF objects found in app flash (name, flash range, entry point);
//   - a process runs when an exception returns to thread mode on PSP; it is identified by the PC
//     (inside its flash) or else the PSP (inside the RAM block it was started with);
//   - an SVC from unprivileged code is a syscall (TRD104: class = immediate, args = r0-r3); its
//     result is read from the stacked r0-r3 of the SVC's frame when that process resumes at the
//     instruction after the SVC. Resuming anywhere else means the kernel rewrote the frame to call
//     an upcall; resuming at the entry point means the process was (re)started (r1 = RAM start,
//     r2 = RAM length, r3 = initial break, per the Cortex-M process entry convention).
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emu/core/events.hpp"
#include "emu/tock/app_flash.hpp"
#include "emu/tock/syscall.hpp"

namespace tockemu::tock {

enum class ProcessState : std::uint8_t {
    NotStarted,  // found in flash, never entered
    Running,     // resumed and not blocked in a yield
    Yielded,     // blocked in yield-wait / yield-wait-for
    Faulted,     // faulted and not (yet) restarted
    Terminated,  // exit-terminate, or killed and not restarted
    Stopped,     // stopped by the process console (reported by whoever sent the command)
};
std::string_view state_name(ProcessState s);
std::optional<ProcessState> state_from_name(std::string_view name);

struct ProcessStats {
    std::uint64_t syscalls = 0;
    std::array<std::uint64_t, 8> by_class{};
    std::uint64_t upcalls = 0;
    std::uint64_t faults = 0;
    std::uint64_t switches_in = 0;
    Picos cpu_time = 0;                             // time spent in thread mode on this process
    std::map<std::uint32_t, std::uint64_t> errors;  // ErrorCode -> times returned
};

struct Process {
    int index = 0;  // position in app flash (stable across restarts)
    AppImage image;
    ProcessState state = ProcessState::NotStarted;
    unsigned starts = 0;  // restarts = starts - 1
    std::uint32_t memory_start = 0, memory_len = 0, initial_break = 0;
    ProcessStats stats;
    unsigned restarts() const { return starts > 0 ? starts - 1 : 0; }
    bool owns_ram(std::uint32_t addr) const {
        return memory_len != 0 && addr >= memory_start && addr - memory_start < memory_len;
    }
};

inline constexpr int kNoProcess = -1;

// ---- Tock-level events (each carries the process index; names via TockView::process) ----
struct ProcessLoaded {
    int proc;
};
struct ProcessStarted {
    int proc;
    unsigned restart_count;  // 0 on the first start
    std::uint32_t memory_start, memory_len, initial_break;
};
struct ContextSwitch {
    int from;  // kNoProcess at the first switch
    int to;
};
struct SyscallMade {
    int proc;
    std::uint32_t pc;
    Syscall call;
};
struct SyscallReturned {
    int proc;
    Syscall call;
    SyscallReturn ret;
};
struct UpcallDelivered {
    int proc;
    std::uint32_t function;             // without the Thumb bit
    std::array<std::uint32_t, 4> args;  // r0-r2 upcall arguments, r3 appdata
};
struct ProcessFaulted {
    int proc;
    FaultEvent fault;
    std::string cause;  // "memmanage", "busfault", "usagefault", "hardfault" (from CFSR)
};
struct ProcessExited {
    int proc;
    bool restart;  // exit-restart
    std::uint32_t completion_code;
};
struct KernelFault {
    FaultEvent fault;
};
// A structured kernel event from ITM stimulus port 0 (docs/0005-kernel.md): header word
// (type << 16 | payload word count) then the payload words. Other ports: type 0, raw words.
struct KernelMessage {
    unsigned port;
    std::uint16_t type;
    std::vector<std::uint32_t> words;
};
// Kernel event types of our kernel (kernel/core/events.hpp); other kernels send none.
enum KernelMessageType : std::uint16_t {
    kKmBoot = 1,
    kKmProcessLoaded = 2,
    kKmGrantAlloc = 3,
    kKmGrantNoMem = 4,
    kKmProcessFault = 5,
    kKmPolicyDecision = 6,
    kKmProcessTerminated = 7,
    kKmPanic = 8,
    kKmLoadFailed = 9,
};
std::string_view kernel_message_name(std::uint16_t type);

using TockPayload =
    std::variant<ProcessLoaded, ProcessStarted, ContextSwitch, SyscallMade, SyscallReturned,
                 UpcallDelivered, ProcessFaulted, ProcessExited, KernelFault, KernelMessage>;

struct TockEvent {
    Picos time;
    std::uint64_t instructions;
    TockPayload payload;
};

// Architectural cause of a fault: the CFSR sub-register that has bits set (MemManage faults
// escalate to HardFault in Tock, which never enables them, but CFSR still says what happened).
std::string fault_cause(const FaultEvent& f);
// The exception that was taken: "memmanage", "busfault", "usagefault", "hardfault".
std::string_view fault_class_name(FaultClass c);

class TockView {
  public:
    using Listener = std::function<void(const TockEvent&)>;

    explicit TockView(MemoryReader read);

    // Reads the TBF headers in app flash; call after the apps are loaded, before running.
    // Emits ProcessLoaded for each app found.
    void scan_apps(std::uint32_t start = kHailAppFlashStart, std::uint32_t end = kHailAppFlashEnd);
    // Feed every machine event, in order.
    void on_event(const Event& e);
    void add_listener(Listener l) { listeners_.push_back(std::move(l)); }

    const std::vector<Process>& processes() const { return processes_; }
    const Process* process(int index) const;
    const Process* find(std::string_view name) const;
    int current() const { return current_; }
    // Which process owns this PC (flash) or, failing that, this stack pointer (RAM); kNoProcess.
    int attribute(std::uint32_t pc, std::uint32_t sp) const;
    // The process console changes state invisibly to the architecture; the scenario runner,
    // which sends those commands, reports them here.
    void set_stopped(int proc, bool stopped);

  private:
    struct PendingSyscall {
        Syscall call;
        std::uint32_t pc = 0;
        std::uint32_t frame = 0;
    };
    void on_svc(const Event& e, const SvcEvent& s);
    void on_entry(const Event& e, const ExceptionEntryEvent& x);
    void on_return(const Event& e, const ExceptionReturnEvent& x);
    void on_fault(const Event& e, const FaultEvent& f);
    void on_kernel(const Event& e, const KernelEvent& k);
    void resume(const Event& e, int proc, const ExceptionReturnEvent& x);
    bool read_frame(std::uint32_t frame, std::array<std::uint32_t, 8>& out) const;
    void emit(const Event& e, TockPayload p);

    MemoryReader read_;
    std::vector<Process> processes_;
    std::map<int, PendingSyscall> pending_;
    std::vector<Listener> listeners_;
    int current_ = kNoProcess;  // process running, or last to run before the kernel took over
    int last_resumed_ = kNoProcess;
    bool in_thread_psp_ = false;
    Picos resumed_at_ = 0;
    std::vector<std::uint8_t> itm_bytes_;  // port 0 bytes not yet forming a whole message
};

}  // namespace tockemu::tock
