#include "emu/periph/sam4l/tc.hpp"

#include <algorithm>
#include <array>

namespace tockemu::sam4l {

namespace {
constexpr std::uint32_t kFlags = 0xFF;  // SR event flags, cleared by reading SR

#define TC_CHANNEL(c, n)                                                              \
    Reg{Tc::kStride * c + Tc::CCR, "CCR" n, Access::WO, 0, 0x7},                      \
        Reg{Tc::kStride * c + Tc::CMR, "CMR" n, Access::RW},                          \
        Reg{Tc::kStride * c + Tc::SMMR, "SMMR" n, Access::RW, 0, 0x3},                \
        Reg{Tc::kStride * c + Tc::CV, "CV" n, Access::RO},                            \
        Reg{Tc::kStride * c + Tc::RA, "RA" n, Access::RW, 0, 0xFFFF},                 \
        Reg{Tc::kStride * c + Tc::RB, "RB" n, Access::RW, 0, 0xFFFF},                 \
        Reg{Tc::kStride * c + Tc::RC, "RC" n, Access::RW, 0, 0xFFFF},                 \
        Reg{Tc::kStride * c + Tc::SR, "SR" n, Access::RO},                            \
        Reg{Tc::kStride * c + Tc::IER, "IER" n, Access::WO, 0, kFlags, Action::Set,   \
            Tc::kStride * c + Tc::IMR},                                               \
        Reg{Tc::kStride * c + Tc::IDR, "IDR" n, Access::WO, 0, kFlags, Action::Clear, \
            Tc::kStride * c + Tc::IMR},                                               \
        Reg {                                                                         \
        Tc::kStride *c + Tc::IMR, "IMR" n, Access::RO                                 \
    }

constexpr Reg kRegs[] = {
    TC_CHANNEL(0, "0"),
    TC_CHANNEL(1, "1"),
    TC_CHANNEL(2, "2"),
    {Tc::BCR, "BCR", Access::WO, 0, 0x1},
    {Tc::BMR, "BMR", Access::RW, 0, 0x3F},
    {Tc::WPMR, "WPMR", Access::RW},
    {Tc::FEATURES, "FEATURES", Access::RO, 0x10},  // 16-bit counters
    {Tc::VERSION, "VERSION", Access::RO, 0x402},
};
#undef TC_CHANNEL

// First instant at which count n of a clock started at t0 has happened.
Picos tick_at(Picos t0, std::uint64_t n, std::uint64_t hz) {
    using u128 = unsigned __int128;
    return t0 + static_cast<Picos>((static_cast<u128>(n) * kPicosPerSecond + hz - 1) / hz);
}
}  // namespace

Tc::Tc(std::string name, Clock& clock, HzSource gclk_hz, HzSource pba_hz, InterruptSink* irq,
       unsigned first_irq)
    : RegisterBlock(std::move(name), kRegs, 0x4000),
      clock_(clock),
      gclk_hz_(std::move(gclk_hz)),
      pba_hz_(std::move(pba_hz)) {
    for (unsigned c = 0; c < kChannels; ++c) chan_[c].line = IrqLine(irq, first_irq + c);
    reset();
}

Tc::~Tc() {
    for (Channel& c : chan_)
        if (c.ev) clock_.cancel(c.ev);
}

void Tc::on_reset() {
    for (Channel& c : chan_) {
        if (c.ev) clock_.cancel(c.ev);
        IrqLine line = c.line;
        c = Channel{};
        c.line = line;
    }
}

std::uint64_t Tc::input_hz(unsigned ch) const {
    const std::uint32_t sel = cmr(ch) & 0x7;
    static constexpr unsigned kPbaShift[5] = {0, 1, 3, 5, 7};
    if (sel == 0) return gclk_hz_ ? gclk_hz_() : 0;
    if (sel <= 4) return (pba_hz_ ? pba_hz_() : 0) >> kPbaShift[sel];
    return 0;  // XC0..XC2: external clocks are not modelled
}

bool Tc::resets_on_rc(unsigned ch) const {
    const std::uint32_t m = cmr(ch);
    return (m & CMR_WAVE) ? ((m >> 13) & 0x3) == 2 : (m & CMR_CPCTRG) != 0;
}

bool Tc::running(unsigned ch) const {
    const Channel& c = chan_[ch];
    return c.enabled && !c.stopped && c.hz != 0;
}

std::uint32_t Tc::counter(unsigned ch) const {
    const Channel& c = chan_[ch];
    if (!running(ch)) return c.cv0;
    return static_cast<std::uint32_t>((c.cv0 + grid_count(ch) - c.n0) & 0xFFFF);
}

std::uint64_t Tc::grid_count(unsigned ch) const {
    const Channel& c = chan_[ch];
    return c.hz ? ticks_in(clock_.now() - c.t0, c.hz) : 0;
}

void Tc::anchor(unsigned ch) {
    Channel& c = chan_[ch];
    const bool was_running = running(ch);
    c.cv0 = counter(ch);
    const std::uint64_t hz = input_hz(ch);
    if (!was_running || hz != c.hz) {
        // A new clock (or a clock that was not running) starts a new count grid now.
        c.t0 = clock_.now();
        c.n0 = 0;
        c.hz = hz;
    } else {
        c.n0 = grid_count(ch);
    }
}

void Tc::trigger(unsigned ch) {
    Channel& c = chan_[ch];
    c.cv0 = 0;
    c.t0 = clock_.now();
    c.n0 = 0;
    c.hz = input_hz(ch);
    c.stopped = false;
    c.pending_reset = false;
}

void Tc::schedule(unsigned ch) {
    Channel& c = chan_[ch];
    if (c.ev) clock_.cancel(c.ev);
    c.ev = 0;
    if (!running(ch)) return;
    const std::uint32_t cv = c.cv0;       // called right after anchoring: cv0 is the count now
    std::uint64_t counts = 0x10000 - cv;  // overflow
    auto consider = [&](std::uint32_t target) {
        if (target > cv) counts = std::min<std::uint64_t>(counts, target - cv);
    };
    if (c.pending_reset) counts = 1;
    if (cmr(ch) & CMR_WAVE) {
        consider(reg(kStride * ch + RA));
        consider(reg(kStride * ch + RB));
    }
    consider(reg(kStride * ch + RC));
    c.ev = clock_.schedule_at(
        tick_at(c.t0, c.n0 + counts, c.hz),
        [this, ch] {
            chan_[ch].ev = 0;
            on_event(ch);
        },
        "TC compare");
}

void Tc::on_event(unsigned ch) {
    Channel& c = chan_[ch];
    const std::uint64_t n = grid_count(ch);
    const std::uint64_t raw = c.cv0 + (n - c.n0);
    c.n0 = n;
    std::uint32_t& status = sr(ch);
    if (raw >= 0x10000) status |= SR_COVFS;
    c.cv0 = static_cast<std::uint32_t>(raw & 0xFFFF);
    if (c.pending_reset) {
        c.pending_reset = false;
        c.cv0 = 0;
    } else {
        const std::uint32_t m = cmr(ch);
        if ((m & CMR_WAVE) && c.cv0 == reg(kStride * ch + RA)) status |= SR_CPAS;
        if ((m & CMR_WAVE) && c.cv0 == reg(kStride * ch + RB)) status |= SR_CPBS;
        if (c.cv0 == reg(kStride * ch + RC) && !(raw >= 0x10000 && c.cv0 == 0)) {
            status |= SR_CPCS;
            if ((m & CMR_WAVE) && (m & CMR_CPCDIS)) {
                c.enabled = false;
                status &= ~SR_CLKSTA;
            } else if ((m & CMR_WAVE) && (m & CMR_CPCSTOP)) {
                c.stopped = true;
            } else if (resets_on_rc(ch)) {
                c.pending_reset = true;
            }
        }
    }
    schedule(ch);
    update_irq();
}

void Tc::on_write(std::size_t index, std::uint32_t value) {
    const std::uint32_t off = def(index).offset;
    if (off == BCR) {
        if (value & 1u) {
            for (unsigned ch = 0; ch < kChannels; ++ch) {
                trigger(ch);
                schedule(ch);
            }
        }
        return;
    }
    if (off >= kStride * kChannels) return;
    const unsigned ch = off / kStride;
    Channel& c = chan_[ch];
    switch (off % kStride) {
        case CCR:
            anchor(ch);
            if (value & CCR_CLKDIS) {
                c.enabled = false;
                sr(ch) &= ~SR_CLKSTA;
            } else if (value & CCR_CLKEN) {
                c.enabled = true;
                sr(ch) |= SR_CLKSTA;
            }
            if (value & CCR_SWTRG) trigger(ch);
            schedule(ch);
            break;
        case CMR:
            if ((value & CMR_WAVE) && (((value >> 13) & 0x3) == 1 || ((value >> 13) & 0x3) == 3))
                log_gap_once(off, "TC up/down waveform modes (WAVSEL 1/3) are not modelled");
            if ((value & 0x7) >= 5) log_gap_once(off, "TC external clocks XC0..2 are not modelled");
            anchor(ch);
            schedule(ch);
            break;
        case RA:
        case RB:
        case RC:
            anchor(ch);
            schedule(ch);
            break;
        default:
            break;
    }
}

std::uint32_t Tc::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    const std::uint32_t off = def(index).offset;
    if (off >= kStride * kChannels) return stored;
    const unsigned ch = off / kStride;
    switch (off % kStride) {
        case CV:
            return counter(ch);
        case SR:
            if (side_effects && (stored & kFlags)) {
                sr(ch) &= ~kFlags;
                update_irq();
            }
            return stored;
        default:
            return stored;
    }
}

void Tc::update_irq() {
    for (unsigned ch = 0; ch < kChannels; ++ch) {
        const std::uint32_t base = kStride * ch;
        chan_[ch].line.set((reg(base + SR) & reg(base + IMR) & kFlags) != 0);
    }
}

}  // namespace tockemu::sam4l
