#include "emu/periph/sam4l/scif.hpp"

#include <array>

#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

namespace {
constexpr std::uint32_t kStatus = Scif::kOSC0RDY | Scif::kDFLL0LOCKC | Scif::kDFLL0LOCKF |
                                  Scif::kDFLL0RDY | (1u << 4) | (1u << 5) | Scif::kPLL0LOCK |
                                  (1u << 7) | Scif::kRCFASTLOCK | (1u << 14);

constexpr Reg kRegs[] = {
    {Scif::IER, "IER", Access::WO, 0, kStatus | Scif::kAE, Action::Set, Scif::IMR},
    {Scif::IDR, "IDR", Access::WO, 0, kStatus | Scif::kAE, Action::Clear, Scif::IMR},
    {Scif::IMR, "IMR", Access::RO},
    {Scif::ISR, "ISR", Access::RO},
    {Scif::ICR, "ICR", Access::WO, 0, kStatus | Scif::kAE, Action::Clear, Scif::ISR},
    {Scif::PCLKSR, "PCLKSR", Access::RO},
    {Scif::UNLOCK, "UNLOCK", Access::WO, 0, 0xFF00'03FF},
    {Scif::CSCR, "CSCR", Access::RW},
    {Scif::OSCCTRL0, "OSCCTRL0", Access::RW, 0, 0x0001'0F0F},
    {Scif::PLL0, "PLL0", Access::RW, 0, 0x3F0F'0F3F},
    {Scif::DFLL0CONF, "DFLL0CONF", Access::RW, 0, 0x0F83'006F},
    {Scif::DFLL0VAL, "DFLL0VAL", Access::RW, 0, 0x001F'00FF},
    {Scif::DFLL0MUL, "DFLL0MUL", Access::RW, 0, 0xFFFF},
    {Scif::DFLL0STEP, "DFLL0STEP", Access::RW, 0, 0x001F'00FF},
    {Scif::DFLL0SSG, "DFLL0SSG", Access::RW, 0, 0x001F'1F03},
    {Scif::DFLL0RATIO, "DFLL0RATIO", Access::RO},
    {Scif::DFLL0SYNC, "DFLL0SYNC", Access::WO, 0, 0x1},
    {Scif::RCCR, "RCCR", Access::RW, 0, 0x0001'03FF},
    {Scif::RCFASTCFG, "RCFASTCFG", Access::RW, 0, 0x007F'F3F7},
    {Scif::RCFASTSR, "RCFASTSR", Access::RW},
    {Scif::RC80MCR, "RC80MCR", Access::RW, 0, 0x0003'0081},
    {Scif::HRPCR, "HRPCR", Access::RW},
    {Scif::FPCR, "FPCR", Access::RW, 0, 0xF},
    {Scif::FPMUL, "FPMUL", Access::RW, 0, 0xFFFF},
    {Scif::FPDIV, "FPDIV", Access::RW, 0, 0xFFFF},
    {Scif::GCCTRL0 + 0x00, "GCCTRL0", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x04, "GCCTRL1", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x08, "GCCTRL2", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x0C, "GCCTRL3", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x10, "GCCTRL4", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x14, "GCCTRL5", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x18, "GCCTRL6", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x1C, "GCCTRL7", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x20, "GCCTRL8", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x24, "GCCTRL9", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x28, "GCCTRL10", Access::RW, 0, 0xFFFF'1F03},
    {Scif::GCCTRL0 + 0x2C, "GCCTRL11", Access::RW, 0, 0xFFFF'1F03},
    {Scif::VERSION, "VERSION", Access::RO, 0x130},
};

// OSCCTRL0.STARTUP -> RCSYS cycles (see the header for how this table was read).
constexpr std::array<std::uint32_t, 16> kOsc0Startup = {0, 64, 128, 2048, 4096, 8192, 16384, 32768,
                                                        4, 8,  16,  32,   256,  512,  1024,  32768};

constexpr std::uint64_t kDfllOpenLoopHz = 48'000'000;

constexpr std::uint32_t kOscEn = 1u << 16;
constexpr std::uint32_t kPllEn = 1u << 0;
constexpr std::uint32_t kDfllEn = 1u << 0, kDfllClosed = 1u << 1;
constexpr std::uint32_t kRcEn = 1u << 0, kRcfastTuneEn = 1u << 1;
}  // namespace

Scif::Scif(ClockTree& clocks, Clock& clock, InterruptSink* irq, unsigned irq_number)
    : ProtectedBlock(
          "SCIF", kRegs, 0x400, UNLOCK,
          {OSCCTRL0, PLL0, DFLL0CONF, DFLL0MUL, DFLL0STEP, DFLL0SSG, RCFASTCFG, RC80MCR}),
      clocks_(clocks),
      clock_(clock),
      line_(irq, irq_number),
      watch_("SCIF.PCLKSR", {{kOSC0RDY, "OSC0RDY"},
                             {kPLL0LOCK, "PLL0LOCK"},
                             {kDFLL0RDY, "DFLL0RDY"},
                             {kDFLL0LOCKF, "DFLL0LOCKF"}}) {
    reset();
}

Scif::~Scif() {
    cancel(osc0_event_);
    cancel(pll0_event_);
}

void Scif::cancel(Clock::EventId& id) {
    if (id != 0) clock_.cancel(id);
    id = 0;
}

void Scif::on_reset() {
    cancel(osc0_event_);
    cancel(pll0_event_);
}

void Scif::on_access_error() {
    reg_ref(ISR) |= kAE;
}

void Scif::set_status(std::uint32_t bits, bool on) {
    std::uint32_t& sr = reg_ref(PCLKSR);
    const std::uint32_t rising = on ? bits & ~sr : 0;
    sr = on ? sr | bits : sr & ~bits;
    reg_ref(ISR) |= rising;
}

std::uint64_t Scif::pll0_output_hz() const {
    const std::uint32_t v = reg(PLL0);
    const std::uint64_t ref = ((v >> 1) & 0x3) == 0 ? clocks_.osc0_hz : gclk_hz(9);
    const std::uint64_t mul = ((v >> 16) & 0xF) + 1;
    const std::uint64_t div = (v >> 8) & 0xF;
    std::uint64_t vco = div == 0 ? 2 * mul * ref : mul * ref / div;
    if (v & (1u << 4)) vco /= 2;  // PLLOPT[1]: divide the output by 2
    return vco;
}

void Scif::start_osc0() {
    cancel(osc0_event_);
    const std::uint32_t cycles = kOsc0Startup[(reg(OSCCTRL0) >> 8) & 0xF];
    osc0_event_ = clock_.schedule_in(
        picos_for_ticks(cycles, kRcsysHz),
        [this] {
            osc0_event_ = 0;
            clocks_.osc0_hz = kOsc0Hz;
            set_status(kOSC0RDY, true);
            // A PLL waiting for its reference can start counting now.
            if ((reg(PLL0) & kPllEn) && !(reg(PCLKSR) & kPLL0LOCK) && pll0_event_ == 0)
                start_pll0();
            update_irq();
            clocks_.changed();
        },
        "SCIF.OSC0 startup");
}

void Scif::start_pll0() {
    cancel(pll0_event_);
    if (pll0_output_hz() == 0) return;  // reference not running: locks when it starts
    const std::uint32_t count = (reg(PLL0) >> 24) & 0x3F;
    pll0_event_ = clock_.schedule_in(
        picos_for_ticks(count, kRcsysHz),
        [this] {
            pll0_event_ = 0;
            clocks_.pll0_hz = pll0_output_hz();
            set_status(kPLL0LOCK, true);
            update_irq();
            clocks_.changed();
        },
        "SCIF.PLL0 lock");
}

std::uint64_t Scif::osc_source_hz(unsigned oscsel) const {
    switch (oscsel) {
        case 0:
            return kRcsysHz;
        case 1:
            return clocks_.clk32k_hz();
        case 2:
            return clocks_.dfll0_hz;
        case 3:
            return clocks_.osc0_hz;
        case 4:
            return clocks_.rc80m_hz;
        case 5:
            return clocks_.rcfast_hz;
        case 6:
            return clocks_.rc1m_hz;
        case 7:
            return clocks_.cpu_hz();
        case 8:
            return clocks_.cpu_hz();  // HSB runs with the CPU
        case 9:
            return clocks_.pb_hz(Bridge::PBA);
        case 10:
            return clocks_.pb_hz(Bridge::PBB);
        case 11:
            return clocks_.pb_hz(Bridge::PBC);
        case 12:
            return clocks_.pb_hz(Bridge::PBD);
        case 13:
            return clocks_.rc32k_hz;
        case 15:
            return clocks_.rc32k_hz || clocks_.osc32k_hz ? k1kHz : 0;
        case 16:
            return clocks_.pll0_hz;
        default:
            return 0;  // FLO, HRP, FP, GCLK_IN0/1, GCLK11: not modelled
    }
}

std::uint64_t Scif::gclk_hz(unsigned n) const {
    if (n > 11) return 0;
    const std::uint32_t v = reg(GCCTRL0 + 4 * n);
    if (!(v & 1u)) return 0;  // CEN
    const unsigned oscsel = (v >> 8) & 0x1F;
    if (oscsel == 21) return n == 11 ? 0 : gclk_hz(11);
    std::uint64_t hz = osc_source_hz(oscsel);
    if (v & 2u) hz /= 2 * (static_cast<std::uint64_t>(v >> 16) + 1);  // DIVEN: f / (2*(DIV+1))
    return hz;
}

void Scif::update_dfll() {
    const std::uint32_t conf = reg(DFLL0CONF);
    if (!(conf & kDfllEn)) {
        set_status(kDFLL0LOCKC | kDFLL0LOCKF, false);
        clocks_.dfll0_hz = 0;
        return;
    }
    if (conf & kDfllClosed) {
        const std::uint64_t ref = gclk_hz(0);
        clocks_.dfll0_hz = ref * reg(DFLL0MUL);
        set_status(kDFLL0LOCKC | kDFLL0LOCKF, clocks_.dfll0_hz != 0);
        if (clocks_.dfll0_hz == 0)
            spdlog::warn("SCIF: DFLL0 closed loop without a running reference (GCCTRL0)");
    } else {
        clocks_.dfll0_hz = kDfllOpenLoopHz;
        set_status(kDFLL0LOCKC | kDFLL0LOCKF, false);
    }
}

void Scif::on_write(std::size_t index, std::uint32_t /*value*/) {
    watch_.touch();
    switch (def(index).offset) {
        case OSCCTRL0:
            if (reg(OSCCTRL0) & kOscEn) {
                if (!(reg(PCLKSR) & kOSC0RDY) && osc0_event_ == 0) start_osc0();
            } else {
                cancel(osc0_event_);
                clocks_.osc0_hz = 0;
                set_status(kOSC0RDY, false);
            }
            break;
        case PLL0:
            set_status(kPLL0LOCK, false);
            clocks_.pll0_hz = 0;
            if (reg(PLL0) & kPllEn) {
                start_pll0();
            } else {
                cancel(pll0_event_);
            }
            break;
        case DFLL0CONF:
        case DFLL0MUL:
        case DFLL0STEP:
        case DFLL0SSG:
        case DFLL0SYNC:
        case DFLL0VAL:
            // DFLL0RDY says the DFLL0 registers are synchronised and may be accessed, not that
            // the DFLL runs. Synchronisation takes no time here, so a write to any DFLL0 register
            // (DFLL0SYNC included) leaves it set, enabled or not: Tock's setup_dfll_rc32k_48mhz
            // writes DFLL0SYNC and polls DFLL0RDY before it sets DFLL0CONF.EN.
            set_status(kDFLL0RDY, true);
            update_dfll();
            break;
        case RC80MCR:
            clocks_.rc80m_hz = (reg(RC80MCR) & kRcEn) ? kRc80mHz : 0;
            break;
        case RCFASTCFG: {
            const std::uint32_t v = reg(RCFASTCFG);
            static constexpr std::uint64_t kRange[4] = {4'000'000, 8'000'000, 12'000'000, 0};
            clocks_.rcfast_hz = (v & kRcEn) ? kRange[(v >> 8) & 0x3] : 0;
            set_status(kRCFASTLOCK, (v & kRcEn) && (v & kRcfastTuneEn));
            break;
        }
        default:
            if (def(index).offset >= GCCTRL0 && def(index).offset < GCCTRL0 + 48) update_dfll();
            break;
    }
    clocks_.changed();
}

std::uint32_t Scif::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    if (side_effects && def(index).offset == PCLKSR) {
        const std::uint32_t dfll = reg(DFLL0CONF);
        const std::uint32_t armed = ((reg(OSCCTRL0) & kOscEn) ? kOSC0RDY : 0) |
                                    ((reg(PLL0) & kPllEn) ? kPLL0LOCK : 0) |
                                    ((dfll & kDfllEn) ? kDFLL0RDY : 0) |
                                    ((dfll & kDfllEn) && (dfll & kDfllClosed) ? kDFLL0LOCKF : 0);
        watch_.observe(stored, armed);
    }
    return stored;
}

void Scif::update_irq() {
    line_.set((reg(ISR) & reg(IMR)) != 0);
}

}  // namespace tockemu::sam4l
