#pragma once
// NXP FXOS8700CQ accelerometer + magnetometer on I2C (Hail: TWIM1, address 0x1E).
// Tock: capsules/extra/src/fxos8700cq.rs; registers from the FXOS8700CQ datasheet (rev. 8):
//   0x01..0x06 OUT_X/Y/Z_MSB/LSB   accelerometer, 14-bit left-justified, auto-increment burst
//   0x0D WHO_AM_I = 0xC7           (read at boot as the presence probe)
//   0x2A CTRL_REG1                 bit 0 ACTIVE (standby <-> active), DR[5:3] = 0 -> 800 Hz
//   0x33..0x38 M_OUT_X/Y/Z_MSB/LSB magnetometer, 16-bit, 0.1 uT per count
//   0x5B M_CTRL_REG1               0x23 = one-shot (m_ost) in hybrid mode (m_hms = 11)
// Accelerometer: CTRL_REG1 = ACTIVE, wait 5 ms (two sample periods at 400 Hz, the slowest ODR
// with DR = 0), burst-read the six OUT bytes, CTRL_REG1 = standby. Tock waits for the data-ready
// interrupt on PA09 instead; a fixed wait needs no interrupt pin.
//   milli-g = raw14 * 244 / 1000, rounded  (+/-2 g range, 0.244 mg per count; Tock truncates)
// Magnetometer: M_CTRL_REG1 = one-shot, wait 5 ms, burst-read M_OUT; values in 0.1 uT (as Tock).
// Gyroscope: the chip has none (NOSUPPORT). One request at a time (BUSY otherwise); a chip that
// does not answer, or answers WHO_AM_I with something else than 0xC7, is absent (NODEVICE).
#include <cstdint>

#include "hil/i2c.hpp"
#include "hil/sensors.hpp"
#include "hil/time.hpp"

namespace capsules {

class Fxos8700 final : public hil::NineDofSensor, public hil::I2cClient, public hil::AlarmClient {
  public:
    static constexpr std::uint8_t kAddress = 0x1E;
    static constexpr std::uint8_t kWhoAmIValue = 0xC7;

    Fxos8700(hil::I2cDevice& i2c, hil::Alarm& alarm);

    void probe();
    bool absent() const { return presence_ == Presence::kAbsent; }

    void set_ninedof_client(hil::NineDofClient* client) override { client_ = client; }
    hil::Status read_accelerometer() override;
    hil::Status read_magnetometer() override;

    void command_complete(std::uint8_t* buffer, hil::Status status) override;
    void alarm_fired() override;

  private:
    enum class Presence : std::uint8_t { kUnknown, kPresent, kAbsent };
    enum class State : std::uint8_t {
        kIdle,
        kProbing,
        kActivating,
        kAccelSettling,
        kAccelReading,
        kDeactivating,
        kMagTriggering,
        kMagConverting,
        kMagReading,
    };
    enum class Request : std::uint8_t { kNone, kAccel, kMag };

    hil::Status request(Request what);
    void start();
    void write_register(std::uint8_t reg, std::uint8_t value, State next);
    void finish(hil::Status status);

    hil::I2cDevice& i2c_;
    hil::Alarm& alarm_;
    hil::NineDofClient* client_ = nullptr;
    std::uint8_t buffer_[6] = {};
    Presence presence_ = Presence::kUnknown;
    State state_ = State::kIdle;
    Request request_ = Request::kNone;
    std::int32_t xyz_[3] = {};
};

}  // namespace capsules
