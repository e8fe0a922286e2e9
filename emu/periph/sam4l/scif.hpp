#pragma once
// SCIF — System Control Interface (SAM4L datasheet §13; sam4l.md §5): OSC0, PLL0, DFLL0, RC80M,
// RCFAST and the generic clocks.
//
// Modelled: OSC0 (OSCCTRL0.OSCEN -> PCLKSR.OSC0RDY after the STARTUP time counted in RCSYS
// cycles; the Hail crystal is 16 MHz), PLL0 (PLLEN with a running reference -> PLL0LOCK after
// PLLCOUNT RCSYS cycles; f = f_ref * (PLLMUL+1) / PLLDIV, /2 when PLLOPT[1]; PLLDIV = 0 doubles),
// DFLL0 (EN -> DFLL0RDY; closed loop -> DFLL0LOCKC/LOCKF; f = MUL * f(GCLK0 source)), RC80M and
// RCFAST (EN read-back; RCFAST frequency from FRANGE, RCFASTLOCK when tuning), DFLL0SYNC, the
// UNLOCK protection, IER/IDR/IMR/ISR/ICR with ISR flags raised on PCLKSR rising edges, the SCIF
// line (IRQ 23), GCCTRLn read-back (GCLK frequencies via gclk_hz()). A PCLKSR ready bit polled
// for a long time without becoming ready is reported by name (PollWatch).
// Not modelled: oscillator gain/AGC, DFLL open-loop frequency (taken as 48 MHz nominal), spread
// spectrum, PLL/DFLL lock loss, RCCR calibration, HRP/FP clocks, GCLK inputs.
// Reading of ambiguous text: OSCCTRL0.STARTUP encoding {0, 64, 128, 2048, 4096, 8192, 16384,
// 32768, 4, 8, 16, 32, 256, 512, 1024, 32768} RCSYS cycles (the values Tock uses, 1 = 64 and
// 14 = 1024, match this table; the rest is from the datasheet table as we recall it).
#include <cstdint>
#include <string>
#include <vector>

#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/sam4l/clock_tree.hpp"
#include "emu/periph/sam4l/protected_block.hpp"

namespace tockemu::sam4l {

class Scif final : public ProtectedBlock {
  public:
    static constexpr std::uint32_t IER = 0x000, IDR = 0x004, IMR = 0x008, ISR = 0x00C, ICR = 0x010,
                                   PCLKSR = 0x014, UNLOCK = 0x018, CSCR = 0x01C, OSCCTRL0 = 0x020,
                                   PLL0 = 0x024, DFLL0CONF = 0x028, DFLL0VAL = 0x02C,
                                   DFLL0MUL = 0x030, DFLL0STEP = 0x034, DFLL0SSG = 0x038,
                                   DFLL0RATIO = 0x03C, DFLL0SYNC = 0x040, RCCR = 0x044,
                                   RCFASTCFG = 0x048, RCFASTSR = 0x04C, RC80MCR = 0x050,
                                   HRPCR = 0x064, FPCR = 0x068, FPMUL = 0x06C, FPDIV = 0x070,
                                   GCCTRL0 = 0x074, VERSION = 0x3FC;
    // PCLKSR bits.
    static constexpr std::uint32_t kOSC0RDY = 1u << 0, kDFLL0LOCKC = 1u << 1, kDFLL0LOCKF = 1u << 2,
                                   kDFLL0RDY = 1u << 3, kPLL0LOCK = 1u << 6, kRCFASTLOCK = 1u << 13,
                                   kAE = 1u << 31;

    Scif(ClockTree& clocks, Clock& clock, InterruptSink* irq, unsigned irq_number);
    ~Scif() override;

    // Frequency of generic clock n (0 when disabled or its source is stopped).
    std::uint64_t gclk_hz(unsigned n) const;
    const std::vector<std::string>& warnings() const { return watch_.warnings(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;
    void on_access_error() override;

  private:
    void set_status(std::uint32_t bits, bool on);
    void start_osc0();
    void start_pll0();
    void update_dfll();
    void cancel(Clock::EventId& id);
    std::uint64_t pll0_output_hz() const;
    std::uint64_t osc_source_hz(unsigned oscsel) const;

    ClockTree& clocks_;
    Clock& clock_;
    IrqLine line_;
    PollWatch watch_;
    Clock::EventId osc0_event_ = 0;
    Clock::EventId pll0_event_ = 0;
};

}  // namespace tockemu::sam4l
