#include "emu/periph/sam4l/trng.hpp"

namespace tockemu::sam4l {

namespace {
constexpr Reg kRegs[] = {
    {Trng::CR, "CR", Access::WO},
    {Trng::IER, "IER", Access::WO, 0, Trng::kDATRDY, Action::Set, Trng::IMR},
    {Trng::IDR, "IDR", Access::WO, 0, Trng::kDATRDY, Action::Clear, Trng::IMR},
    {Trng::IMR, "IMR", Access::RO},
    {Trng::ISR, "ISR", Access::RO},
    {Trng::ODATA, "ODATA", Access::RO},
    {Trng::VERSION, "VERSION", Access::RO, 0x103},
};

// SplitMix64 finaliser: a bijective mix, so distinct (seed, n) give well-spread values.
std::uint64_t mix(std::uint64_t z) {
    z += 0x9E37'79B9'7F4A'7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBull;
    return z ^ (z >> 31);
}
}  // namespace

Trng::Trng(Clock& clock, HzSource pba_hz, std::uint64_t seed, InterruptSink* irq,
           unsigned irq_number)
    : RegisterBlock("TRNG", kRegs, 0x4000),
      clock_(clock),
      pba_hz_(std::move(pba_hz)),
      seed_(seed),
      line_(irq, irq_number) {
    reset();
}

Trng::~Trng() {
    if (ready_ev_) clock_.cancel(ready_ev_);
}

std::uint32_t Trng::value(std::uint64_t seed, std::uint64_t n) {
    return static_cast<std::uint32_t>(mix(mix(seed) + n) >> 16);
}

void Trng::on_reset() {
    if (ready_ev_) clock_.cancel(ready_ev_);
    ready_ev_ = 0;
    enabled_ = false;
    consumed_ = 0;
    generation_ = 0;
}

std::uint64_t Trng::produced() const {
    if (!enabled_ || hz_ == 0) return 0;
    return ticks_in(clock_.now() - enabled_at_, hz_) / kCyclesPerValue;
}

void Trng::schedule_ready() {
    if (ready_ev_) clock_.cancel(ready_ev_);
    ready_ev_ = 0;
    if (!enabled_ || hz_ == 0 || ready() || !(reg(IMR) & kDATRDY)) return;
    // Only the interrupt needs an event: the next value's time (ceiling, so it is counted).
    const std::uint64_t next_cycle = (consumed_ + 1) * kCyclesPerValue;
    using u128 = unsigned __int128;
    const Picos at =
        enabled_at_ +
        static_cast<Picos>((static_cast<u128>(next_cycle) * kPicosPerSecond + hz_ - 1) / hz_);
    ready_ev_ = clock_.schedule_at(
        at,
        [this] {
            ready_ev_ = 0;
            update_irq();
        },
        "TRNG data ready");
}

void Trng::on_write(std::size_t index, std::uint32_t value) {
    if (def(index).offset == CR) {
        if ((value >> 8) != kKey) {
            log_gap_once(CR, "CR written without KEY 0x524E47 (ignored)");
            return;
        }
        const bool enable = value & 1u;
        if (enable && !enabled_) {
            enabled_ = true;
            enabled_at_ = clock_.now();
            hz_ = pba_hz_ ? pba_hz_() : 0;
            consumed_ = 0;
        } else if (!enable && enabled_) {
            generation_ += produced();
            enabled_ = false;
        }
    }
    schedule_ready();
}

std::uint32_t Trng::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    switch (def(index).offset) {
        case ISR: {
            const bool rdy = ready();
            if (rdy && side_effects) {
                consumed_ = produced();
                schedule_ready();
                update_irq();
            }
            return rdy ? kDATRDY : 0;
        }
        case ODATA: {
            const std::uint64_t n = produced();
            return n == 0 ? 0 : value(seed_, generation_ + n - 1);
        }
        default:
            return stored;
    }
}

void Trng::update_irq() {
    line_.set(ready() && (reg(IMR) & kDATRDY));
}

}  // namespace tockemu::sam4l
