#include "emu/periph/sam4l/ast.hpp"

#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

namespace {
constexpr std::uint32_t kIrqBits = Ast::SR_OVF | Ast::SR_ALARM0 | Ast::SR_ALARM1 | Ast::SR_PER0 |
                                   Ast::SR_PER1 | Ast::SR_READY | Ast::SR_CLKRDY;
constexpr std::uint32_t kEventBits =
    Ast::SR_OVF | Ast::SR_ALARM0 | Ast::SR_ALARM1 | Ast::SR_PER0 | Ast::SR_PER1;

constexpr Reg kRegs[] = {
    {Ast::CR, "CR", Access::RW, 0, 0x001F'0307},
    {Ast::CV, "CV", Access::RW},
    {Ast::SR, "SR", Access::RO},
    {Ast::SCR, "SCR", Access::WO, 0, kIrqBits, Action::Clear, Ast::SR},
    {Ast::IER, "IER", Access::WO, 0, kIrqBits, Action::Set, Ast::IMR},
    {Ast::IDR, "IDR", Access::WO, 0, kIrqBits, Action::Clear, Ast::IMR},
    {Ast::IMR, "IMR", Access::RO},
    {Ast::WER, "WER", Access::RW, 0, kEventBits},
    {Ast::AR0, "AR0", Access::RW},
    {Ast::AR1, "AR1", Access::RW},
    {Ast::PIR0, "PIR0", Access::RW, 0, 0x1F},
    {Ast::PIR1, "PIR1", Access::RW, 0, 0x1F},
    {Ast::CLOCK, "CLOCK", Access::RW, 0, 0x701},
    {Ast::DTR, "DTR", Access::RW, 0, 0xFF3F},
    {Ast::EVE, "EVE", Access::WO, 0, kEventBits, Action::Set, Ast::EVM},
    {Ast::EVD, "EVD", Access::WO, 0, kEventBits, Action::Clear, Ast::EVM},
    {Ast::EVM, "EVM", Access::RO},
    {Ast::CALV, "CALV", Access::RW},
    // One alarm (NUMAR = 0 -> 1), one periodic interrupt, digital tuner present.
    {Ast::PARAMETER, "PARAMETER", Access::RO, 0x1},
    {Ast::VERSION, "VERSION", Access::RO, 0x311},
};

// Registers that go through the clock-domain synchroniser (SR.BUSY).
bool synchronised(std::uint32_t off) {
    switch (off) {
        case Ast::CR:
        case Ast::CV:
        case Ast::SCR:
        case Ast::WER:
        case Ast::AR0:
        case Ast::AR1:
        case Ast::PIR0:
        case Ast::PIR1:
        case Ast::DTR:
        case Ast::EVE:
        case Ast::EVD:
            return true;
        default:
            return false;
    }
}

constexpr std::uint64_t kWrap = 1ull << 32;

// Calendar mode (CR.CAL): CALV = SEC[5:0] MIN[11:6] HOUR[16:12] DAY[21:17] MONTH[25:22]
// YEAR[31:26], one count per second. YEAR 0..63 with every fourth year, YEAR 0 included, a leap
// year; OVF when YEAR wraps from 63 to 0. Time is kept as seconds into that 64-year cycle.
constexpr std::uint64_t kDay = 86'400;
constexpr std::uint64_t kCalendarCycle = (64 * 365 + 16) * kDay;

unsigned days_in_month(unsigned month, unsigned year) {
    static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && year % 4 == 0) return 29;
    return month >= 1 && month <= 12 ? kDays[month - 1] : 31;
}

std::uint64_t calendar_seconds(std::uint32_t calv) {
    const unsigned sec = calv & 0x3F, min = (calv >> 6) & 0x3F, hour = (calv >> 12) & 0x1F;
    const unsigned day = (calv >> 17) & 0x1F, month = (calv >> 22) & 0xF, year = calv >> 26;
    std::uint64_t days = 0;
    for (unsigned y = 0; y < year; ++y) days += y % 4 == 0 ? 366 : 365;
    for (unsigned m = 1; m < month && m <= 12; ++m) days += days_in_month(m, year);
    days += day ? day - 1 : 0;
    return (days * kDay + hour * 3600ull + min * 60ull + sec) % kCalendarCycle;
}

std::uint32_t calendar_value(std::uint64_t seconds) {
    seconds %= kCalendarCycle;
    std::uint64_t days = seconds / kDay;
    const std::uint64_t in_day = seconds % kDay;
    unsigned year = 0;
    while (days >= (year % 4 == 0 ? 366u : 365u)) days -= year++ % 4 == 0 ? 366 : 365;
    unsigned month = 1;
    while (days >= days_in_month(month, year)) days -= days_in_month(month++, year);
    const auto hour = static_cast<std::uint32_t>(in_day / 3600);
    const auto min = static_cast<std::uint32_t>(in_day / 60 % 60);
    const auto sec = static_cast<std::uint32_t>(in_day % 60);
    return (year << 26) | (month << 22) | (static_cast<std::uint32_t>(days + 1) << 17) |
           (hour << 12) | (min << 6) | sec;
}
}  // namespace

