#include "emu/cpu/systick.hpp"

namespace tockemu {

SysTick::~SysTick() {
    if (event_) clock_.cancel(event_);
}

void SysTick::reset() {
    if (event_) clock_.cancel(event_);
    event_ = 0;
    csr_ = rvr_ = value_ = 0;
    countflag_ = false;
    base_ = clock_.cycles();
}

std::uint64_t SysTick::wraps_until(std::uint64_t cycle) const {
    if (!(csr_ & CSR_ENABLE) || cycle <= base_) return 0;
    const std::uint64_t e = cycle - base_;
    const std::uint64_t period = std::uint64_t{rvr_} + 1;
    if (value_ > 0) {
        if (e < value_) return 0;
        return rvr_ == 0 ? 1 : 1 + (e - value_) / period;
    }
    // At 0 the next clock reloads; the first wrap is a full period away.
    return rvr_ == 0 ? 0 : e / period;
}

std::uint32_t SysTick::value_at(std::uint64_t cycle) const {
    if (!(csr_ & CSR_ENABLE) || cycle <= base_) return value_;
    const std::uint64_t e = cycle - base_;
    if (e <= value_) return static_cast<std::uint32_t>(value_ - e);
    if (rvr_ == 0) return 0;
    // After reaching 0 at e == value_, the counter runs RVR, RVR-1, ..., 0 periodically.
    const std::uint64_t period = std::uint64_t{rvr_} + 1;
    const std::uint64_t k = (e - value_ - 1) % period;
    return static_cast<std::uint32_t>(rvr_ - k);
}

void SysTick::catch_up() {
    const std::uint64_t now = clock_.cycles();
    if (wraps_until(now) > 0) countflag_ = true;
    value_ = value_at(now);
    base_ = now;
}

std::uint64_t SysTick::next_wrap_cycle() const {
    if (value_ > 0) return base_ + value_;
    return base_ + std::uint64_t{rvr_} + 1;
}

void SysTick::reschedule() {
    if (event_) clock_.cancel(event_);
    event_ = 0;
    if (!(csr_ & CSR_ENABLE) || !(csr_ & CSR_TICKINT)) return;
    if (value_ == 0 && rvr_ == 0) return;  // stopped at 0: no further wraps
    const std::uint64_t now = clock_.cycles();
    const std::uint64_t at = next_wrap_cycle();
    const std::uint64_t ahead = at > now ? at - now : 0;
    // The event goes at the exact time of the wrap cycle as the clock computes it (floors), so
    // that the run loop stops on that cycle and a WFI fast-forward lands on it too.
    const std::uint64_t hz = clock_.core_hz();
    Picos dt = picos_for_ticks(ahead, hz) + 1;
    if (clock_.cycles_until(clock_.now() + dt) > ahead) --dt;
    event_ = clock_.schedule_in(
        dt, [this] { on_event(); }, "systick");
}

void SysTick::on_event() {
    event_ = 0;
    catch_up();
    countflag_ = true;
    // The counter value is computed from cycles, so the period does not drift with the latency
    // of the event (events fire at the next translation-block boundary).
    if (on_wrap_interrupt) on_wrap_interrupt();
    reschedule();
}

std::uint32_t SysTick::read(std::uint32_t offset, bool side_effects) {
    catch_up();
    switch (offset) {
        case 0x0: {
            std::uint32_t v = (csr_ & (CSR_ENABLE | CSR_TICKINT)) | CSR_CLKSOURCE;
            if (countflag_) v |= CSR_COUNTFLAG;
            if (side_effects) countflag_ = false;  // COUNTFLAG clears on read
            return v;
        }
        case 0x4:
            return rvr_;
        case 0x8:
            return value_;
        case 0xC: {
            const std::uint64_t tenms = clock_.core_hz() / 100;
            return CALIB_NOREF | static_cast<std::uint32_t>(tenms & kMask);
        }
        default:
            return 0;
    }
}

void SysTick::write(std::uint32_t offset, std::uint32_t value) {
    catch_up();
    switch (offset) {
        case 0x0:
            csr_ = value & (CSR_ENABLE | CSR_TICKINT | CSR_CLKSOURCE);
            break;
        case 0x4:
            rvr_ = value & kMask;
            break;
        case 0x8:
            value_ = 0;
            countflag_ = false;
            break;
        default:
            return;
    }
    reschedule();
}

}  // namespace tockemu
