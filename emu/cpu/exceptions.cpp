#include "emu/cpu/exceptions.hpp"

namespace tockemu {

void ExceptionState::reset() {
    pending_.reset();
    active_.reset();
    irq_enable_.reset();
    prio_.fill(0);
    fault_enable_.reset();
    prigroup_ = 0;
    monitor_enabled_ = false;
    // Line levels are driven by the peripherals and survive a core reset; re-pend from them.
    for (unsigned i = 0; i < kIrqLines; ++i)
        if (level_[i]) pending_[exc::kFirstIrq + i] = true;
    changed();
}

bool ExceptionState::valid(unsigned n) const {
    if (n >= kNumExceptions || n == 0) return false;
    switch (n) {
        case 7:
        case 8:
        case 9:
        case 10:
        case 13:
            return false;  // reserved
        default:
            return true;
    }
}

bool ExceptionState::enabled(unsigned n) const {
    if (!valid(n)) return false;
    if (n >= exc::kFirstIrq) return irq_enable_[n - exc::kFirstIrq];
    switch (n) {
        case exc::kMemManage:
        case exc::kBusFault:
        case exc::kUsageFault:
            return fault_enabled(n);
        case exc::kDebugMonitor:
            return monitor_enabled_;  // DEMCR.MON_EN
        default:
            return true;
    }
}

void ExceptionState::set_irq_level(unsigned irq, bool level) {
    if (irq >= kIrqLines) return;
    level_[irq] = level;
    const unsigned n = exc::kFirstIrq + irq;
    if (level && !active_[n] && !pending_[n]) {
        pending_[n] = true;
        pended();
        changed();
    }
}

void ExceptionState::set_pending(unsigned n, bool p) {
    if (!valid(n)) return;
    // Clearing the pending bit of an asserted level line has no lasting effect: it re-pends.
    if (!p && n >= exc::kFirstIrq && level_[n - exc::kFirstIrq] && !active_[n]) p = true;
    if (pending_[n] == p) return;
    pending_[n] = p;
    if (p) pended();
    changed();
}

void ExceptionState::set_active(unsigned n, bool a) {
    if (!valid(n) || active_[n] == a) return;
    active_[n] = a;
    changed();
}

void ExceptionState::set_irq_enabled(unsigned irq, bool e) {
    if (irq >= kIrqLines || irq_enable_[irq] == e) return;
    irq_enable_[irq] = e;
    changed();
}

unsigned ExceptionState::active_count() const {
    return static_cast<unsigned>(active_.count());
}

int ExceptionState::priority(unsigned n) const {
    switch (n) {
        case exc::kReset:
            return -3;
        case exc::kNmi:
            return -2;
        case exc::kHardFault:
            return -1;
        default:
            return n < kNumExceptions ? prio_[n] : kThreadPriority;
    }
}

void ExceptionState::set_priority_byte(unsigned n, std::uint8_t value) {
    if (!valid(n) || n <= exc::kHardFault) return;
    prio_[n] = value & kPriorityMask;
    changed();
}

int ExceptionState::group_priority(int prio) const {
    if (prio < 0) return prio;
    const int subgroup_mask = (2 << prigroup_) - 1;
    return prio & ~subgroup_mask;
}

bool ExceptionState::fault_enabled(unsigned n) const {
    switch (n) {
        case exc::kMemManage:
            return fault_enable_[0];
        case exc::kBusFault:
            return fault_enable_[1];
        case exc::kUsageFault:
            return fault_enable_[2];
        default:
            return true;
    }
}

void ExceptionState::set_fault_enabled(unsigned n, bool e) {
    switch (n) {
        case exc::kMemManage:
            fault_enable_[0] = e;
            break;
        case exc::kBusFault:
            fault_enable_[1] = e;
            break;
        case exc::kUsageFault:
            fault_enable_[2] = e;
            break;
        default:
            return;
    }
    changed();
}

int ExceptionState::execution_priority(const Masks& m) const {
    const int highest = active_priority_;
    int boosted = kThreadPriority;
    if (m.basepri & kPriorityMask) boosted = group_priority(m.basepri & kPriorityMask);
    if (m.primask) boosted = 0;
    if (m.faultmask) boosted = -1;
    return boosted < highest ? boosted : highest;
}

std::optional<unsigned> ExceptionState::highest_pending() const {
    std::optional<unsigned> best;
    int best_group = 0, best_prio = 0;
    for (std::size_t i = pending_._Find_next(0); i < kNumExceptions; i = pending_._Find_next(i)) {
        const auto n = static_cast<unsigned>(i);
        if (!enabled(n)) continue;
        const int p = priority(n);
        const int g = group_priority(p);
        // Strictly better only: equal priorities keep the lower exception number.
        if (!best || g < best_group || (g == best_group && p < best_prio)) {
            best = n;
            best_group = g;
            best_prio = p;
        }
    }
    return best;
}

std::optional<unsigned> ExceptionState::preempting(int exec_priority) const {
    auto n = highest_pending();
    if (n && group_priority(priority(*n)) < exec_priority) return n;
    return std::nullopt;
}

bool ExceptionState::any_irq_pending() const {
    return pending_._Find_next(exc::kFirstIrq - 1) < kNumExceptions;
}

void ExceptionState::activate(unsigned n) {
    if (!valid(n)) return;
    pending_[n] = false;
    active_[n] = true;
    changed();
}

void ExceptionState::deactivate(unsigned n) {
    if (!valid(n)) return;
    active_[n] = false;
    if (n >= exc::kFirstIrq && level_[n - exc::kFirstIrq] && !pending_[n]) {
        pending_[n] = true;
        pended();
    }
    changed();
}

void ExceptionState::recount() {
    // Only set bits are visited (libstdc++'s _Find_next): this runs at every exception entry
    // and return, and usually one or two of the 96 exceptions are pending or active.
    unsigned c = 0;
    for (std::size_t n = pending_._Find_next(0); n < kNumExceptions; n = pending_._Find_next(n))
        if (enabled(static_cast<unsigned>(n))) ++c;
    pending_enabled_count_ = c;
    // The active set's priority is needed at every interrupt check: keep it up to date here
    // instead of scanning all exceptions each time.
    int highest = kThreadPriority;
    for (std::size_t n = active_._Find_next(0); n < kNumExceptions; n = active_._Find_next(n)) {
        const int g = group_priority(priority(static_cast<unsigned>(n)));
        if (g < highest) highest = g;
    }
    active_priority_ = highest;
}

}  // namespace tockemu
