#pragma once
// ARMv7-M exception state (ARM ARM B1.5): which exceptions are enabled, pending and active,
// their priorities, and the priority arithmetic (group priority under AIRCR.PRIGROUP, execution
// priority with PRIMASK/BASEPRI/FAULTMASK boosts, the pending exception that would preempt).
//
// This is the NVIC's state plus the system exceptions' state held in the SCB (SHCSR, SHPRx,
// ICSR). It is pure bookkeeping with no knowledge of Unicorn: the core asks it what to take and
// tells it what it took/returned from; the SCS register model reads and writes it.
//
// Interrupt lines are levels (emu/core/irq.hpp): an asserted line pends its interrupt while it
// is not active; if the line is still asserted when the handler returns or when ICPR clears the
// pending bit, the interrupt pends again (ARMv7-M B3.4.1, level-sensitive behaviour).
#include <array>
#include <bitset>
#include <cstdint>
#include <functional>
#include <optional>

#include "emu/core/irq.hpp"

namespace tockemu {

namespace exc {
inline constexpr unsigned kReset = 1, kNmi = 2, kHardFault = 3, kMemManage = 4, kBusFault = 5,
                          kUsageFault = 6, kSvCall = 11, kDebugMonitor = 12, kPendSv = 14,
                          kSysTick = 15, kFirstIrq = 16;
}  // namespace exc

// Execution priority of thread mode with no boost (anything configurable can preempt it).
inline constexpr int kThreadPriority = 256;

class ExceptionState : public InterruptSink {
  public:
    static constexpr unsigned kIrqLines = 80;  // SAM4L: IRQ 0..79
    static constexpr unsigned kNumExceptions = exc::kFirstIrq + kIrqLines;
    static constexpr std::uint8_t kPriorityMask = 0xF0;  // 4 implemented priority bits

    ExceptionState() { reset(); }
    void reset();

    // ---- Lines (peripherals) ----
    void set_irq_level(unsigned irq, bool level) override;
    bool irq_level(unsigned irq) const { return irq < kIrqLines && level_[irq]; }

    // ---- State ----
    bool valid(unsigned n) const;  // an implemented exception number
    bool pending(unsigned n) const { return n < kNumExceptions && pending_[n]; }
    bool active(unsigned n) const { return n < kNumExceptions && active_[n]; }
    bool enabled(unsigned n) const;
    void set_pending(unsigned n, bool p);
    void set_active(unsigned n, bool a);
    void set_irq_enabled(unsigned irq, bool e);
    bool irq_enabled(unsigned irq) const { return irq < kIrqLines && irq_enable_[irq]; }
    unsigned active_count() const;

    // Raw priority byte (implemented bits only) of a configurable exception; fixed ones are
    // Reset -3, NMI -2, HardFault -1.
    int priority(unsigned n) const;
    std::uint8_t priority_byte(unsigned n) const { return n < kNumExceptions ? prio_[n] : 0; }
    void set_priority_byte(unsigned n, std::uint8_t value);

    unsigned prigroup() const { return prigroup_; }
    void set_prigroup(unsigned g) {
        prigroup_ = g & 7;
        changed();
    }
    // Group priority of a raw priority value under PRIGROUP (B1.5.4).
    int group_priority(int prio) const;

    // DEMCR.MON_EN: the DebugMonitor exception is enabled (C1.6.5).
    void set_monitor_enabled(bool e) {
        monitor_enabled_ = e;
        changed();
    }
    bool monitor_enabled() const { return monitor_enabled_; }

    // SHCSR enable bits for MemManage/BusFault/UsageFault.
    bool fault_enabled(unsigned n) const;
    void set_fault_enabled(unsigned n, bool e);

    // Current execution priority (B1.5.4) from the active set and the boost registers.
    struct Masks {
        bool primask = false;
        bool faultmask = false;
        std::uint8_t basepri = 0;
    };
    int execution_priority(const Masks& m) const;
    // Highest-priority pending, enabled exception (ties: lower group, lower subpriority, lower
    // number), regardless of masking. This is ICSR.VECTPENDING.
    std::optional<unsigned> highest_pending() const;
    // The pending exception that preempts at the given execution priority, if any.
    std::optional<unsigned> preempting(int exec_priority) const;
    // True if some enabled exception is pending (cheap; used to decide whether to look at masks).
    bool any_pending_enabled() const { return pending_enabled_count_ != 0; }
    bool any_irq_pending() const;

    // Exception entry/return bookkeeping: pending -> active, and back (with level re-pend).
    void activate(unsigned n);
    void deactivate(unsigned n);

    // Called whenever pending/enable state changed (the core re-evaluates at the next boundary).
    std::function<void()> on_change;
    // Called when an exception enters the Pending state (SCR.SEVONPEND makes that an event).
    std::function<void()> on_pend;

  private:
    void recount();
    void changed() {
        recount();
        if (on_change) on_change();
    }
    void pended() {
        if (on_pend) on_pend();
    }

    std::bitset<kNumExceptions> pending_, active_;
    std::bitset<kIrqLines> irq_enable_, level_;
    std::array<std::uint8_t, kNumExceptions> prio_{};
    std::bitset<3> fault_enable_;  // MemManage, BusFault, UsageFault
    unsigned prigroup_ = 0;
    bool monitor_enabled_ = false;
    unsigned pending_enabled_count_ = 0;
    int active_priority_ = kThreadPriority;  // group priority of the active set (recount())
};

}  // namespace tockemu
