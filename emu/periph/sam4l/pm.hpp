#pragma once
// PM — Power Manager (SAM4L datasheet §10; sam4l.md §4).
//
// Modelled: main clock selection (MCCTRL.MCSEL) and the CPU/PBA/PBB/PBC/PBD dividers
// (CPUSEL/PBxSEL), published to the ClockTree; a new CPU frequency is reported through
// `on_cpu_clock` (the board forwards it to HailBoard::on_core_clock_change). Clock masks
// (CPUMASK, HSBMASK, PBAMASK..PBDMASK, PBADIVMASK) read back; the UNLOCK protection of the
// "(locked)" registers with AE in SR/ISR; IER/IDR/IMR/ISR/ICR and the PM line (IRQ 22);
// SR.CKRDY (dividers settle at once, so it reads 1) and RCAUSE = POR. The clock masks are
// published to the ClockTree; the board gates each peripheral with them (ClockGatedDevice
// below): with its clock masked a peripheral's registers read 0 and ignore writes (datasheet
// §10.5.5), the access is logged once as a guest error naming the mask bit, and the model is told
// so that its own activity on that clock stops until the bit is set again.
// Not modelled: clock failure detection, wake causes, PPCR effects. Selecting a stopped source is
// refused and logged as a guest error (on silicon the core would stop). Reading of ambiguous text:
// registers marked "(locked?)" in the reference (PBADIVMASK, CFDCTRL, PPCR) are NOT protected here,
// so a guest that writes them without UNLOCK still works.
#include <cstdint>
#include <functional>
#include <string>

#include "emu/bus/device.hpp"
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

// A peripheral as the CPU (and the PDCA) reach it through its bus bridge: while the PM masks its
// clock, reads return 0 and writes are ignored (datasheet §10.5.5: "its registers cannot be read
// or written"), and the first such access is logged once, on the guest-error channel, as
// "access to USART0 with its clock masked (PM.PBAMASK bit 8)". Debugger peeks see the model.
// update() re-reads the masks (the board calls it when the clock tree changes) and tells the
// model through `on_change` when its clock stops or starts (the state at construction is
// running(); the owner tells the model that one itself).
class ClockGatedDevice final : public Device {
  public:
    ClockGatedDevice(Device& model, const ClockTree& clocks, ClockGate gate,
                     std::function<void(bool running)> on_change = {});

    std::string_view name() const override { return model_.name(); }
    std::uint32_t read(std::uint32_t offset, unsigned size) override;
    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    std::uint32_t peek(std::uint32_t offset, unsigned size) override {
        return model_.peek(offset, size);
    }
    void reset() override {}  // the board resets the model itself

    void update();
    bool running() const { return running_; }
    // The once-per-peripheral report, empty until the guest touched it masked.
    const std::string& report() const { return report_; }
    ClockGate gate() const { return gate_; }

  private:
    void masked_access();

    Device& model_;
    const ClockTree& clocks_;
    ClockGate gate_;
    std::function<void(bool)> on_change_;
    bool running_ = true;
    std::string report_;
};

}  // namespace tockemu::sam4l
