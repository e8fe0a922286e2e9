#pragma once
// Time and alarm HIL (Tock: kernel/src/hil/time.rs). Ticks are 32-bit and wrap; all
// comparisons are done with wrapping arithmetic relative to a reference.
#include <cstdint>

namespace hil {

using Ticks = std::uint32_t;

// True when `t` lies in the half-open window [start, end) of a wrapping 32-bit counter.
constexpr bool within_range(Ticks t, Ticks start, Ticks end) {
    return static_cast<Ticks>(t - start) < static_cast<Ticks>(end - start);
}

class AlarmClient {
  public:
    // The alarm expired (called from the chip's interrupt bottom half, never re-entrantly).
    virtual void alarm_fired() = 0;

  protected:
    ~AlarmClient() = default;
};

// A free-running counter with one compare alarm.
class Alarm {
  public:
    // Frequency userspace is told (Hail's AST declares 16000 Hz, tock-abi.md §2.3).
    virtual std::uint32_t frequency() const = 0;
    virtual Ticks now() = 0;
    // Fire at reference + dt. If that moment is already past (or closer than minimum_dt()), the
    // alarm fires as soon as possible instead of after a counter wrap.
    virtual void set_alarm(Ticks reference, Ticks dt) = 0;
    virtual Ticks get_alarm() const = 0;
    virtual void disarm() = 0;
    virtual bool is_armed() const = 0;
    virtual Ticks minimum_dt() const = 0;
    virtual void set_alarm_client(AlarmClient* client) = 0;

  protected:
    ~Alarm() = default;
};

}  // namespace hil
