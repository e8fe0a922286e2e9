#pragma once
// Alarm multiplexer (Tock: capsules/core/src/virtualizers/virtual_alarm.rs): any number of
// VirtualAlarms over the chip's one hardware alarm. Each virtual alarm keeps (reference, dt);
// the hardware is always programmed for the armed one that expires first. When it fires, every
// expired virtual alarm is disarmed and its client called, then the hardware is re-programmed
// (alarms set from inside those callbacks included).
#include <cstdint>

#include "hil/time.hpp"

namespace capsules {

class MuxAlarm;

class VirtualAlarm final : public hil::Alarm {
  public:
    explicit VirtualAlarm(MuxAlarm& mux) : mux_(mux) {}

    // Joins the mux; call once during board set-up.
    void setup();

    std::uint32_t frequency() const override;
    hil::Ticks now() override;
    void set_alarm(hil::Ticks reference, hil::Ticks dt) override;
    hil::Ticks get_alarm() const override { return reference_ + dt_; }
    void disarm() override;
    bool is_armed() const override { return armed_; }
    hil::Ticks minimum_dt() const override;
    void set_alarm_client(hil::AlarmClient* client) override { client_ = client; }

  private:
    friend class MuxAlarm;

    MuxAlarm& mux_;
    VirtualAlarm* next_ = nullptr;
    hil::AlarmClient* client_ = nullptr;
    hil::Ticks reference_ = 0;
    hil::Ticks dt_ = 0;
    bool armed_ = false;
};

class MuxAlarm final : public hil::AlarmClient {
  public:
    explicit MuxAlarm(hil::Alarm& alarm) : alarm_(alarm) {}

    void init() { alarm_.set_alarm_client(this); }
    void alarm_fired() override;

  private:
    friend class VirtualAlarm;

    void add(VirtualAlarm& alarm);
    // Programs the hardware for the earliest armed virtual alarm, or disarms it.
    void reprogram();

    hil::Alarm& alarm_;
    VirtualAlarm* alarms_ = nullptr;
    bool firing_ = false;
};

}  // namespace capsules
