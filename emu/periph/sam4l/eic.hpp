#pragma once
// EIC — External Interrupt Controller (SAM4L datasheet §22; sam4l.md §15.4; ASF component_eic.h).
// Upstream Tock has no eic.rs user on Hail; the model serves bare-metal firmware and kernels that
// use EXTINT pins.
//
// Modelled:
//  - Lines 0..8 (bit n = line n; line 0 is the NMI line, lines 1..8 are EXTINT1..8 on NVIC lines
//    45..52). EN/DIS/CTRL enable detection per line; IER/IDR/IMR; ISR; ICR (write 1 to clear).
//  - MODE (0 edge, 1 level), EDGE (0 falling, 1 rising), LEVEL (0 low, 1 high): an enabled edge
//    line sets its ISR bit on the selected edge; an enabled level line keeps its ISR bit set while
//    the input sits at the selected level (ICR clears it only once the level has gone).
//    Enabling a level line whose input already sits at the level sets the flag at once.
//  - NVIC line 44 + n = ISR[n] & IMR[n] for n = 1..8.
//  - The inputs: set_input(line, level) from the host or a board part; they idle high (as pads
//    with their pull-up) until driven.
// Not modelled (stored only, logged once): FILTER (the 3-sample glitch filter delays the flag by
// 3 clock cycles on silicon; here it is immediate), ASYNC, TEST; line 0 does not raise the
// core's NMI (logged); the PM clock mask does not stop detection.
#include <array>
#include <cstdint>

#include "emu/core/irq.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Eic final : public RegisterBlock {
  public:
    static constexpr std::uint32_t kBase = 0x400F'1000;
    static constexpr std::uint32_t kSize = 0x400;
    static constexpr unsigned kFirstIrq = 45;  // EXTINT1; EXTINTn -> 44 + n
    static constexpr unsigned kLines = 9;      // NMI + EXTINT1..8
    static constexpr std::uint32_t kLineMask = 0x1FF;

    static constexpr std::uint32_t IER = 0x00, IDR = 0x04, IMR = 0x08, ISR = 0x0C, ICR = 0x10,
                                   MODE = 0x14, EDGE = 0x18, LEVEL = 0x1C, FILTER = 0x20,
                                   TEST = 0x24, ASYNC = 0x28, EN = 0x30, DIS = 0x34, CTRL = 0x38,
                                   VERSION = 0x3FC;

    Eic(InterruptSink* irq, unsigned first_irq = kFirstIrq);

    void set_input(unsigned line, bool level);
    bool input(unsigned line) const { return (inputs_ >> line) & 1u; }
    bool irq_level(unsigned line) const {
        return line >= 1 && line < kLines && lines_[line - 1].level();
    }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void on_reset() override;
    void update_irq() override;

  private:
    void sample_levels();

    OnceLog log_;
    std::array<IrqLine, kLines - 1> lines_;
    std::uint32_t inputs_ = kLineMask;
};

}  // namespace tockemu::sam4l
