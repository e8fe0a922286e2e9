#include "capsules/fxos8700.hpp"

namespace capsules {
namespace {

constexpr std::uint8_t kOutXMsb = 0x01;
constexpr std::uint8_t kWhoAmI = 0x0D;
constexpr std::uint8_t kCtrlReg1 = 0x2A;
constexpr std::uint8_t kMOutXMsb = 0x33;
constexpr std::uint8_t kMCtrlReg1 = 0x5B;

constexpr std::uint8_t kCtrlReg1Active = 0x01;
constexpr std::uint8_t kCtrlReg1Standby = 0x00;
constexpr std::uint8_t kMCtrlReg1OneShotHybrid = 0x23;

constexpr std::uint32_t kSampleWaitMs = 5;

std::int16_t be16(const std::uint8_t* p) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>((p[0] << 8) | p[1]));
}

// 14-bit left-justified two's complement -> milli-g at 0.244 mg per count.
std::int32_t milli_g(const std::uint8_t* p) {
    const std::int32_t counts = be16(p) >> 2;  // arithmetic shift keeps the sign
    const std::int32_t scaled = counts * 244;
    return (scaled + (scaled < 0 ? -500 : 500)) / 1000;  // to nearest
}

}  // namespace

Fxos8700::Fxos8700(hil::I2cDevice& i2c, hil::Alarm& alarm) : i2c_(i2c), alarm_(alarm) {
    i2c_.set_client(this);
    alarm_.set_alarm_client(this);
}

void Fxos8700::probe() {
    if (state_ != State::kIdle) return;
    buffer_[0] = kWhoAmI;
    if (i2c_.write_read(buffer_, 1, 1).is_ok()) {
        state_ = State::kProbing;
    } else {
        presence_ = Presence::kAbsent;
    }
}

hil::Status Fxos8700::read_accelerometer() {
    return request(Request::kAccel);
}

hil::Status Fxos8700::read_magnetometer() {
    return request(Request::kMag);
}

hil::Status Fxos8700::request(Request what) {
    if (presence_ == Presence::kAbsent) return hil::ErrorCode::NODEVICE;
    if (request_ != Request::kNone) return hil::ErrorCode::BUSY;
    request_ = what;
    if (state_ == State::kIdle) start();
    return hil::Status::ok();
}

void Fxos8700::start() {
    if (request_ == Request::kAccel) {
        write_register(kCtrlReg1, kCtrlReg1Active, State::kActivating);
    } else if (request_ == Request::kMag) {
        write_register(kMCtrlReg1, kMCtrlReg1OneShotHybrid, State::kMagTriggering);
    }
}

void Fxos8700::write_register(std::uint8_t reg, std::uint8_t value, State next) {
    buffer_[0] = reg;
    buffer_[1] = value;
    const hil::Status started = i2c_.write(buffer_, 2);
    if (!started.is_ok()) {
        finish(started);
        return;
    }
    state_ = next;
}

void Fxos8700::command_complete(std::uint8_t* buffer, hil::Status status) {
    if (!status.is_ok()) {
        if (status.error() == hil::ErrorCode::NODEVICE) presence_ = Presence::kAbsent;
        finish(status);
        return;
    }
    switch (state_) {
        case State::kProbing:
            state_ = State::kIdle;
            if (buffer[0] != kWhoAmIValue) {
                presence_ = Presence::kAbsent;
                finish(hil::ErrorCode::NODEVICE);
                return;
            }
            presence_ = Presence::kPresent;
            start();
            return;
        case State::kActivating:
            state_ = State::kAccelSettling;
            alarm_.set_alarm(alarm_.now(), alarm_.frequency() * kSampleWaitMs / 1000u);
            return;
        case State::kAccelReading:
            for (int axis = 0; axis < 3; ++axis) xyz_[axis] = milli_g(buffer + 2 * axis);
            write_register(kCtrlReg1, kCtrlReg1Standby, State::kDeactivating);
            return;
        case State::kDeactivating:
            finish(hil::Status::ok());
            return;
        case State::kMagTriggering:
            state_ = State::kMagConverting;
            alarm_.set_alarm(alarm_.now(), alarm_.frequency() * kSampleWaitMs / 1000u);
            return;
        case State::kMagReading:
            for (int axis = 0; axis < 3; ++axis) xyz_[axis] = be16(buffer + 2 * axis);
            finish(hil::Status::ok());
            return;
        case State::kIdle:
        case State::kAccelSettling:
        case State::kMagConverting:
            return;
    }
}

void Fxos8700::alarm_fired() {
    std::uint8_t first;
    State next;
    if (state_ == State::kAccelSettling) {
        first = kOutXMsb;
        next = State::kAccelReading;
    } else if (state_ == State::kMagConverting) {
        first = kMOutXMsb;
        next = State::kMagReading;
    } else {
        return;
    }
    buffer_[0] = first;
    const hil::Status started = i2c_.write_read(buffer_, 1, 6);
    if (!started.is_ok()) {
        finish(started);
        return;
    }
    state_ = next;
}

void Fxos8700::finish(hil::Status status) {
    state_ = State::kIdle;
    if (request_ == Request::kNone) return;  // a probe nobody was waiting for
    request_ = Request::kNone;
    if (!status.is_ok()) xyz_[0] = xyz_[1] = xyz_[2] = 0;
    if (client_ != nullptr) client_->ninedof_done(status, xyz_[0], xyz_[1], xyz_[2]);
}

}  // namespace capsules
