#include "capsules/si7021.hpp"

namespace capsules {
namespace {

constexpr std::uint8_t kMeasureTemperatureNoHold = 0xF3;
constexpr std::uint8_t kMeasureHumidityNoHold = 0xF5;
constexpr std::uint8_t kReadUserRegister1 = 0xE7;

constexpr std::uint32_t kConversionWaitMs = 20;
constexpr std::uint32_t kRetryWaitMs = 5;
constexpr std::uint8_t kReadRetries = 2;

// The checksum after a measurement (datasheet §5.1): CRC-8, x^8 + x^5 + x^4 + 1, initial 0, over
// the MSB and LSB.
std::uint8_t crc8(const std::uint8_t* bytes, unsigned n) {
    std::uint8_t crc = 0;
    for (unsigned i = 0; i < n; ++i) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x80) != 0 ? static_cast<std::uint8_t>((crc << 1) ^ 0x31)
                                    : static_cast<std::uint8_t>(crc << 1);
        }
    }
    return crc;
}

std::int32_t centi_celsius(std::uint16_t code) {
    return static_cast<std::int32_t>((std::uint32_t{code} * 17572u + 0x8000u) >> 16) - 4685;
}

std::uint32_t centi_percent(std::uint16_t code) {
    const std::int32_t rh =
        static_cast<std::int32_t>((std::uint32_t{code} * 12500u + 0x8000u) >> 16) - 600;
    if (rh < 0) return 0;
    return rh > 10000 ? 10000u : static_cast<std::uint32_t>(rh);
}

}  // namespace

Si7021::Si7021(hil::I2cDevice& i2c, hil::Alarm& alarm) : i2c_(i2c), alarm_(alarm) {
    i2c_.set_client(this);
    alarm_.set_alarm_client(this);
}

void Si7021::probe() {
    if (state_ != State::kIdle) return;
    buffer_[0] = kReadUserRegister1;
    if (i2c_.write_read(buffer_, 1, 1).is_ok()) {
        state_ = State::kProbing;
    } else {
        presence_ = Presence::kAbsent;
    }
}

hil::Status Si7021::read_temperature() {
    return request(want_temperature_);
}

hil::Status Si7021::read_humidity() {
    return request(want_humidity_);
}

hil::Status Si7021::request(bool& wanted) {
    if (presence_ == Presence::kAbsent) return hil::ErrorCode::NODEVICE;
    if (wanted) return hil::ErrorCode::BUSY;
    wanted = true;
    if (state_ == State::kIdle) start_next();
    return hil::Status::ok();
}

void Si7021::start_next() {
    if (!want_temperature_ && !want_humidity_) return;
    // Alternate when both are wanted, so neither waits behind a stream of the other.
    const bool temperature =
        want_temperature_ && (!want_humidity_ || current_ == Quantity::kHumidity);
    current_ = temperature ? Quantity::kTemperature : Quantity::kHumidity;
    buffer_[0] = temperature ? kMeasureTemperatureNoHold : kMeasureHumidityNoHold;
    read_retries_ = 0;
    const hil::Status started = i2c_.write(buffer_, 1);
    if (!started.is_ok()) {
        finish(started, 0);
        return;
    }
    state_ = State::kCommanding;
}

void Si7021::wait_ms(std::uint32_t ms) {
    state_ = State::kConverting;
    alarm_.set_alarm(alarm_.now(), alarm_.frequency() * ms / 1000u);
}

void Si7021::command_complete(std::uint8_t* buffer, hil::Status status) {
    switch (state_) {
        case State::kProbing:
            state_ = State::kIdle;
            presence_ = status.is_ok() ? Presence::kPresent : Presence::kAbsent;
            if (!status.is_ok()) {
                fail_all(hil::ErrorCode::NODEVICE);
                return;
            }
            start_next();
            return;
        case State::kCommanding:
            if (!status.is_ok()) {
                // The measurement command itself was refused: the sensor is not there.
                if (status.error() == hil::ErrorCode::NODEVICE) presence_ = Presence::kAbsent;
                finish(status, 0);
                return;
            }
            wait_ms(kConversionWaitMs);
            return;
        case State::kReading:
            if (status.error() == hil::ErrorCode::NODEVICE && read_retries_ < kReadRetries) {
                // Still converting (no-hold mode NAKs the read address until done).
                ++read_retries_;
                wait_ms(kRetryWaitMs);
                return;
            }
            if (status.is_ok() && crc8(buffer, 2) != buffer[2]) status = hil::ErrorCode::FAIL;
            finish(status, static_cast<std::uint16_t>((buffer[0] << 8) | buffer[1]));
            return;
        case State::kIdle:
        case State::kConverting:
            return;
    }
}

void Si7021::alarm_fired() {
    if (state_ != State::kConverting) return;
    const hil::Status started = i2c_.read(buffer_, 3);  // MSB, LSB, checksum
    if (!started.is_ok()) {
        finish(started, 0);
        return;
    }
    state_ = State::kReading;
}

void Si7021::finish(hil::Status status, std::uint16_t code) {
    state_ = State::kIdle;
    if (current_ == Quantity::kTemperature) {
        want_temperature_ = false;
        if (temp_client_ != nullptr) temp_client_->temperature_done(status, centi_celsius(code));
    } else {
        want_humidity_ = false;
        if (humidity_client_ != nullptr)
            humidity_client_->humidity_done(status, centi_percent(code));
    }
    if (presence_ == Presence::kAbsent) {
        fail_all(hil::ErrorCode::NODEVICE);
    } else if (state_ == State::kIdle) {
        start_next();
    }
}

void Si7021::fail_all(hil::Status status) {
    if (want_temperature_) {
        want_temperature_ = false;
        if (temp_client_ != nullptr) temp_client_->temperature_done(status, 0);
    }
    if (want_humidity_) {
        want_humidity_ = false;
        if (humidity_client_ != nullptr) humidity_client_->humidity_done(status, 0);
    }
}

}  // namespace capsules
