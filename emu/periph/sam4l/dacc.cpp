#include "emu/periph/sam4l/dacc.hpp"

namespace tockemu::sam4l {

namespace {
using D = Dacc;
constexpr Reg kRegs[] = {
    {D::CR, "CR", Access::WO},
    {D::MR, "MR", Access::RW, 0, 0xFFFF'FF3F},
    {D::CDR, "CDR", Access::WO},
    {D::IER, "IER", Access::WO, 0, D::TXRDY, Action::Set, D::IMR},
    {D::IDR, "IDR", Access::WO, 0, D::TXRDY, Action::Clear, D::IMR},
    {D::IMR, "IMR", Access::RO},
    {D::ISR, "ISR", Access::RO},
    {D::WPMR, "WPMR", Access::RW, 0, 0xFFFF'FF01},
    {D::WPSR, "WPSR", Access::RO},
    {D::VERSION, "VERSION", Access::RO, 0x111},
};
}  // namespace

Dacc::Dacc(MachineContext& ctx, HzSource pba_hz, DmaRequestSink* dma, unsigned irq)
    : RegisterBlock("DACC", kRegs, kSize),
      ctx_(ctx),
      pba_hz_(std::move(pba_hz)),
      log_("DACC"),
      line_(&ctx.irq, irq),
      dma_(dma, kPidTx) {
    reset();
}

Dacc::~Dacc() {
    cancel();
}

void Dacc::cancel() {
    if (conv_ev_) ctx_.clock.cancel(conv_ev_);
    conv_ev_ = 0;
    paused_.reset();
}

void Dacc::on_clock_gate(bool running) {
    if (!running) {
        const auto at = conv_ev_ ? ctx_.clock.time_of(conv_ev_) : std::nullopt;
        if (!at) return;
        const Picos left = *at - ctx_.clock.now();
        cancel();
        paused_ = left;
        return;
    }
    if (!paused_) return;
    const Picos left = *paused_;
    paused_.reset();
    schedule_in(left);
}

void Dacc::schedule_in(Picos dt) {
    conv_ev_ = ctx_.clock.schedule_in(
        dt,
        [this] {
            conv_ev_ = 0;
            convert();
        },
        "DACC conversion");
}

void Dacc::on_reset() {
    cancel();
    pending_ = 0;
    data_ = 0;
    wpsr_ = 0;
}

void Dacc::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    // Write protection drops the MR write before the engine stores it.
    const bool protected_mr =
        (offset & ~3u) == MR && (reg(WPMR) & 1u) && (reg(WPMR) >> 8) == kWpKey;
    if (protected_mr) {
        wpsr_ = 1u | (MR << 8);
        log_.guest_error("MR written while WPMR.WPEN protects it (dropped)");
        return;
    }
    if ((offset & ~3u) == WPMR && (size < 4 || (value >> 8) != kWpKey)) {
        log_.guest_error("WPMR written without the key 0x444143 (ignored)");
        return;
    }
    RegisterBlock::write(offset, value, size);
}

void Dacc::on_write(std::size_t index, std::uint32_t value) {
    switch (def(index).offset) {
        case CR:
            if (value & CR_SWRST) {
                const std::uint32_t code = code_;
                reset();
                code_ = code;
            }
            break;
        case MR:
            if (value & MR_TRGEN) log_.model_gap("MR.TRGEN external trigger: paced as internal");
            if (!enabled()) {
                cancel();
                pending_ = 0;
            }
            break;
        case CDR:
            if (!enabled()) {
                log_.guest_error("CDR written while MR.DACEN = 0 (ignored)");
                break;
            }
            if (pending_ != 0) log_.guest_error("CDR written while TXRDY = 0 (datum replaced)");
            data_ = value;
            pending_ = (reg(MR) & MR_WORD) ? 2 : 1;
            cancel();
            schedule_conversion();
            break;
        default:
            break;
    }
}

std::uint32_t Dacc::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    switch (def(index).offset) {
        case ISR:
            return txrdy() ? TXRDY : 0;
        case WPSR: {
            const std::uint32_t v = wpsr_;
            if (side_effects) wpsr_ = 0;
            return v;
        }
        default:
            return stored;
    }
}

void Dacc::schedule_conversion() {
    const std::uint64_t hz = pba_hz_ ? pba_hz_() : 0;
    std::uint64_t div = reg(MR) >> 16;
    if (div == 0) {
        log_.guest_error("MR.CLKDIV = 0: one PBA cycle per conversion used");
        div = 1;
    }
    if (hz == 0) {
        log_.guest_error("CDR written with the PBA clock stopped (no conversion)");
        return;
    }
    schedule_in(picos_for_ticks(div, hz));
}

void Dacc::convert() {
    const bool second_half = pending_ == 1 && (reg(MR) & MR_WORD);
    code_ = (second_half ? data_ >> 16 : data_) & 0x3FFu;
    --pending_;
    if (pending_ != 0) schedule_conversion();
    if (on_output) on_output(code_);
    update_irq();
}

void Dacc::update_irq() {
    line_.set(txrdy() && (reg(IMR) & TXRDY));
    dma_.set(txrdy());
}

}  // namespace tockemu::sam4l
