#include "emu/periph/sam4l/bpm.hpp"

namespace tockemu::sam4l {

namespace {
constexpr Reg kRegs[] = {
    {Bpm::IER, "IER", Access::WO, 0, Bpm::kPSOK | Bpm::kAE, Action::Set, Bpm::IMR},
    {Bpm::IDR, "IDR", Access::WO, 0, Bpm::kPSOK | Bpm::kAE, Action::Clear, Bpm::IMR},
    {Bpm::IMR, "IMR", Access::RO},
    {Bpm::ISR, "ISR", Access::RO},
    {Bpm::ICR, "ICR", Access::WO, 0, Bpm::kPSOK | Bpm::kAE, Action::Clear, Bpm::ISR},
    {Bpm::SR, "SR", Access::RO, Bpm::kPSOK},
    {Bpm::UNLOCK, "UNLOCK", Access::WO, 0, 0xFF00'03FF},
    {Bpm::PMCON, "PMCON", Access::RW, 0, 0x0101'330F},
    {Bpm::BKUPWCAUSE, "BKUPWCAUSE", Access::RO},
    {Bpm::BKUPWEN, "BKUPWEN", Access::RW, 0, 0x3F},
    {Bpm::BKUPPMUX, "BKUPPMUX", Access::RW, 0, 0x1FF},
    {Bpm::IORET, "IORET", Access::RW, 0, 0x1},
    {Bpm::BPR, "BPR", Access::RW, 0, 0x1FFF},
    {Bpm::FWRUNPS, "FWRUNPS", Access::RO},
    {Bpm::FWPSAVEPS, "FWPSAVEPS", Access::RO},
    {Bpm::VERSION, "VERSION", Access::RO, 0x120},
};
}  // namespace

Bpm::Bpm(ClockTree& clocks, InterruptSink* irq, unsigned irq_number)
    : ProtectedBlock("BPM", kRegs, 0x100, UNLOCK, {PMCON}),
      clocks_(clocks),
      line_(irq, irq_number) {
    reset();
}

void Bpm::on_access_error() {
    reg_ref(ISR) |= kAE;
    reg_ref(SR) |= kAE;
}

void Bpm::on_write(std::size_t index, std::uint32_t value) {
    switch (def(index).offset) {
        case PMCON: {
            std::uint32_t& pmcon = reg_ref(PMCON);
            if (pmcon & kPSCREQ) {
                // The power-scaling change completes immediately: PSOK stays 1.
                pmcon &= ~kPSCREQ;
                reg_ref(ISR) |= kPSOK;
            }
            const bool rc32k = pmcon & kCK32S;
            if (rc32k != clocks_.ck32_from_rc32k) {
                clocks_.ck32_from_rc32k = rc32k;
                clocks_.changed();
            }
            break;
        }
        case ICR:
            if (value & kAE) reg_ref(SR) &= ~kAE;
            break;
        default:
            break;
    }
}

void Bpm::update_irq() {
    line_.set((reg(ISR) & reg(IMR)) != 0);
}

}  // namespace tockemu::sam4l