Ast::Ast(Clock& clock, ClockTree& clocks, HzSource gclk2_hz, InterruptSink* irq, unsigned first_irq)
    : RegisterBlock("AST", kRegs, 0x400),
      clock_(clock),
      clocks_(clocks),
      gclk2_hz_(std::move(gclk2_hz)),
      lines_{{irq, first_irq + kAlarm},
             {irq, first_irq + kPer},
             {irq, first_irq + kOvf},
             {irq, first_irq + kReady},
             {irq, first_irq + kClkReady}} {
    clocks_.subscribe([this] { clock_tree_changed(); });
    reset();
}

Ast::~Ast() {
    cancel_events();
    if (busy_ev_) clock_.cancel(busy_ev_);
    if (clkbusy_ev_) clock_.cancel(clkbusy_ev_);
}

void Ast::on_reset() {
    cancel_events();
    if (busy_ev_) clock_.cancel(busy_ev_);
    if (clkbusy_ev_) clock_.cancel(clkbusy_ev_);
    busy_ev_ = clkbusy_ev_ = 0;
    src_hz_ = 0;
    t0_ = 0;
    k0_ = 0;
    cv0_ = 0;
    cal0_ = 0;
    running_ = false;
    psel_ = 0;
}

std::uint64_t Ast::source_hz() const {
    const std::uint32_t clk = reg(CLOCK);
    if (!(clk & 1u)) return 0;  // CEN
    switch ((clk >> 8) & 0x7) {
        case 0:
            return kRcsysHz;
        case 1:
            return clocks_.clk32k_hz();
        case 2:
            return clocks_.pb_hz(Bridge::PBD);
        case 3:
            return gclk2_hz_ ? gclk2_hz_() : 0;
        case 4:
            return clocks_.clk32k_hz() ? k1kHz : 0;
        default:
            return 0;
    }
}

std::uint64_t Ast::period() const {
    return 2ull << psel_;
}

std::uint64_t Ast::prescaler_ticks() const {
    return src_hz_ ? ticks_in(clock_.now() - t0_, src_hz_) : 0;
}

Picos Ast::tick_time(std::uint64_t k) const {
    // First instant at which prescaler tick k has happened (ceiling, so that ticks_in() at that
    // time already counts it).
    using u128 = unsigned __int128;
    const u128 num = static_cast<u128>(k) * kPicosPerSecond;
    return t0_ + static_cast<Picos>((num + src_hz_ - 1) / src_hz_);
}

bool Ast::counting() const {
    return running_;
}

std::uint32_t Ast::counter() const {
    if (!running_) return cv0_;
    const std::uint64_t n = prescaler_ticks() / period() - k0_ / period();
    return cv0_ + static_cast<std::uint32_t>(n);
}

bool Ast::calendar_mode() const {
    return reg(CR) & CR_CAL;
}

std::uint64_t Ast::calendar_now() const {
    return (cal0_ + (counter() - cv0_)) % kCalendarCycle;
}

std::uint32_t Ast::calendar() const {
    return calendar_value(calendar_now());
}

