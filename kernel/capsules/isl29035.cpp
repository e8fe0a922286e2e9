#include "capsules/isl29035.hpp"

namespace capsules {
namespace {

constexpr std::uint8_t kCommand1 = 0x00;
constexpr std::uint8_t kCommand2 = 0x01;
constexpr std::uint8_t kDataLsb = 0x02;
constexpr std::uint8_t kId = 0x0F;

constexpr std::uint8_t kOpAlsContinuous = 0b101u << 5;
constexpr std::uint8_t kOpPowerDown = 0;
constexpr std::uint8_t kRes12Bit = 0b01u << 2;
constexpr std::uint8_t kRange4000 = 0b01u;

constexpr std::uint32_t kRangeLux = 4000;
constexpr std::uint32_t kResolutionBits = 12;
constexpr std::uint32_t kIntegrationWaitMs = 10;

}  // namespace

Isl29035::Isl29035(hil::I2cDevice& i2c, hil::Alarm& alarm) : i2c_(i2c), alarm_(alarm) {
    i2c_.set_client(this);
    alarm_.set_alarm_client(this);
}

void Isl29035::probe() {
    if (state_ != State::kIdle) return;
    buffer_[0] = kId;
    if (i2c_.write_read(buffer_, 1, 1).is_ok()) {
        state_ = State::kProbing;
    } else {
        presence_ = Presence::kAbsent;
    }
}

hil::Status Isl29035::read_light_intensity() {
    if (presence_ == Presence::kAbsent) return hil::ErrorCode::NODEVICE;
    if (wanted_) return hil::ErrorCode::BUSY;
    wanted_ = true;
    if (state_ == State::kIdle) start();
    return hil::Status::ok();
}

void Isl29035::start() {
    write_register(kCommand2, kRes12Bit | kRange4000, State::kConfiguring);
}

void Isl29035::write_register(std::uint8_t reg, std::uint8_t value, State next) {
    buffer_[0] = reg;
    buffer_[1] = value;
    const hil::Status started = i2c_.write(buffer_, 2);
    if (!started.is_ok()) {
        finish(started, 0);
        return;
    }
    state_ = next;
}

void Isl29035::command_complete(std::uint8_t* buffer, hil::Status status) {
    if (!status.is_ok()) {
        if (status.error() == hil::ErrorCode::NODEVICE) presence_ = Presence::kAbsent;
        finish(status, 0);
        return;
    }
    switch (state_) {
        case State::kProbing:
            presence_ = Presence::kPresent;
            state_ = State::kIdle;
            if (wanted_) start();
            return;
        case State::kConfiguring:
            write_register(kCommand1, kOpAlsContinuous, State::kEnabling);
            return;
        case State::kEnabling:
            state_ = State::kIntegrating;
            alarm_.set_alarm(alarm_.now(), alarm_.frequency() * kIntegrationWaitMs / 1000u);
            return;
        case State::kReading: {
            const std::uint32_t data = std::uint32_t{buffer[0]} | (std::uint32_t{buffer[1]} << 8);
            lux_ = (data * kRangeLux + (1u << (kResolutionBits - 1))) >> kResolutionBits;
            write_register(kCommand1, kOpPowerDown, State::kDisabling);
            return;
        }
        case State::kDisabling:
            finish(hil::Status::ok(), lux_);
            return;
        case State::kIdle:
        case State::kIntegrating:
            return;
    }
}

void Isl29035::alarm_fired() {
    if (state_ != State::kIntegrating) return;
    buffer_[0] = kDataLsb;
    const hil::Status started = i2c_.write_read(buffer_, 1, 2);
    if (!started.is_ok()) {
        finish(started, 0);
        return;
    }
    state_ = State::kReading;
}

void Isl29035::finish(hil::Status status, std::uint32_t lux) {
    const bool was_probe = state_ == State::kProbing;
    state_ = State::kIdle;
    if (was_probe && !wanted_) return;
    wanted_ = false;
    if (client_ != nullptr) client_->light_done(status, lux);
}

}  // namespace capsules
