#pragma once
// AST, the SAM4L asynchronous timer (0x400F_0800, sam4l.md §13), as Hail's one alarm source.
//
// Clocked from the 32 kHz clock (RC32K on Hail) with prescaler 0, i.e. 32 768 / 2 = 16 384 Hz.
// Like upstream Tock we declare 16 000 Hz to userspace (tock-abi.md §2.3): libtock-c computes
// tick counts from what command 1 returns, so apps see Tock's timing exactly.
// The counter domain is asynchronous: SR.BUSY must be 0 before and after every write to CR,
// CV, SCR, IER, IDR, WER, AR0, and SR.CLKBUSY around CLOCK writes.
#include <cstdint>

#include "hil/time.hpp"

namespace sam4l {

class Ast final : public hil::Alarm {
  public:
    static constexpr unsigned kAlarmIrq = 39;
    static constexpr std::uint32_t kDeclaredFrequencyHz = 16000;

    // Selects the 32 kHz clock, prescaler 0, enables the counter. Returns nullptr or the name of
    // the busy bit that never cleared.
    const char* configure();

    std::uint32_t frequency() const override { return kDeclaredFrequencyHz; }
    hil::Ticks now() override;
    void set_alarm(hil::Ticks reference, hil::Ticks dt) override;
    hil::Ticks get_alarm() const override { return alarm_; }
    void disarm() override;
    bool is_armed() const override { return armed_; }
    hil::Ticks minimum_dt() const override { return kMinimumDt; }
    void set_alarm_client(hil::AlarmClient* client) override { client_ = client; }

    // IRQ 39 bottom half.
    void handle_interrupt();

  private:
    // A compare value closer than this to the counter may be passed before it is written
    // (the write crosses into the 32 kHz domain), so nearer deadlines are pushed out to it.
    static constexpr hil::Ticks kMinimumDt = 8;

    hil::AlarmClient* client_ = nullptr;
    hil::Ticks alarm_ = 0;
    bool armed_ = false;
};

}  // namespace sam4l
