#pragma once
// TC0 / TC1 — Timer/Counter, three 16-bit channels each (SAM4L datasheet §34; sam4l.md §14).
//
// Modelled per channel, in virtual time: clock enable/disable/software trigger (CCR), the clock
// sources TIMER_CLOCK1 (generic clock: GCLK5 for TC0, GCLK8 for TC1) and TIMER_CLOCK2..5 (PBA
// /2, /8, /32, /128); the counter CV counting up from 0 and wrapping at 0xFFFF (COVFS); waveform
// mode WAVSEL 0 (up) and 2 (up, reset on RC compare) with the RA/RB/RC compares (CPAS/CPBS/
// CPCS), CPCSTOP and CPCDIS; capture mode with CPCTRG (reset on RC compare) and CPCS; SR flags
// 0..7 cleared by reading SR, CLKSTA; IER/IDR/IMR; one NVIC line per channel (SR & IMR).
// Not modelled: up/down modes (WAVSEL 1/3, logged), external clocks XC0..2 and TIOA/TIOB/TCLK
// pins (captures LDRA/LDRB never happen; ETRGS never set), burst, the TIOA/TIOB outputs, SMMR
// Gray code, the BCR SYNC of several channels (logged), write protection WPMR (stored).
#include <cstdint>
#include <functional>

#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/register_block.hpp"

namespace tockemu::sam4l {

class Tc final : public RegisterBlock {
  public:
    static constexpr unsigned kChannels = 3;
    static constexpr std::uint32_t kStride = 0x40;
    // Channel register offsets (add kStride * channel).
    static constexpr std::uint32_t CCR = 0x00, CMR = 0x04, SMMR = 0x08, CV = 0x10, RA = 0x14,
                                   RB = 0x18, RC = 0x1C, SR = 0x20, IER = 0x24, IDR = 0x28,
                                   IMR = 0x2C;
    static constexpr std::uint32_t BCR = 0xC0, BMR = 0xC4, WPMR = 0xE4, FEATURES = 0xF8,
                                   VERSION = 0xFC;
    static constexpr std::uint32_t CCR_CLKEN = 1u << 0, CCR_CLKDIS = 1u << 1, CCR_SWTRG = 1u << 2;
    static constexpr std::uint32_t SR_COVFS = 1u << 0, SR_CPAS = 1u << 2, SR_CPBS = 1u << 3,
                                   SR_CPCS = 1u << 4, SR_CLKSTA = 1u << 16;
    static constexpr std::uint32_t CMR_CPCSTOP = 1u << 6, CMR_CPCDIS = 1u << 7,
                                   CMR_CPCTRG = 1u << 14, CMR_WAVE = 1u << 15;

    using HzSource = std::function<std::uint64_t()>;
    // `gclk_hz` = TIMER_CLOCK1, `pba_hz` = the PBA clock.
    Tc(std::string name, Clock& clock, HzSource gclk_hz, HzSource pba_hz, InterruptSink* irq,
       unsigned first_irq);
    ~Tc() override;

    std::uint32_t counter(unsigned ch) const;
    bool line(unsigned ch) const { return chan_[ch].line.level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;

  private:
    struct Channel {
        IrqLine line;
        bool enabled = false;        // CLKSTA
        bool stopped = false;        // CPCSTOP reached: no counting until the next trigger
        bool pending_reset = false;  // RC compare in a reset-on-RC mode: 0 on the next count
        std::uint64_t hz = 0;
        Picos t0 = 0;          // origin of this run's count grid
        std::uint64_t n0 = 0;  // grid count at which CV was cv0
        std::uint32_t cv0 = 0;
        Clock::EventId ev = 0;
    };
    std::uint64_t input_hz(unsigned ch) const;
    bool resets_on_rc(unsigned ch) const;
    bool running(unsigned ch) const;
    std::uint64_t grid_count(unsigned ch) const;  // counts of the channel clock since t0
    void anchor(unsigned ch);                     // fold the elapsed counts into cv0/t0
    void trigger(unsigned ch);
    void schedule(unsigned ch);
    void on_event(unsigned ch);
    std::uint32_t& sr(unsigned ch) { return reg_ref(kStride * ch + SR); }
    std::uint32_t cmr(unsigned ch) const { return reg(kStride * ch + CMR); }

    Clock& clock_;
    HzSource gclk_hz_, pba_hz_;
    Channel chan_[kChannels];
};

}  // namespace tockemu::sam4l
