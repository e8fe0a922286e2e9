#pragma once
// BSCIF — Backup System Control Interface (SAM4L datasheet §12; sam4l.md §6): 32 kHz
// oscillators, RC1M, brown-out detectors, voltage regulator, backup registers.
//
// Modelled: OSC32K (OSCCTRL32.OSC32EN -> PCLKSR.OSC32RDY after the STARTUP time, 32 768 Hz),
// RC32K (RC32KCR.EN read-back, RC32KRDY at once, RC32KLOCK in closed-loop mode; 32 768 Hz),
// RC1M (RC1MCR.CLKOE -> RC1MRDY, 1 MHz), VREGOK/BGRDY/LPBGRDY reading 1, BR0..BR3 backup
// registers (kept across reset() like the backup domain), UNLOCK protection, IER/IDR/IMR/ISR/ICR
// with ISR raised on PCLKSR rising edges, the BSCIF line (IRQ 38).
// Not modelled: brown-out detection (never triggers), regulator modes, RC32K tuning effects.
// Reading of ambiguous text: OSCCTRL32.STARTUP encodes 0 ms, 1 ms, 72 ms, 143 ms, 570 ms, 1.1 s,
// 2.3 s, 4.6 s (Tock's table). Protected registers: OSCCTRL32, RC32KCR, RC32KTUNE, RC1MCR (and the
// BOD/VREG control registers, which Tock never writes).
#include <cstdint>
#include <string>
#include <vector>

#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/sam4l/clock_tree.hpp"
#include "emu/periph/sam4l/protected_block.hpp"

namespace tockemu::sam4l {

class Bscif final : public ProtectedBlock {
  public:
    static constexpr std::uint32_t IER = 0x00, IDR = 0x04, IMR = 0x08, ISR = 0x0C, ICR = 0x10,
                                   PCLKSR = 0x14, UNLOCK = 0x18, CSCR = 0x1C, OSCCTRL32 = 0x20,
                                   RC32KCR = 0x24, RC32KTUNE = 0x28, BOD33CTRL = 0x2C,
                                   BOD33LEVEL = 0x30, BOD33SAMPLING = 0x34, BOD18CTRL = 0x38,
                                   BOD18LEVEL = 0x3C, BOD18SAMPLING = 0x40, VREGCR = 0x44,
                                   VREGNCSR = 0x4C, VREGLPCSR = 0x50, RC1MCR = 0x58, BGCR = 0x5C,
                                   BGCTRL = 0x60, BGSR = 0x64, BR0 = 0x78, VERSION = 0x3FC;
    static constexpr std::uint32_t kOSC32RDY = 1u << 0, kRC32KRDY = 1u << 1, kRC32KLOCK = 1u << 2,
                                   kVREGOK = 1u << 10, kRC1MRDY = 1u << 11, kLPBGRDY = 1u << 12,
                                   kAE = 1u << 31;

    Bscif(ClockTree& clocks, Clock& clock, InterruptSink* irq, unsigned irq_number);
    ~Bscif() override;

    const std::vector<std::string>& warnings() const { return watch_.warnings(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;
    void on_access_error() override;

  private:
    void set_status(std::uint32_t bits, bool on);

    ClockTree& clocks_;
    Clock& clock_;
    IrqLine line_;
    PollWatch watch_;
    Clock::EventId osc32_event_ = 0;
    std::uint32_t backup_[4] = {};
};

}  // namespace tockemu::sam4l
