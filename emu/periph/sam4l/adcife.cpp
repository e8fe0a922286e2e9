#include "emu/periph/sam4l/adcife.hpp"

#include <algorithm>

namespace tockemu::sam4l {

namespace {
using A = Adcife;
constexpr Reg kRegs[] = {
    {A::CR, "CR", Access::WO},
    {A::CFG, "CFG", Access::RW, 0, 0x0000'077E},
    {A::SR, "SR", Access::RO},
    {A::SCR, "SCR", Access::WO},
    {A::SEQCFG, "SEQCFG", Access::RW, 0, 0x707F'D7F5},
    {A::CDMA, "CDMA", Access::WO},
    {A::TIM, "TIM", Access::RW, 0, 0x0000'011F},
    {A::ITIMER, "ITIMER", Access::RW, 0, 0x0000'FFFF},
    {A::WCFG, "WCFG", Access::RW, 0, 0x0000'7000},
    {A::WTH, "WTH", Access::RW, 0, 0x0FFF'0FFF},
    {A::LCV, "LCV", Access::RO},
    {A::IER, "IER", Access::WO, 0, A::kFlags, Action::Set, A::IMR},
    {A::IDR, "IDR", Access::WO, 0, A::kFlags, Action::Clear, A::IMR},
    {A::IMR, "IMR", Access::RO},
    {A::CALIB, "CALIB", Access::RW},
};

// SEQCFG fields.
constexpr unsigned field(std::uint32_t v, unsigned lsb, unsigned bits) {
    return (v >> lsb) & ((1u << bits) - 1);
}
enum Trigger : unsigned { kSoftware = 0, kInternalTimer = 1, kContinuous = 3 };
constexpr std::uint32_t kBandgapMv = 1100;
}  // namespace

Adcife::Adcife(MachineContext& ctx, HzSource gclk10_hz, HzSource pba_hz, DmaRequestSink* dma,
               unsigned irq)
    : RegisterBlock("ADCIFE", kRegs, kSize),
      ctx_(ctx),
      gclk10_hz_(std::move(gclk10_hz)),
      pba_hz_(std::move(pba_hz)),
      log_("ADCIFE"),
      line_(&ctx.irq, irq),
      dma_(dma, kPidRx) {
    for (unsigned n = 0; n < kChannels - 1; ++n) inputs_[n] = 200 * (n + 1);
    inputs_[kChannels - 1] = kBandgapMv;
    reset();
}

Adcife::~Adcife() {
    stop_activity();
}

void Adcife::set_input_mv(unsigned channel, std::uint32_t millivolts) {
    inputs_.at(channel) = millivolts;
}

void Adcife::on_reset() {
    stop_activity();
    enabled_ = refbuf_ = bgreq_ = started_up_ = lcv_unread_ = false;
    flags_ = 0;
}

void Adcife::stop_activity() {
    if (conv_ev_) ctx_.clock.cancel(conv_ev_);
    if (timer_ev_) ctx_.clock.cancel(timer_ev_);
    conv_ev_ = timer_ev_ = 0;
    paused_conv_.reset();
    paused_timer_.reset();
}

namespace {
// Time left of a pending event, cancelling it (nullopt when none was pending).
std::optional<Picos> take_remaining(Clock& clock, Clock::EventId& id) {
    const auto at = id ? clock.time_of(id) : std::nullopt;
    if (id) clock.cancel(id);
    id = 0;
    if (!at) return std::nullopt;
    return *at - clock.now();
}
}  // namespace

void Adcife::on_clock_gate(bool running) {
    if (!running) {
        paused_conv_ = take_remaining(ctx_.clock, conv_ev_);
        paused_timer_ = take_remaining(ctx_.clock, timer_ev_);
        return;
    }
    const auto conv = paused_conv_, timer = paused_timer_;
    paused_conv_.reset();
    paused_timer_.reset();
    if (conv) arm_conversion(*conv);
    if (timer) arm_timer(*timer);
}

void Adcife::arm_conversion(Picos dt) {
    conv_ev_ = ctx_.clock.schedule_in(
        dt,
        [this] {
            conv_ev_ = 0;
            convert_done();
        },
        "ADCIFE conversion");
}

void Adcife::arm_timer(Picos dt) {
    timer_ev_ = ctx_.clock.schedule_in(
        dt,
        [this] {
            timer_ev_ = 0;
            schedule_timer();
            flags_ |= TTO;
            if (field(reg(SEQCFG), 8, 3) == kInternalTimer) trigger();
            update_irq();
        },
        "ADCIFE internal timer");
}

std::uint64_t Adcife::adc_hz() const {
    const std::uint32_t cfg = reg(CFG);
    const std::uint64_t src =
        (cfg & (1u << 6)) ? (pba_hz_ ? pba_hz_() : 0) : (gclk10_hz_ ? gclk10_hz_() : 0);
    return src >> (field(cfg, 8, 3) + 2);
}

Picos Adcife::adc_cycles(std::uint64_t n) const {
    return picos_for_ticks(n, adc_hz());
}

void Adcife::on_write(std::size_t index, std::uint32_t value) {
    switch (def(index).offset) {
        case CR:
            if (value & CR_SWRST) {
                stop_activity();
                flags_ = 0;
                lcv_unread_ = false;
            }
            if (value & CR_DIS) {
                stop_activity();
                enabled_ = false;
            }
            if ((value & CR_EN) && !enabled_) {
                enabled_ = true;
                started_up_ = false;
            }
            if (value & CR_REFBUFEN) refbuf_ = true;
            if (value & CR_REFBUFDIS) refbuf_ = false;
            if (value & CR_BGREQEN) bgreq_ = true;
            if (value & CR_BGREQDIS) bgreq_ = false;
            if (value & CR_TSTOP) {
                if (timer_ev_) ctx_.clock.cancel(timer_ev_);
                timer_ev_ = 0;
            }
            if ((value & CR_TSTART) && enabled_ && timer_ev_ == 0 && !paused_timer_)
                schedule_timer();
            if (value & CR_STRIG) trigger();
            maybe_continue();
            break;
        case SCR:
            flags_ &= ~(value & kFlags);
            break;
        case SEQCFG: {
            const unsigned trg = field(value, 8, 3);
            if (trg == 2 || trg >= 4)
                log_.model_gap("SEQCFG.TRGSEL event/pin triggers are not modelled");
            if (field(value, 12, 1) == 0 && field(value, 28, 3) != 0)
                log_.model_gap("SEQCFG.ZOOMRANGE is stored, not applied");
            maybe_continue();
            break;
        }
        case CDMA:
            log_.model_gap("CDMA (sequencer configuration by DMA, PID 29) is not modelled");
            break;
        case CFG:
            if (field(value, 1, 3) == 2 || field(value, 1, 3) == 3)
                log_.model_gap("CFG.REFSEL external reference: VCC/2 used");
            break;
        case CALIB:
            log_.model_gap("CALIB is stored, not applied");
            break;
        default:
            break;
    }
}

std::uint32_t Adcife::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    switch (def(index).offset) {
        case SR:
            return flags_ | (enabled_ ? SR_EN : 0) | ((timer_ev_ || paused_timer_) ? SR_TBUSY : 0) |
                   (converting() ? SR_SBUSY | SR_CBUSY : 0) | (refbuf_ ? SR_REFBUF : 0) |
                   (bgreq_ ? SR_BGREQ : 0);
        case LCV:
            if (side_effects && lcv_unread_) {
                lcv_unread_ = false;
                update_irq();
            }
            return stored;
        default:
            return stored;
    }
}

void Adcife::trigger() {
    if (!enabled_) {
        log_.guest_error("conversion triggered while the ADC is disabled (ignored)");
        return;
    }
    if (converting()) {
        flags_ |= SMTRG;
        update_irq();
        return;
    }
    if (adc_hz() == 0) {
        log_.guest_error("conversion triggered with no ADC clock (GCLK10 or PBA off)");
        return;
    }
    std::uint64_t cycles = kConversionCycles;
    if (!started_up_ && (reg(TIM) & (1u << 8))) cycles += field(reg(TIM), 0, 5) + 1;
    started_up_ = true;
    arm_conversion(adc_cycles(cycles));
}

void Adcife::maybe_continue() {
    if (enabled_ && !converting() && field(reg(SEQCFG), 8, 3) == kContinuous) trigger();
}

void Adcife::schedule_timer() {
    if (adc_hz() == 0) {
        log_.guest_error("internal timer started with no ADC clock (GCLK10 or PBA off)");
        return;
    }
    arm_timer(adc_cycles(std::uint64_t{field(reg(ITIMER), 0, 16)} + 1));
}

std::int64_t Adcife::positive_uv() {
    const std::uint32_t seq = reg(SEQCFG);
    const unsigned mux = field(seq, 16, 4);
    if (!(seq & (1u << 14))) return std::int64_t{inputs_[mux]} * 1000;
    switch (mux) {
        case 2:
            return std::int64_t{kVccMv} * 100;  // VCC / 10
        case 3:
            return dac_mv_ ? std::int64_t{dac_mv_()} * 1000 : 0;
        case 7:
            return 0;
        default:
            log_.model_gap("internal positive input other than VCC/10, DAC, ground (reads 0 V)");
            return 0;
    }
}

std::int64_t Adcife::negative_uv() {
    const std::uint32_t seq = reg(SEQCFG);
    const unsigned mux = field(seq, 20, 3);
    if (!(seq & (1u << 15))) return std::int64_t{inputs_[mux]} * 1000;
    if (mux != 7) log_.model_gap("internal negative input other than the ground pad (reads 0 V)");
    return 0;
}

std::uint32_t Adcife::result() {
    const std::uint32_t seq = reg(SEQCFG);
    const unsigned bits = (seq & (1u << 12)) ? 8 : 12;
    const unsigned gain = field(seq, 4, 3);
    // Gain as num/den: 1x..64x, and 0.5x for GAIN = 7.
    const std::int64_t num = gain == 7 ? 1 : (std::int64_t{1} << gain);
    const std::int64_t den = gain == 7 ? 2 : 1;
    std::int64_t ref_uv = 0;
    switch (field(reg(CFG), 1, 3)) {
        case 0:
            ref_uv = 1'000'000;
            break;
        case 1:
            ref_uv = std::int64_t{kVccMv} * 625;
            break;  // 0.625 VCC
        default:
            ref_uv = std::int64_t{kVccMv} * 500;
            break;  // VCC/2 (and unmodelled ones)
    }
    const std::int64_t diff = positive_uv() - negative_uv();
    std::int64_t code = 0;
    std::uint32_t value = 0;
    if (seq & (1u << 2)) {  // BIPOLAR: signed around 0
        const std::int64_t half = std::int64_t{1} << (bits - 1);
        code = std::clamp(diff * num * half / (ref_uv * den), -half, half - 1);
        value = static_cast<std::uint32_t>(code) & ((1u << bits) - 1);
    } else {
        const std::int64_t full = std::int64_t{1} << bits;
        code = std::clamp(diff * num * full / (ref_uv * den), std::int64_t{0}, full - 1);
        value = static_cast<std::uint32_t>(code);
    }
    return value;
}

bool Adcife::window_hit(std::uint32_t code) const {
    const std::uint32_t lt = field(reg(WTH), 0, 12), ht = field(reg(WTH), 16, 12);
    switch (field(reg(WCFG), 12, 3)) {
        case 1:
            return code > lt;
        case 2:
            return code < ht;
        case 3:
            return code > lt && code < ht;
        case 4:
            return code < lt || code > ht;
        default:
            return false;
    }
}

void Adcife::convert_done() {
    const std::uint32_t seq = reg(SEQCFG);
    const unsigned bits = (seq & (1u << 12)) ? 8 : 12;
    const std::uint32_t code = result();
    const std::uint32_t value = (seq & 1u) ? (code << (16 - bits)) : code;  // HWLA
    if (lcv_unread_) flags_ |= LOVR;
    set_reg(LCV, value | (field(seq, 16, 4) << 16) | (field(seq, 20, 3) << 20));
    lcv_unread_ = true;
    flags_ |= SEOC;
    if (window_hit(code)) flags_ |= WM;
    maybe_continue();
    update_irq();
}

void Adcife::update_irq() {
    line_.set((flags_ & reg(IMR) & kFlags) != 0);
    dma_.set(lcv_unread_);
}

}  // namespace tockemu::sam4l
