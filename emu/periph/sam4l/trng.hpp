#pragma once
// TRNG — True Random Number Generator (SAM4L datasheet §40; sam4l.md §15.1), made deterministic.
//
// Modelled: CR with KEY 0x524E47 ("RNG") and ENABLE (writes with another key are ignored and
// logged); while enabled a new 32-bit value is ready every 84 PBA clock cycles (the datasheet's
// rate); ISR.DATRDY is set when a value is ready and cleared by reading ISR; ODATA holds the
// latest value; IER/IDR/IMR and the TRNG line (IRQ 73) = DATRDY & IMR.
// The sequence is a pure function of the seed (MachineConfig.rng_seed, via the board) and of how
// many 84-cycle periods have elapsed since the last enable, so runs repeat exactly.
// Not modelled: entropy (by design), the clock-gating effect of PM.PBAMASK.
// Reading of ambiguous text: DATRDY cleared by an ISR read (unconfirmed in the reference; the
// Atmel TRNG IP behaves so on SAM3/SAM4 parts).
#include <cstdint>
#include <functional>

#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/register_block.hpp"

namespace tockemu::sam4l {

class Trng final : public RegisterBlock {
  public:
    static constexpr std::uint32_t CR = 0x00, IER = 0x10, IDR = 0x14, IMR = 0x18, ISR = 0x1C,
                                   ODATA = 0x50, VERSION = 0xFC;
    static constexpr std::uint32_t kDATRDY = 1u << 0;
    static constexpr std::uint32_t kKey = 0x524E47;
    static constexpr std::uint64_t kCyclesPerValue = 84;

    using HzSource = std::function<std::uint64_t()>;
    Trng(Clock& clock, HzSource pba_hz, std::uint64_t seed, InterruptSink* irq,
         unsigned irq_number);
    ~Trng() override;

    // Value number n of the sequence for `seed` (exposed so tests can predict it).
    static std::uint32_t value(std::uint64_t seed, std::uint64_t n);

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;

  private:
    std::uint64_t produced() const;  // values generated since enable
    bool ready() const { return enabled_ && produced() > consumed_; }
    void schedule_ready();

    Clock& clock_;
    HzSource pba_hz_;
    std::uint64_t seed_;
    IrqLine line_;
    bool enabled_ = false;
    Picos enabled_at_ = 0;
    std::uint64_t hz_ = 0;
    std::uint64_t consumed_ = 0;    // index of the last value whose DATRDY was read
    std::uint64_t generation_ = 0;  // values handed out over all enables (keeps the sequence going)
    Clock::EventId ready_ev_ = 0;
};

}  // namespace tockemu::sam4l
