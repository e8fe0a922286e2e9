#pragma once
// PM — Power Manager (SAM4L datasheet §10; sam4l.md §4).
//
// Modelled: main clock selection (MCCTRL.MCSEL) and the CPU/PBA/PBB/PBC/PBD dividers
// (CPUSEL/PBxSEL), published to the ClockTree; a new CPU frequency is reported through
// `on_cpu_clock` (the board forwards it to HailBoard::on_core_clock_change). Clock masks
// (CPUMASK, HSBMASK, PBAMASK..PBDMASK, PBADIVMASK) read back; the UNLOCK protection of the
// "(locked)" registers with AE in SR/ISR; IER/IDR/IMR/ISR/ICR and the PM line (IRQ 22);
// SR.CKRDY (dividers settle at once, so it reads 1) and RCAUSE = POR.
// Not modelled: clock gating (masks do not stop peripherals: Tock gates clocks around every
// access and an emulator may ignore gating, sam4l.md §3), clock failure detection, sleep modes,
// wake causes, PPCR effects. Selecting a stopped source is refused and logged as a guest error
// (on silicon the core would stop).
// Reading of ambiguous text: registers marked "(locked?)" in the reference (PBADIVMASK,
// CFDCTRL, PPCR) are NOT protected here, so a guest that writes them without UNLOCK still works.
#include <cstdint>
#include <functional>

#include "emu/core/irq.hpp"
#include "emu/periph/sam4l/clock_tree.hpp"
#include "emu/periph/sam4l/protected_block.hpp"

namespace tockemu::sam4l {

class Pm final : public ProtectedBlock {
  public:
    static constexpr std::uint32_t MCCTRL = 0x000, CPUSEL = 0x004, PBASEL = 0x00C, PBBSEL = 0x010,
                                   PBCSEL = 0x014, PBDSEL = 0x018, CPUMASK = 0x020, HSBMASK = 0x024,
                                   PBAMASK = 0x028, PBBMASK = 0x02C, PBCMASK = 0x030,
                                   PBDMASK = 0x034, PBADIVMASK = 0x040, CFDCTRL = 0x054,
                                   UNLOCK = 0x058, IER = 0x0C0, IDR = 0x0C4, IMR = 0x0C8,
                                   ISR = 0x0CC, ICR = 0x0D0, SR = 0x0D4, PPCR = 0x160,
                                   RCAUSE = 0x180, WCAUSE = 0x184, AWEN = 0x188, OBS = 0x190,
                                   FASTSLEEP = 0x194, CONFIG = 0x3F8, VERSION = 0x3FC;
    // Status bits (SR / ISR / IMR).
    static constexpr std::uint32_t kCFD = 1u << 0, kCKRDY = 1u << 5, kWAKE = 1u << 8,
                                   kPERRDY = 1u << 28, kAE = 1u << 31;

    Pm(ClockTree& clocks, InterruptSink* irq, unsigned irq_number);

    // Called with the new CPU frequency whenever the guest changes it.
    std::function<void(std::uint64_t)> on_cpu_clock;

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void on_reset() override;
    void update_irq() override;
    void on_access_error() override;

  private:
    void apply_divider(unsigned domain, std::uint32_t value);
    void publish_clocks();

    ClockTree& clocks_;
    IrqLine line_;
    std::uint64_t last_cpu_hz_ = 0;
};

}  // namespace tockemu::sam4l
