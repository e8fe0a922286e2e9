#include "emu/periph/sam4l/bscif.hpp"

#include <array>

namespace tockemu::sam4l {

namespace {
constexpr std::uint32_t kStatus = 0x1FFF;

constexpr Reg kRegs[] = {
    {Bscif::IER, "IER", Access::WO, 0, kStatus | Bscif::kAE, Action::Set, Bscif::IMR},
    {Bscif::IDR, "IDR", Access::WO, 0, kStatus | Bscif::kAE, Action::Clear, Bscif::IMR},
    {Bscif::IMR, "IMR", Access::RO},
    {Bscif::ISR, "ISR", Access::RO},
    {Bscif::ICR, "ICR", Access::WO, 0, kStatus | Bscif::kAE, Action::Clear, Bscif::ISR},
    // The regulator and the low-power band-gap are up out of reset.
    {Bscif::PCLKSR, "PCLKSR", Access::RO, Bscif::kVREGOK | Bscif::kLPBGRDY},
    {Bscif::UNLOCK, "UNLOCK", Access::WO, 0, 0xFF00'03FF},
    {Bscif::CSCR, "CSCR", Access::RW},
    {Bscif::OSCCTRL32, "OSCCTRL32", Access::RW, 0x4, 0x0007'F70F},
    {Bscif::RC32KCR, "RC32KCR", Access::RW, 0, 0xBF},
    {Bscif::RC32KTUNE, "RC32KTUNE", Access::RW, 0, 0x007F'003F},
    {Bscif::BOD33CTRL, "BOD33CTRL", Access::RW, 0, 0xC001'0303},
    {Bscif::BOD33LEVEL, "BOD33LEVEL", Access::RW, 0, 0x3F},
    {Bscif::BOD33SAMPLING, "BOD33SAMPLING", Access::RW, 0, 0xF03},
    {Bscif::BOD18CTRL, "BOD18CTRL", Access::RW, 0, 0xC001'0303},
    {Bscif::BOD18LEVEL, "BOD18LEVEL", Access::RW, 0, 0x8000'003F},
    {Bscif::BOD18SAMPLING, "BOD18SAMPLING", Access::RW, 0, 0xF03},
    {Bscif::VREGCR, "VREGCR", Access::RW, 0, 0x8000'0701},
    {Bscif::VREGNCSR, "VREGNCSR", Access::RW},
    {Bscif::VREGLPCSR, "VREGLPCSR", Access::RW},
    {Bscif::RC1MCR, "RC1MCR", Access::RW, 0xF00, 0x1F81},
    {Bscif::BGCR, "BGCR", Access::RW},
    {Bscif::BGCTRL, "BGCTRL", Access::RW, 0, 0x103},
    // All band-gap buffers ready, BGRDY, LPBGRDY.
    {Bscif::BGSR, "BGSR", Access::RO, 0x0003'00FF},
    {Bscif::BR0 + 0x0, "BR0", Access::RW},
    {Bscif::BR0 + 0x4, "BR1", Access::RW},
    {Bscif::BR0 + 0x8, "BR2", Access::RW},
    {Bscif::BR0 + 0xC, "BR3", Access::RW},
    {Bscif::VERSION, "VERSION", Access::RO, 0x100},
};

// OSCCTRL32.STARTUP -> startup time in milliseconds (Tock's table).
constexpr std::array<std::uint64_t, 8> kOsc32StartupMs = {0, 1, 72, 143, 570, 1100, 2300, 4600};
}  // namespace

Bscif::Bscif(ClockTree& clocks, Clock& clock, InterruptSink* irq, unsigned irq_number)
    : ProtectedBlock("BSCIF", kRegs, 0x400, UNLOCK, {OSCCTRL32, RC32KCR, RC32KTUNE, RC1MCR}),
      clocks_(clocks),
      clock_(clock),
      line_(irq, irq_number),
      watch_("BSCIF.PCLKSR", {{kOSC32RDY, "OSC32RDY"}, {kRC1MRDY, "RC1MRDY"}}) {
    reset();
}

Bscif::~Bscif() {
    if (osc32_event_) clock_.cancel(osc32_event_);
}

void Bscif::on_reset() {
    if (osc32_event_) clock_.cancel(osc32_event_);
    osc32_event_ = 0;
    // The backup registers survive a system reset (they live in the backup domain).
    for (unsigned i = 0; i < 4; ++i) set_reg(BR0 + 4 * i, backup_[i]);
}

void Bscif::on_access_error() {
    reg_ref(ISR) |= kAE;
}

void Bscif::set_status(std::uint32_t bits, bool on) {
    std::uint32_t& sr = reg_ref(PCLKSR);
    const std::uint32_t rising = on ? bits & ~sr : 0;
    sr = on ? sr | bits : sr & ~bits;
    reg_ref(ISR) |= rising;
}

void Bscif::on_write(std::size_t index, std::uint32_t /*value*/) {
    watch_.touch();
    const std::uint32_t off = def(index).offset;
    switch (off) {
        case OSCCTRL32: {
            const std::uint32_t v = reg(OSCCTRL32);
            if ((v & 1u) && !(reg(PCLKSR) & kOSC32RDY) && osc32_event_ == 0) {
                osc32_event_ = clock_.schedule_in(
                    picos_from_ms(kOsc32StartupMs[(v >> 16) & 0x7]),
                    [this] {
                        osc32_event_ = 0;
                        clocks_.osc32k_hz = k32kHz;
                        set_status(kOSC32RDY, true);
                        update_irq();
                        clocks_.changed();
                    },
                    "BSCIF.OSC32K startup");
            } else if (!(v & 1u)) {
                if (osc32_event_) clock_.cancel(osc32_event_);
                osc32_event_ = 0;
                clocks_.osc32k_hz = 0;
                set_status(kOSC32RDY, false);
            }
            break;
        }
        case RC32KCR: {
            const std::uint32_t v = reg(RC32KCR);
            clocks_.rc32k_hz = (v & 1u) ? k32kHz : 0;
            set_status(kRC32KRDY, v & 1u);
            set_status(kRC32KLOCK, (v & 1u) && (v & (1u << 4)));
            break;
        }
        case RC1MCR:
            clocks_.rc1m_hz = (reg(RC1MCR) & 1u) ? kRc1mHz : 0;
            set_status(kRC1MRDY, reg(RC1MCR) & 1u);
            break;
        default:
            if (off >= BR0 && off < BR0 + 16) backup_[(off - BR0) / 4] = reg(off);
            break;
    }
    clocks_.changed();
}

std::uint32_t Bscif::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    if (side_effects && def(index).offset == PCLKSR) {
        const std::uint32_t armed =
            ((reg(OSCCTRL32) & 1u) ? kOSC32RDY : 0) | ((reg(RC1MCR) & 1u) ? kRC1MRDY : 0);
        watch_.observe(stored, armed);
    }
    return stored;
}

void Bscif::update_irq() {
    line_.set((reg(ISR) & reg(IMR)) != 0);
}

}  // namespace tockemu::sam4l
