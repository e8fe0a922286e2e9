#pragma once
// Intersil ISL29035 ambient light sensor on I2C (Hail: TWIM1, address 0x44).
// Tock: capsules/extra/src/isl29035.rs; registers from the ISL29035 datasheet (FN7896):
//   0x00 COMMAND-I  OP[7:5] (000 power-down, 101 ALS continuous), PERSIST[1:0]
//   0x01 COMMAND-II RES[3:2] (00 16 bit, 01 12 bit, 10 8 bit, 11 4 bit), RANGE[1:0]
//                   (00 1000, 01 4000, 10 16000, 11 64000 lux full scale)
//   0x02 DATA LSB, 0x03 DATA MSB; 0x0F ID (read at boot as the presence probe)
// A reading: COMMAND-II = 12 bit / 4000 lux, then COMMAND-I = ALS continuous (writing COMMAND-I
// starts the conversion, so the resolution must be set first; one integration takes 6.5 ms, we
// wait 10 ms), read DATA LSB+MSB with a repeated start, then power down again.
//   lux = data * 4000 / 2^12, rounded to the nearest lux
// (Tock uses 8 bit / 4000 lux, i.e. steps of 15.6 lux; 12 bit gives steps of ~1 lux for the
// same range at 16x the integration time.)
// One request at a time (BUSY otherwise); NODEVICE when the sensor did not answer.
#include <cstdint>

#include "hil/i2c.hpp"
#include "hil/sensors.hpp"
#include "hil/time.hpp"

namespace capsules {

class Isl29035 final : public hil::AmbientLightSensor,
                       public hil::I2cClient,
                       public hil::AlarmClient {
  public:
    static constexpr std::uint8_t kAddress = 0x44;

    Isl29035(hil::I2cDevice& i2c, hil::Alarm& alarm);

    void probe();
    bool absent() const { return presence_ == Presence::kAbsent; }

    void set_light_client(hil::AmbientLightClient* client) override { client_ = client; }
    hil::Status read_light_intensity() override;

    void command_complete(std::uint8_t* buffer, hil::Status status) override;
    void alarm_fired() override;

  private:
    enum class Presence : std::uint8_t { kUnknown, kPresent, kAbsent };
    enum class State : std::uint8_t {
        kIdle,
        kProbing,
        kConfiguring,
        kEnabling,
        kIntegrating,
        kReading,
        kDisabling,
    };

    void start();
    void write_register(std::uint8_t reg, std::uint8_t value, State next);
    void finish(hil::Status status, std::uint32_t lux);

    hil::I2cDevice& i2c_;
    hil::Alarm& alarm_;
    hil::AmbientLightClient* client_ = nullptr;
    std::uint8_t buffer_[3] = {};
    Presence presence_ = Presence::kUnknown;
    State state_ = State::kIdle;
    bool wanted_ = false;
    std::uint32_t lux_ = 0;
};

}  // namespace capsules
