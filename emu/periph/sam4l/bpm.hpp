#pragma once
// BPM — Backup Power Manager (SAM4L datasheet §11; sam4l.md §7): power scaling, sleep modes and
// the 32 kHz clock source selection.
//
// Modelled: SR.PSOK reads 1 (power-scaling changes complete at once; Tock polls PSOK = 1 before
// its first PMCON write), PMCON with PSCREQ cleared when the change is done and ISR.PSOK raised,
// PMCON.CK32S selecting OSC32K or RC32K as the 32 kHz clock (ClockTree), UNLOCK protection of
// PMCON, IER/IDR/IMR/ISR/ICR and the BPM line (IRQ 37), the backup wake/pin registers as storage.
// PMCON.SLEEP/RET/BKUP are read by the board when the core sleeps (HailBoard::enter_sleep) to pick
// the power-save mode: SLEEP0..3 without SCB.SCR.SLEEPDEEP, else BACKUP (BKUP), RETENTION (RET)
// or WAIT. Not modelled: the backup mode's wake-up through reset, I/O retention, wake-up causes.
#include <cstdint>

#include "emu/core/irq.hpp"
#include "emu/periph/sam4l/clock_tree.hpp"
#include "emu/periph/sam4l/protected_block.hpp"

namespace tockemu::sam4l {

class Bpm final : public ProtectedBlock {
  public:
    static constexpr std::uint32_t IER = 0x00, IDR = 0x04, IMR = 0x08, ISR = 0x0C, ICR = 0x10,
                                   SR = 0x14, UNLOCK = 0x18, PMCON = 0x1C, BKUPWCAUSE = 0x28,
                                   BKUPWEN = 0x2C, BKUPPMUX = 0x30, IORET = 0x34, BPR = 0x40,
                                   FWRUNPS = 0x44, FWPSAVEPS = 0x48, VERSION = 0xFC;
    static constexpr std::uint32_t kPSOK = 1u << 0, kAE = 1u << 31;
    static constexpr std::uint32_t kPS = 0x3, kPSCREQ = 1u << 2, kCK32S = 1u << 16;

    Bpm(ClockTree& clocks, InterruptSink* irq, unsigned irq_number);

    unsigned power_scaling() const { return reg(PMCON) & kPS; }
    // PMCON fields that choose the power-save mode a WFI enters.
    static constexpr std::uint32_t kBKUP = 1u << 8, kRET = 1u << 9;
    unsigned sleep_level() const { return (reg(PMCON) >> 12) & 0x3; }  // SLEEP[13:12]
    bool retention() const { return reg(PMCON) & kRET; }
    bool backup() const { return reg(PMCON) & kBKUP; }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void update_irq() override;
    void on_access_error() override;

  private:
    ClockTree& clocks_;
    IrqLine line_;
};

}  // namespace tockemu::sam4l
