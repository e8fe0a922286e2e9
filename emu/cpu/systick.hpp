#pragma once
// SysTick (ARMv7-M B3.3): 24-bit down-counter clocked by the processor clock.
//
// The counter is not ticked: its value is computed from the core's cycle count when read, and
// the clock gets one event per wrap only while the interrupt is enabled (TICKINT), so a running
// SysTick costs nothing between interrupts. A wrap is the 1 -> 0 transition: it sets COUNTFLAG
// and pends the SysTick exception; the next clock reloads RVR (period RVR + 1 cycles). A RELOAD
// of 0 stops the counter at 0 after the next wrap. Writing CVR clears it and COUNTFLAG.
//
// No external reference clock is modelled: CALIB.NOREF = 1 and CSR.CLKSOURCE reads as 1.
// CALIB.TENMS is the count for 10 ms at the current core frequency (480000 at 48 MHz), which is
// what Tock's SysTick::new() uses to derive the timer frequency.
#include <cstdint>
#include <functional>

#include "emu/core/clock.hpp"

namespace tockemu {

class SysTick {
  public:
    static constexpr std::uint32_t CSR_ENABLE = 1u << 0, CSR_TICKINT = 1u << 1,
                                   CSR_CLKSOURCE = 1u << 2, CSR_COUNTFLAG = 1u << 16;
    static constexpr std::uint32_t CALIB_NOREF = 1u << 31;

    explicit SysTick(Clock& clock) : clock_(clock) {}
    ~SysTick();
    SysTick(const SysTick&) = delete;
    SysTick& operator=(const SysTick&) = delete;

    void reset();
    // Register access at offsets 0x0 (CSR), 0x4 (RVR), 0x8 (CVR), 0xC (CALIB) from 0xE000E010.
    std::uint32_t read(std::uint32_t offset, bool side_effects = true);
    void write(std::uint32_t offset, std::uint32_t value);
    // The core frequency changed: the pending wrap event must be re-placed in time.
    void core_clock_changed() { reschedule(); }

    std::function<void()> on_wrap_interrupt;  // pend the SysTick exception

  private:
    static constexpr std::uint32_t kMask = 0x00FFFFFF;
    void catch_up();  // fold elapsed cycles into (value_, base_) and COUNTFLAG
    std::uint64_t wraps_until(std::uint64_t cycle) const;
    std::uint32_t value_at(std::uint64_t cycle) const;
    std::uint64_t next_wrap_cycle() const;
    void reschedule();
    void on_event();

    Clock& clock_;
    std::uint32_t csr_ = 0, rvr_ = 0;
    std::uint32_t value_ = 0;  // counter value at cycle base_ (while enabled)
    std::uint64_t base_ = 0;
    bool countflag_ = false;
    Clock::EventId event_ = 0;
};

}  // namespace tockemu
