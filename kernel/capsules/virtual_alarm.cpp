#include "capsules/virtual_alarm.hpp"

namespace capsules {
namespace {

// Ticks left until `alarm` expires as seen at `now`; 0 when already expired.
hil::Ticks remaining(hil::Ticks reference, hil::Ticks dt, hil::Ticks now) {
    const hil::Ticks elapsed = now - reference;
    return elapsed >= dt ? 0 : dt - elapsed;
}

}  // namespace

void VirtualAlarm::setup() {
    mux_.add(*this);
}
std::uint32_t VirtualAlarm::frequency() const {
    return mux_.alarm_.frequency();
}
hil::Ticks VirtualAlarm::now() {
    return mux_.alarm_.now();
}
hil::Ticks VirtualAlarm::minimum_dt() const {
    return mux_.alarm_.minimum_dt();
}

void VirtualAlarm::set_alarm(hil::Ticks reference, hil::Ticks dt) {
    reference_ = reference;
    dt_ = dt;
    armed_ = true;
    mux_.reprogram();
}

void VirtualAlarm::disarm() {
    armed_ = false;
    mux_.reprogram();
}

void MuxAlarm::add(VirtualAlarm& alarm) {
    alarm.next_ = alarms_;
    alarms_ = &alarm;
}

void MuxAlarm::reprogram() {
    if (firing_) return;  // alarm_fired() reprograms once all callbacks have run
    const hil::Ticks now = alarm_.now();
    bool any = false;
    hil::Ticks soonest = 0;
    for (VirtualAlarm* a = alarms_; a != nullptr; a = a->next_) {
        if (!a->armed_) continue;
        const hil::Ticks left = remaining(a->reference_, a->dt_, now);
        if (!any || left < soonest) soonest = left;
        any = true;
    }
    if (any) {
        alarm_.set_alarm(now, soonest);
    } else if (alarm_.is_armed()) {
        alarm_.disarm();
    }
}

void MuxAlarm::alarm_fired() {
    firing_ = true;
    const hil::Ticks now = alarm_.now();
    for (VirtualAlarm* a = alarms_; a != nullptr; a = a->next_) {
        if (!a->armed_ || remaining(a->reference_, a->dt_, now) != 0) continue;
        a->armed_ = false;
        if (a->client_ != nullptr) a->client_->alarm_fired();
    }
    firing_ = false;
    reprogram();
}

}  // namespace capsules