void Ast::rebase(bool force_restart) {
    // Freeze CV with the parameters in force until now, then apply the new ones.
    cal0_ = calendar_now();
    cv0_ = counter();
    const std::uint64_t ticks = prescaler_ticks();
    const std::uint64_t old_hz = src_hz_;
    const bool was_running = running_;
    src_hz_ = source_hz();
    psel_ = (reg(CR) >> 16) & 0x1F;
    running_ = (reg(CR) & CR_EN) && src_hz_ != 0;
    if (force_restart || !was_running || old_hz != src_hz_) {
        t0_ = clock_.now();
        k0_ = 0;
    } else {
        k0_ = ticks;
    }
    if (clear_ev_) clock_.cancel(clear_ev_);
    clear_ev_ = 0;
    reschedule();
}

void Ast::cancel_events() {
    for (Clock::EventId* ev : {&alarm_ev_, &clear_ev_, &ovf_ev_, &per_ev_}) {
        if (*ev) clock_.cancel(*ev);
        *ev = 0;
    }
}

namespace {
// Counts from `from` until the counter next becomes `to` (a full wrap when they are equal).
std::uint64_t counts_until(std::uint32_t from, std::uint32_t to) {
    const std::uint32_t d = to - from;
    return d == 0 ? kWrap : d;
}
}  // namespace

void Ast::reschedule() {
    schedule_alarm();
    schedule_overflow();
    schedule_periodic();
}

void Ast::schedule_alarm() {
    if (alarm_ev_) clock_.cancel(alarm_ev_);
    alarm_ev_ = 0;
    if (!running_) return;
    std::uint64_t counts = counts_until(counter(), reg(AR0));
    if (calendar_mode()) {
        // AR0 holds a date: ALARM0 when CALV becomes it.
        const std::uint64_t target = calendar_seconds(reg(AR0));
        const std::uint64_t d = (target + kCalendarCycle - calendar_now()) % kCalendarCycle;
        counts = d == 0 ? kCalendarCycle : d;
    }
    const std::uint64_t tick = (prescaler_ticks() / period() + counts) * period();
    alarm_ev_ = clock_.schedule_at(
        tick_time(tick),
        [this, tick] {
            alarm_ev_ = 0;
            alarm_tick_ = tick;
            on_alarm();
        },
        "AST alarm0");
}

void Ast::schedule_overflow() {
    if (ovf_ev_) clock_.cancel(ovf_ev_);
    ovf_ev_ = 0;
    if (!running_) return;
    std::uint64_t counts = counts_until(counter(), 0);
    if (calendar_mode()) counts = kCalendarCycle - calendar_now();  // YEAR 63 -> 0
    const std::uint64_t tick = (prescaler_ticks() / period() + counts) * period();
    ovf_ev_ = clock_.schedule_at(
        tick_time(tick),
        [this] {
            ovf_ev_ = 0;
            on_overflow();
        },
        "AST overflow");
}

void Ast::schedule_periodic() {
    if (per_ev_) clock_.cancel(per_ev_);
    per_ev_ = 0;
    if (!running_) return;
    const std::uint64_t q = 2ull << (reg(PIR0) & 0x1F);
    const std::uint64_t tick = (prescaler_ticks() / q + 1) * q;
    per_ev_ = clock_.schedule_at(
        tick_time(tick),
        [this] {
            per_ev_ = 0;
            on_periodic();
        },
        "AST periodic0");
}

void Ast::on_alarm() {
    reg_ref(SR) |= SR_ALARM0;
    schedule_alarm();
    if ((reg(CR) & CR_CA0) && !calendar_mode()) {
        // CV reads AR0 for one more count, then restarts from 0.
        const std::uint64_t clear_tick = alarm_tick_ + period();
        clear_ev_ = clock_.schedule_at(
            tick_time(clear_tick),
            [this] {
                clear_ev_ = 0;
                on_clear_after_alarm();
            },
            "AST clear on alarm0");
    }
    update_irq();
}

void Ast::on_clear_after_alarm() {
    cal0_ = calendar_now();
    cv0_ = 0;
    k0_ = prescaler_ticks();
    schedule_alarm();
    schedule_overflow();
}

