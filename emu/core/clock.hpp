#pragma once
// Deterministic virtual time (docs/0002-virtual-time.md).
//
// The core advances the clock by the cycles it executes (1 cycle per instruction); everything else
// that happens at a time (SysTick, AST, USART byte times, SPI transfers, DMA, scenario actions)
// is an event on this one queue. Time is kept in picoseconds so that clocks of any frequency can
// be placed exactly; cycles and picoseconds are related by the current core frequency, which the
// clock models may change at run time (the SAM4L switches from RCSYS to the PLL during boot).
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tockemu {

using Cycles = std::uint64_t;
using Picos = std::uint64_t;  // virtual time in picoseconds; 2^64 ps is about 213 days

inline constexpr Picos kPicosPerSecond = 1'000'000'000'000ULL;
constexpr Picos picos_from_ns(std::uint64_t ns) { return ns * 1000; }
constexpr Picos picos_from_us(std::uint64_t us) { return us * 1'000'000; }
constexpr Picos picos_from_ms(std::uint64_t ms) { return ms * 1'000'000'000; }

// Time of tick `n` of a clock running at `hz`, counted from time zero of that clock (floor).
Picos picos_for_ticks(std::uint64_t ticks, std::uint64_t hz);
// Number of whole ticks of a `hz` clock that have elapsed in `t`.
std::uint64_t ticks_in(Picos t, std::uint64_t hz);

class Clock {
public:
    using EventId = std::uint64_t;
    using Callback = std::function<void()>;

    explicit Clock(std::uint64_t core_hz = 48'000'000);

    Picos now() const { return now_; }
    Cycles cycles() const { return cycles_; }
    std::uint64_t core_hz() const { return core_hz_; }
    // Changes the core frequency from now on; now() stays continuous.
    void set_core_hz(std::uint64_t hz);

    // Called by the core after it executed `n` cycles.
    void advance_cycles(Cycles n);
    // Jumps to time `t` (WFI fast-forward, or a run that ends with no code executing). Cycles
    // advance by the cycles that fit in the interval at the current frequency.
    void advance_to(Picos t);

    // Events fire in (time, scheduling order) order; ties are broken by scheduling order so the
    // same inputs always give the same sequence.
    EventId schedule_at(Picos t, Callback cb, std::string_view name = {});
    EventId schedule_in(Picos dt, Callback cb, std::string_view name = {}) {
        return schedule_at(now_ + dt, std::move(cb), name);
    }
    bool cancel(EventId id);
    bool pending(EventId id) const { return live_.contains(id); }
    // When a pending event is due (nullopt when it fired or was cancelled). Models that pause an
    // activity (a clock masked by the PM) keep the remaining time with it.
    std::optional<Picos> time_of(EventId id) const;

    std::optional<Picos> next_deadline();
    // Cycles the core may execute before reaching time `t` (at least 1 when t > now).
    Cycles cycles_until(Picos t) const;
    // Fires every event whose time is <= now(). Callbacks may schedule further events.
    // Returns the number of events fired.
    std::size_t run_due();
    // Moves time forward to `t`, firing every event due up to and including `t` at its own time
    // (each callback sees now() == its event time), in order. Returns the number fired. This is
    // the host's way of letting virtual time pass with no core executing (model tests, a halted
    // machine); time never goes backwards.
    std::size_t run_until(Picos t);

private:
    struct Entry {
        Picos time;
        EventId id;
        bool operator>(const Entry& o) const {
            return time != o.time ? time > o.time : id > o.id;
        }
    };
    void drop_cancelled();

    std::uint64_t core_hz_;
    Picos now_ = 0;
    Cycles cycles_ = 0;
    // The cycle/time relation holds piecewise between frequency changes.
    Picos epoch_time_ = 0;
    Cycles epoch_cycles_ = 0;
    EventId next_id_ = 1;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
    struct Pending {
        Picos time;
        Callback cb;
    };
    std::unordered_map<EventId, Pending> live_;  // cancelled events are dropped lazily
};

}  // namespace tockemu
