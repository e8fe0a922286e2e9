#include "emu/core/clock.hpp"

#include <stdexcept>

namespace tockemu {

namespace {
using u128 = unsigned __int128;
}

Picos picos_for_ticks(std::uint64_t ticks, std::uint64_t hz) {
    return static_cast<Picos>(static_cast<u128>(ticks) * kPicosPerSecond / hz);
}

std::uint64_t ticks_in(Picos t, std::uint64_t hz) {
    return static_cast<std::uint64_t>(static_cast<u128>(t) * hz / kPicosPerSecond);
}

Clock::Clock(std::uint64_t core_hz) : core_hz_(core_hz) {
    if (core_hz == 0) throw std::invalid_argument("core clock frequency must be non-zero");
}

void Clock::set_core_hz(std::uint64_t hz) {
    if (hz == 0 || hz == core_hz_) return;
    epoch_time_ = now_;
    epoch_cycles_ = cycles_;
    core_hz_ = hz;
}

void Clock::advance_cycles(Cycles n) {
    cycles_ += n;
    now_ = epoch_time_ + picos_for_ticks(cycles_ - epoch_cycles_, core_hz_);
}

void Clock::advance_to(Picos t) {
    if (t <= now_) return;
    // Cycles are whatever fits; time is exactly t (the event time we jumped to).
    cycles_ = epoch_cycles_ + ticks_in(t - epoch_time_, core_hz_);
    now_ = t;
}

Clock::EventId Clock::schedule_at(Picos t, Callback cb, std::string_view /*name*/) {
    const EventId id = next_id_++;
    const Picos when = t < now_ ? now_ : t;
    queue_.push({when, id});
    live_.emplace(id, Pending{when, std::move(cb)});
    return id;
}

bool Clock::cancel(EventId id) { return live_.erase(id) > 0; }

std::optional<Picos> Clock::time_of(EventId id) const {
    const auto it = live_.find(id);
    if (it == live_.end()) return std::nullopt;
    return it->second.time;
}

void Clock::drop_cancelled() {
    while (!queue_.empty() && !live_.contains(queue_.top().id)) queue_.pop();
}

std::optional<Picos> Clock::next_deadline() {
    drop_cancelled();
    if (queue_.empty()) return std::nullopt;
    return queue_.top().time;
}

Cycles Clock::cycles_until(Picos t) const {
    if (t <= now_) return 0;
    // Smallest cycle count c with time(cycles_ + c) >= t.
    const Picos rel = t - epoch_time_;
    const u128 need = (static_cast<u128>(rel) * core_hz_ + kPicosPerSecond - 1) / kPicosPerSecond;
    const Cycles target = epoch_cycles_ + static_cast<Cycles>(need);
    return target > cycles_ ? target - cycles_ : 1;
}

std::size_t Clock::run_due() {
    std::size_t fired = 0;
    for (;;) {
        drop_cancelled();
        if (queue_.empty() || queue_.top().time > now_) break;
        const EventId id = queue_.top().id;
        queue_.pop();
        auto node = live_.extract(id);
        ++fired;
        node.mapped().cb();
    }
    return fired;
}

std::size_t Clock::run_until(Picos t) {
    std::size_t fired = run_due();
    for (auto d = next_deadline(); d && *d <= t; d = next_deadline()) {
        advance_to(*d);
        fired += run_due();
    }
    advance_to(t);
    return fired;
}

}  // namespace tockemu
