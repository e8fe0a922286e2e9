#pragma once
// Architectural events the machine reports to observers (trace, Tock view, scenario runner, GDB,
// explain mode). Observers only read: a run is bit-identical with or without them.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "emu/core/clock.hpp"

namespace tockemu {

// Exception taken (entry done: frame stacked, now in handler mode).
struct ExceptionEntryEvent {
    unsigned exception;            // 1..15 system, 16+ external
    std::uint32_t return_address;  // stacked PC
    std::uint32_t frame_address;   // where the 8-word frame was stacked
    bool from_thread;              // preempted thread mode
    bool from_psp;                 // frame on PSP
    bool unprivileged;             // thread was unprivileged (CONTROL.nPRIV)
};

// Exception return completed (unstacked; now in thread or handler mode).
struct ExceptionReturnEvent {
    unsigned exception;  // the exception returned from
    std::uint32_t exc_return;
    std::uint32_t pc;  // where execution continues
    bool to_thread;
    bool to_psp;
    bool unprivileged;  // CONTROL.nPRIV after return
    std::uint32_t psp;  // PSP after unstacking (identifies the process for the Tock view)
};

// SVC executed, before the exception entry. Registers as the caller left them.
struct SvcEvent {
    std::uint32_t pc;  // address of the svc instruction
    std::uint8_t imm;
    std::array<std::uint32_t, 5> r;  // r0-r4
    std::uint32_t sp;
    bool unprivileged;
};

enum class FaultClass : std::uint8_t { MemManage, BusFault, UsageFault, HardFault };

// A fault was raised (before its exception entry). Status registers as set by this fault.
struct FaultEvent {
    FaultClass cls;
    std::uint32_t pc;       // faulting instruction
    std::uint32_t address;  // MMFAR/BFAR when valid, else 0
    bool address_valid;
    std::uint32_t cfsr, hfsr;
    bool unprivileged;
    std::string detail;  // e.g. "DACCVIOL: unprivileged write to 0x20000000 denied by region 2"
};

// The MPU refused an access (emitted alongside the MemManage FaultEvent).
struct MpuDeniedEvent {
    std::uint32_t pc;
    std::uint32_t address;
    std::uint8_t kind;  // AccessKind
    unsigned size;
    bool unprivileged;
    int region;  // deciding region or MpuDecision::kBackground
    std::uint32_t region_base, region_size;
    std::uint8_t srd, ap;
    bool xn;
    std::string reason;
    std::string instruction;  // the refused instruction, disassembled ("str r1, [r0, #4]")
};

struct MpuConfigEvent {
    std::uint32_t ctrl;
    std::array<std::uint32_t, 8> rbar, rasr;
};

struct IrqEvent {
    unsigned irq;
    bool level;
};

struct UartTxEvent {
    unsigned usart;
    std::uint8_t byte;
};

struct GpioEvent {
    unsigned port, pin;
    bool level;
    bool output;  // driven by the chip (LED) rather than an external input
};

struct SemihostingEvent {
    std::uint32_t op;
    std::string text;  // output text for the write calls
};

struct LockupEvent {
    std::uint32_t pc;
    std::string reason;
};

// Structured message from the kernel (ITM stimulus port or a debug capsule): grant use, policy.
struct KernelEvent {
    unsigned port;
    std::vector<std::uint8_t> payload;
};

// The core went to sleep (WFI or sleep-on-exit) or woke up again. `mode` names the SAM4L
// power-save mode the board applied: "SLEEP0".."SLEEP3" (SCB.SCR.SLEEPDEEP = 0, BPM.PMCON.SLEEP),
// "WAIT", "RETENTION" or "BACKUP" (SLEEPDEEP = 1; BPM.PMCON.RET / BKUP).
struct SleepEvent {
    std::string mode;
    bool deep;    // SCB.SCR.SLEEPDEEP
    bool asleep;  // true on entry, false on wake-up
};

using EventPayload = std::variant<ExceptionEntryEvent, ExceptionReturnEvent, SvcEvent, FaultEvent,
                                  MpuDeniedEvent, MpuConfigEvent, IrqEvent, UartTxEvent, GpioEvent,
                                  SemihostingEvent, LockupEvent, KernelEvent, SleepEvent>;

struct Event {
    Picos time;
    std::uint64_t instructions;
    EventPayload payload;
};

using EventObserver = std::function<void(const Event&)>;

// Fan-out to observers; the machine owns one, peripherals get a reference to publish.
class EventHub {
  public:
    using Handle = std::size_t;
    Handle subscribe(EventObserver obs) {
        observers_.push_back(std::move(obs));
        return observers_.size() - 1;
    }
    void unsubscribe(Handle h) {
        if (h < observers_.size()) observers_[h] = nullptr;
    }
    bool active() const { return !observers_.empty(); }
    void publish(const Event& e) const {
        for (const auto& o : observers_)
            if (o) o(e);
    }

  private:
    std::vector<EventObserver> observers_;
};

}  // namespace tockemu
