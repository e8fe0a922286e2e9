#pragma once
// Silicon Labs SI7021 humidity and temperature sensor on I2C (Hail: TWIM1, address 0x40).
// Tock: capsules/extra/src/si7021.rs; protocol from the Si7021-A20 datasheet:
//   0xF3 measure temperature, no hold master    0xF5 measure RH, no hold master
//   0xE7 read user register 1 (reset 0x3A; used as the presence probe at boot)
// "No hold master": the command is written, the conversion runs (temperature 14 bit <= 10.8 ms,
// RH 12 bit <= 12 ms), and the sensor NAKs its read address until it is done. We wait 20 ms
// (as Tock) and retry a NAKed read twice more, 5 ms apart, before giving up. The read takes the
// checksum byte too (CRC-8, x^8 + x^5 + x^4 + 1); a mismatch fails the reading with FAIL.
// Conversions (datasheet §5.1.1, §5.1.2, 16-bit code, MSB first):
//   centi-degrees C = code * 17572 / 65536 - 4685
//   centi-percent RH = code * 12500 / 65536 - 600, clamped to 0..10000
// with the division rounded to nearest (Tock truncates: 22.50 C would read 22.49 C).
// Temperature and humidity requests wait for each other; one of each may be outstanding.
// If the probe (or a measurement command) is not acknowledged the sensor is absent: every
// request then fails at once with NODEVICE.
#include <cstdint>

#include "hil/i2c.hpp"
#include "hil/sensors.hpp"
#include "hil/time.hpp"

namespace capsules {

class Si7021 final : public hil::TemperatureSensor,
                     public hil::HumiditySensor,
                     public hil::I2cClient,
                     public hil::AlarmClient {
  public:
    static constexpr std::uint8_t kAddress = 0x40;

    Si7021(hil::I2cDevice& i2c, hil::Alarm& alarm);

    // Checks that the sensor answers (board set-up; asynchronous).
    void probe();
    bool absent() const { return presence_ == Presence::kAbsent; }

    void set_temperature_client(hil::TemperatureClient* client) override { temp_client_ = client; }
    hil::Status read_temperature() override;
    void set_humidity_client(hil::HumidityClient* client) override { humidity_client_ = client; }
    hil::Status read_humidity() override;

    void command_complete(std::uint8_t* buffer, hil::Status status) override;
    void alarm_fired() override;

  private:
    enum class Presence : std::uint8_t { kUnknown, kPresent, kAbsent };
    enum class State : std::uint8_t { kIdle, kProbing, kCommanding, kConverting, kReading };
    enum class Quantity : std::uint8_t { kTemperature, kHumidity };

    hil::Status request(bool& wanted);
    void start_next();
    void wait_ms(std::uint32_t ms);
    void finish(hil::Status status, std::uint16_t code);
    void fail_all(hil::Status status);

    hil::I2cDevice& i2c_;
    hil::Alarm& alarm_;
    hil::TemperatureClient* temp_client_ = nullptr;
    hil::HumidityClient* humidity_client_ = nullptr;
    std::uint8_t buffer_[3] = {};
    Presence presence_ = Presence::kUnknown;
    State state_ = State::kIdle;
    Quantity current_ = Quantity::kTemperature;
    bool want_temperature_ = false;
    bool want_humidity_ = false;
    std::uint8_t read_retries_ = 0;
};

}  // namespace capsules
