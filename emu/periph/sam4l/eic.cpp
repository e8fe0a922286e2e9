#include "emu/periph/sam4l/eic.hpp"

namespace tockemu::sam4l {

namespace {
using E = Eic;
constexpr Reg kRegs[] = {
    {E::IER, "IER", Access::WO, 0, E::kLineMask, Action::Set, E::IMR},
    {E::IDR, "IDR", Access::WO, 0, E::kLineMask, Action::Clear, E::IMR},
    {E::IMR, "IMR", Access::RO},
    {E::ISR, "ISR", Access::RO},
    {E::ICR, "ICR", Access::WO, 0, E::kLineMask, Action::Clear, E::ISR},
    {E::MODE, "MODE", Access::RW, 0, E::kLineMask},
    {E::EDGE, "EDGE", Access::RW, 0, E::kLineMask},
    {E::LEVEL, "LEVEL", Access::RW, 0, E::kLineMask},
    {E::FILTER, "FILTER", Access::RW, 0, E::kLineMask},
    {E::TEST, "TEST", Access::RW},
    {E::ASYNC, "ASYNC", Access::RW, 0, E::kLineMask},
    {E::EN, "EN", Access::WO, 0, E::kLineMask, Action::Set, E::CTRL},
    {E::DIS, "DIS", Access::WO, 0, E::kLineMask, Action::Clear, E::CTRL},
    {E::CTRL, "CTRL", Access::RO},
    {E::VERSION, "VERSION", Access::RO, 0x302},
};
}  // namespace

Eic::Eic(InterruptSink* irq, unsigned first_irq) : RegisterBlock("EIC", kRegs, kSize), log_("EIC") {
    for (unsigned n = 0; n < lines_.size(); ++n) lines_[n] = IrqLine(irq, first_irq + n);
    reset();
}

void Eic::on_reset() {
    inputs_ = kLineMask;
}

void Eic::set_input(unsigned line, bool level) {
    if (line >= kLines) return;
    const std::uint32_t bit = 1u << line;
    const bool old = inputs_ & bit;
    inputs_ = level ? (inputs_ | bit) : (inputs_ & ~bit);
    const std::uint32_t active = reg(CTRL) & ~reg(MODE) & bit;  // enabled edge line
    if (active && old != level && level == static_cast<bool>(reg(EDGE) & bit)) reg_ref(ISR) |= bit;
    sample_levels();
    update_irq();
}

// Enabled level lines flag themselves while the input sits at the selected level.
void Eic::sample_levels() {
    const std::uint32_t at_level = ~(inputs_ ^ reg(LEVEL)) & kLineMask;
    reg_ref(ISR) |= reg(CTRL) & reg(MODE) & at_level;
}

void Eic::on_write(std::size_t index, std::uint32_t value) {
    switch (def(index).offset) {
        case FILTER:
        case ASYNC:
        case TEST:
            if (value) log_.model_gap("FILTER/ASYNC/TEST are stored, not applied");
            break;
        case EN:
            if (value & 1u) log_.model_gap("line 0 (NMI) flags ISR but does not raise the NMI");
            break;
        default:
            break;
    }
    sample_levels();
}

void Eic::update_irq() {
    const std::uint32_t pending = reg(ISR) & reg(IMR);
    for (unsigned n = 0; n < lines_.size(); ++n) lines_[n].set((pending >> (n + 1)) & 1u);
}

}  // namespace tockemu::sam4l
