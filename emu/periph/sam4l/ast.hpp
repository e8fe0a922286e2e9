#pragma once
// AST — Asynchronous Timer (SAM4L datasheet §19; sam4l.md §13), Tock's alarm and clock source.
//
// Modelled, exact in virtual time: the 32-bit counter CV clocked at f_src / 2^(PSEL+1) from the
// clock selected by CLOCK.CSSEL (0 RCSYS 115.2 kHz, 1 the 32 kHz clock of BPM.PMCON.CK32S,
// 2 the PBD clock, 3 GCLK2, 4 the 1 kHz clock) once CLOCK.CEN and CR.EN are set; the prescaler
// (cleared by CR.PCLR, restarted on enable and clock changes); alarm 0 (SR.ALARM0 when CV becomes
// AR0; CR.CA0 clears CV on the following count); overflow (SR.OVF when CV wraps to 0); periodic
// event 0 (SR.PER0 every 2^(PIR0.INSEL+1) source clocks); SCR/IER/IDR/IMR; the five NVIC lines
// (39 ALARM, 40 PER, 41 OVF, 42 READY, 43 CLKREADY) as `SR & IMR` of their bits.
// Synchronisation: a write to CR, CV, SCR, WER, AR0/1, PIR0/1 or DTR sets SR.BUSY for two
// periods of the AST clock (BUSY clears at once when the AST clock is off); a write to CLOCK sets
// SR.CLKBUSY the same way. Writes to those registers while the flag is set are discarded and
// logged once as a guest error, as the datasheet says. READY/CLKRDY rise when BUSY/CLKBUSY fall.
// Calendar mode (CR.CAL): CALV counts seconds as SEC/MIN/HOUR/DAY/MONTH/YEAR (YEAR 0..63, every
// fourth year from 0 a leap year) at the counter's rate (the guest sets PSEL for 1 Hz); AR0 is then
// a date and ALARM0 rises when CALV reaches it; OVF when YEAR wraps; CA0 does not apply. WER
// events are the ones that may wake the chip from WAIT/RETENTION (HailBoard::enter_sleep);
// EVE/EVD/EVM (PEVC events) are kept, go through the synchroniser, and drive nothing (no PEVC).
// Not modelled: alarm 1 and periodic 1 (PARAMETER.NUMAR/NUMPIR = 0: the SAM4L AST has one alarm
// and one periodic interrupt; AR1/PIR1 are stored only), the digital tuner DTR, reads returning 0
// while BUSY (Tock waits for BUSY = 0 before reading CV).
// Reading of ambiguous text: the counter and PER0 count on the same free-running prescaler;
// a CV write keeps the prescaler phase; a PSEL change keeps the phase of the new tap.
#include <cstdint>
#include <functional>

#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/clock_tree.hpp"

namespace tockemu::sam4l {

class Ast final : public RegisterBlock {
  public:
    static constexpr std::uint32_t CR = 0x00, CV = 0x04, SR = 0x08, SCR = 0x0C, IER = 0x10,
                                   IDR = 0x14, IMR = 0x18, WER = 0x1C, AR0 = 0x20, AR1 = 0x24,
                                   PIR0 = 0x30, PIR1 = 0x34, CLOCK = 0x40, DTR = 0x44, EVE = 0x48,
                                   EVD = 0x4C, EVM = 0x50, CALV = 0x54, PARAMETER = 0xF0,
                                   VERSION = 0xFC;
    // CR bits.
    static constexpr std::uint32_t CR_EN = 1u << 0, CR_PCLR = 1u << 1, CR_CAL = 1u << 2,
                                   CR_CA0 = 1u << 8;
    // SR bits.
    static constexpr std::uint32_t SR_OVF = 1u << 0, SR_ALARM0 = 1u << 8, SR_ALARM1 = 1u << 9,
                                   SR_PER0 = 1u << 16, SR_PER1 = 1u << 17, SR_BUSY = 1u << 24,
                                   SR_READY = 1u << 25, SR_CLKBUSY = 1u << 28, SR_CLKRDY = 1u << 29;
    // NVIC lines relative to the first (39 on the SAM4L).
    enum Line : unsigned { kAlarm = 0, kPer = 1, kOvf = 2, kReady = 3, kClkReady = 4 };

    using HzSource = std::function<std::uint64_t()>;

    Ast(Clock& clock, ClockTree& clocks, HzSource gclk2_hz, InterruptSink* irq, unsigned first_irq);
    ~Ast() override;

    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    // Current counter value (no side effects).
    std::uint32_t counter() const;
    // Calendar value (CALV format) while CR.CAL = 1.
    std::uint32_t calendar() const;
    // Frequency of the selected AST clock (0 when CLOCK.CEN = 0 or the source is stopped).
    std::uint64_t source_hz() const;
    bool line(Line l) const { return lines_[l].level(); }
    // While the chip is in WAIT/RETENTION/BACKUP (SCB.SCR.SLEEPDEEP) only the events WER enables
    // reach the NVIC and wake the core; the others assert their line once the chip is awake.
    void set_deep_sleep(bool deep);

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;

  private:
    bool counting() const;
    bool calendar_mode() const;
    std::uint64_t calendar_now() const;      // seconds into the 64-year calendar cycle
    std::uint64_t prescaler_ticks() const;   // source clocks since the prescaler origin
    std::uint64_t period() const;            // source clocks per count
    Picos tick_time(std::uint64_t k) const;  // time of prescaler tick k (first instant at or after)
    void rebase(bool force_restart);
    void reschedule();
    void schedule_alarm();
    void schedule_overflow();
    void schedule_periodic();
    void cancel_events();
    void on_alarm();
    void on_clear_after_alarm();
    void on_overflow();
    void on_periodic();
    void start_sync(std::uint32_t busy_bit, std::uint32_t ready_bit, Clock::EventId& ev);
    void clock_tree_changed();

    Clock& clock_;
    ClockTree& clocks_;
    HzSource gclk2_hz_;
    IrqLine lines_[5];

    // Counter state: CV = cv0_ + (prescaler_ticks()/P - k0_/P) while counting.
    std::uint64_t src_hz_ = 0;
    Picos t0_ = 0;
    std::uint64_t k0_ = 0;
    std::uint32_t cv0_ = 0;
    std::uint64_t cal0_ = 0;  // calendar seconds when CV was cv0_
    bool running_ = false;
    unsigned psel_ = 0;
    std::uint64_t alarm_tick_ = 0;
    bool warned_busy_write_ = false;  // prescaler tick of the last alarm (for CR.CA0)
    bool deep_sleep_ = false;

    Clock::EventId alarm_ev_ = 0, clear_ev_ = 0, ovf_ev_ = 0, per_ev_ = 0;
    Clock::EventId busy_ev_ = 0, clkbusy_ev_ = 0;
};

}  // namespace tockemu::sam4l
