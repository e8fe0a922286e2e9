#include "emu/periph/sam4l/wdt.hpp"

namespace tockemu::sam4l {

namespace {
using W = Wdt;
constexpr std::uint32_t kCtrlReset = 0x0001'0080;  // CEN | FCD
constexpr Reg kRegs[] = {
    {W::CTRL, "CTRL", Access::RW, kCtrlReset, 0x007F'5F9F},
    {W::CLR, "CLR", Access::WO},
    {W::SR, "SR", Access::RO, 0x3},
    {W::IER, "IER", Access::WO, 0, W::WINT, Action::Set, W::IMR},
    {W::IDR, "IDR", Access::WO, 0, W::WINT, Action::Clear, W::IMR},
    {W::IMR, "IMR", Access::RO},
    {W::ISR, "ISR", Access::RO},
    {W::ICR, "ICR", Access::WO, 0, W::WINT, Action::Clear, W::ISR},
    {W::VERSION, "VERSION", Access::RO, 0x501},
};
}  // namespace

Wdt::Wdt(Clock& clock, InterruptSink* irq, unsigned irq_number)
    : RegisterBlock("WDT", kRegs, kSize), clock_(clock), log_("WDT"), line_(irq, irq_number) {
    reset();
}

Wdt::~Wdt() {
    if (timeout_ev_) clock_.cancel(timeout_ev_);
}

void Wdt::reset() {
    ctrl_before_reset_ = reg(CTRL);
    RegisterBlock::reset();
}

void Wdt::on_reset() {
    // A reset the watchdog caused leaves it running unless CTRL.DAR asked otherwise.
    const std::uint32_t ctrl = ctrl_before_reset_;
    const bool stay = reset_by_watchdog_ && (ctrl & CTRL_EN) && !(ctrl & CTRL_DAR);
    reset_by_watchdog_ = false;
    armed_.reset();
    if (stay) set_reg(CTRL, ctrl);
    restart();
}

std::optional<Picos> Wdt::next_timeout() const {
    return timeout_ev_ ? clock_.time_of(timeout_ev_) : std::nullopt;
}

// CTRL and CLR: the value is taken only when written twice, with KEY 0x55 then 0xAA.
bool Wdt::keyed(std::uint32_t offset, std::uint32_t value) {
    const std::uint32_t key = value >> 24, body = value & 0x00FF'FFFF;
    if (key == kKey1) {
        armed_ = std::make_pair(offset, body);
        return false;
    }
    const bool ok = key == kKey2 && armed_ && armed_->first == offset && armed_->second == body;
    armed_.reset();
    if (!ok) log_.guest_error("CTRL/CLR write outside the 0x55/0xAA key sequence (ignored)");
    return ok;
}

void Wdt::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    const std::uint32_t aligned = offset & ~3u;
    if (aligned == CTRL || aligned == CLR) {
        if (size != 4 || !keyed(aligned, value)) return;
        value &= 0x00FF'FFFF;
    }
    RegisterBlock::write(offset, value, size);
}

void Wdt::on_write(std::size_t index, std::uint32_t value) {
    switch (def(index).offset) {
        case CTRL:
            if (value & (CTRL_MODE | CTRL_SFV))
                log_.model_gap("CTRL.MODE (window) and CTRL.SFV are stored, not applied");
            restart();
            break;
        case CLR:
            if (value & CLR_WDTCLR) restart();
            break;
        default:
            break;
    }
}

void Wdt::restart() {
    if (timeout_ev_) clock_.cancel(timeout_ev_);
    timeout_ev_ = 0;
    if (!running()) return;
    const unsigned psel = (reg(CTRL) >> 8) & 0x1F;
    const std::uint64_t hz = (reg(CTRL) & CTRL_CSSEL) ? kOsc32kHz : kRcsysHz;
    timeout_ev_ = clock_.schedule_in(
        picos_for_ticks(std::uint64_t{1} << (psel + 1), hz),
        [this] {
            timeout_ev_ = 0;
            timeout();
        },
        "WDT time-out");
}

void Wdt::timeout() {
    const bool interrupt_mode = reg(CTRL) & CTRL_IM;
    if (interrupt_mode && !(reg(ISR) & WINT)) {
        reg_ref(ISR) |= WINT;
        restart();
        update_irq();
        return;
    }
    reset_by_watchdog_ = true;
    ++resets_;
    if (on_system_reset) {
        on_system_reset();
    } else {
        log_.model_gap("time-out with nothing to reset (no machine attached)");
        restart();
    }
}

void Wdt::update_irq() {
    line_.set(reg(ISR) & reg(IMR) & WINT);
}

}  // namespace tockemu::sam4l