void Ast::on_overflow() {
    reg_ref(SR) |= SR_OVF;
    schedule_overflow();
    update_irq();
}

void Ast::on_periodic() {
    reg_ref(SR) |= SR_PER0;
    schedule_periodic();
    update_irq();
}

void Ast::start_sync(std::uint32_t busy_bit, std::uint32_t ready_bit, Clock::EventId& ev) {
    const std::uint64_t hz = source_hz() ? source_hz() : src_hz_;
    if (hz == 0) {
        // No AST clock: nothing to synchronise with; the write takes effect at once.
        reg_ref(SR) |= ready_bit;
        return;
    }
    reg_ref(SR) |= busy_bit;
    if (ev) clock_.cancel(ev);
    ev = clock_.schedule_in(
        picos_for_ticks(2, hz),
        [this, busy_bit, ready_bit, &ev] {
            ev = 0;
            std::uint32_t& sr = reg_ref(SR);
            sr = (sr & ~busy_bit) | ready_bit;
            update_irq();
        },
        "AST sync");
}

void Ast::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    const std::uint32_t off = offset & ~3u;
    const bool busy = (reg(SR) & SR_BUSY) && synchronised(off);
    const bool clkbusy = (reg(SR) & SR_CLKBUSY) && off == CLOCK;
    if (busy || clkbusy) {
        if (!warned_busy_write_) {
            warned_busy_write_ = true;
            spdlog::warn(
                "AST+{:#04x}: write of {:#010x} while SR.{} = 1 discarded (guest must "
                "wait for it to clear; reported once)",
                off, value, busy ? "BUSY" : "CLKBUSY");
        }
        return;
    }
    RegisterBlock::write(offset, value, size);
}

void Ast::on_write(std::size_t index, std::uint32_t value) {
    const std::uint32_t off = def(index).offset;
    switch (off) {
        case CR: {
            const bool pclr = reg(CR) & CR_PCLR;
            reg_ref(CR) &= ~CR_PCLR;  // a strobe, reads 0
            rebase(pclr);
            break;
        }
        case CV:
            cal0_ = calendar_now();
            cv0_ = value;
            k0_ = prescaler_ticks();
            if (clear_ev_) clock_.cancel(clear_ev_);
            clear_ev_ = 0;
            reschedule();
            break;
        case AR0:
            schedule_alarm();
            break;
        case CALV:
            // The calendar restarts from the written date; the prescaler phase is kept.
            cal0_ = calendar_seconds(value);
            cv0_ = counter();
            k0_ = prescaler_ticks();
            reschedule();
            break;
        case PIR0:
            schedule_periodic();
            break;
        case CLOCK:
            rebase(true);
            start_sync(SR_CLKBUSY, SR_CLKRDY, clkbusy_ev_);
            break;
        default:
            break;
    }
    if (synchronised(off)) start_sync(SR_BUSY, SR_READY, busy_ev_);
}

std::uint32_t Ast::on_read(std::size_t index, std::uint32_t stored, bool /*side_effects*/) {
    if (def(index).offset == CV) return counter();
    if (def(index).offset == CALV) return calendar_mode() ? calendar() : stored;
    return stored;
}

void Ast::clock_tree_changed() {
    if (source_hz() != src_hz_) rebase(true);
}

void Ast::set_deep_sleep(bool deep) {
    deep_sleep_ = deep;
    update_irq();
}

void Ast::update_irq() {
    std::uint32_t active = reg(SR) & reg(IMR);
    // Asleep in a deep mode, an event wakes the chip (and interrupts) only when WER enables it.
    if (deep_sleep_) active &= reg(WER);
    lines_[kAlarm].set(active & (SR_ALARM0 | SR_ALARM1));
    lines_[kPer].set(active & (SR_PER0 | SR_PER1));
    lines_[kOvf].set(active & SR_OVF);
    lines_[kReady].set(active & SR_READY);
    lines_[kClkReady].set(active & SR_CLKRDY);
}

}  // namespace tockemu::sam4l
