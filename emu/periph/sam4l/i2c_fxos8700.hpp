#pragma once
// NXP FXOS8700CQ 6-axis accelerometer + magnetometer, I2C address 0x1E (the Hail's "ninedof" on
// TWIM1, INT1 on PA09). Datasheet FXOS8700CQ rev 8, §14 "Register descriptions"; executable spec:
// tock/tock capsules/extra/src/fxos8700cq.rs.
//
// Modelled (register-file protocol, auto-increment):
//   0x00 STATUS (DR_STATUS: ZYXDR[3] and ZDR/YDR/XDR set by a new sample), 0x01..0x06 OUT_X/Y/Z
//   MSB/LSB (14-bit two's complement, left-justified), 0x0B SYSMOD (0 standby, 1 wake),
//   0x0C INT_SOURCE (SRC_DRDY[0]), 0x0D WHO_AM_I = 0xC7, 0x0E XYZ_DATA_CFG FS[1:0] (+-2/4/8 g:
//   0.244/0.488/0.976 mg per count), 0x2A CTRL_REG1 (ACTIVE[0], DR[5:3]), 0x2B CTRL_REG2 (RST[6]),
//   0x2C CTRL_REG3 (IPOL[1]), 0x2D CTRL_REG4 (INT_EN_DRDY[0]), 0x2E CTRL_REG5 (INT_CFG_DRDY[0]:
//   1 = INT1), 0x32 M_DR_STATUS, 0x33..0x38 M_OUT_X/Y/Z MSB/LSB (16-bit, 0.1 uT per count),
//   0x5B M_CTRL_REG1 (M_OST[5] one-shot, M_HMS[1:0]), 0x5C M_CTRL_REG2 (HYB_AUTOINC_MODE[5]).
//   Other registers are stored and read back.
//  - While ACTIVE, a sample is taken every 1/ODR (DR: 800, 400, 200, 100, 50, 12.5, 6.25,
//    1.5625 Hz; halved in hybrid mode M_HMS = 11) from the host-set values; it sets ZYXDR and
//    SRC_DRDY (INT1 asserts when INT_EN_DRDY and INT_CFG_DRDY, low unless IPOL). Reading
//    OUT_X_MSB clears them; the next sample follows one period later (no sample events while
//    unread data waits, so an idle active sensor costs nothing).
//  - Magnetometer values are latched by each sample in hybrid/magnetometer mode and at once by
//    M_CTRL_REG1.M_OST (the one-shot Tock reads right after writing it); M_OST then self-clears.
//  - Burst reads: the address advances by one; with HYB_AUTOINC_MODE it jumps from 0x06 to 0x33
//    so one burst reads accelerometer then magnetometer.
// Not modelled: FIFO, motion/freefall/transient/pulse/vector-magnitude detection, fast-read
// (F_READ) 8-bit mode, offsets, oversampling modes, temperature, INT2 (no board wiring).
#include <array>
#include <cstdint>
#include <functional>

#include "emu/core/clock.hpp"
#include "emu/periph/sam4l/i2c_device.hpp"

namespace tockemu {

class Fxos8700 final : public I2cRegisterDevice {
  public:
    static constexpr std::uint8_t kAddress = 0x1E;
    static constexpr std::uint8_t kWhoAmI = 0xC7;
    static constexpr std::uint8_t STATUS = 0x00, OUT_X_MSB = 0x01, OUT_Z_LSB = 0x06, SYSMOD = 0x0B,
                                  INT_SOURCE = 0x0C, WHO_AM_I = 0x0D, XYZ_DATA_CFG = 0x0E,
                                  CTRL_REG1 = 0x2A, CTRL_REG2 = 0x2B, CTRL_REG3 = 0x2C,
                                  CTRL_REG4 = 0x2D, CTRL_REG5 = 0x2E, M_DR_STATUS = 0x32,
                                  M_OUT_X_MSB = 0x33, M_OUT_Z_LSB = 0x38, M_CTRL_REG1 = 0x5B,
                                  M_CTRL_REG2 = 0x5C;

    using Vector = std::array<double, 3>;
    static constexpr Vector kDefaultAccel = {0, 0, 1000};  // milli-g: lying flat
    static constexpr Vector kDefaultMag = {20, -5, -40};   // microtesla

    // `int1` drives the INT1 pin (PA09 on the Hail); it is called with the new level.
    Fxos8700(Clock& clock, std::function<void(bool)> int1 = {});
    ~Fxos8700() override;

    std::string_view name() const override { return "fxos8700cq"; }

    void set_acceleration(const Vector& milli_g) { accel_ = milli_g; }
    void set_magnetic_field(const Vector& micro_tesla) { mag_ = micro_tesla; }
    const Vector& acceleration() const { return accel_; }
    const Vector& magnetic_field() const { return mag_; }
    bool int1_level() const { return int1_level_; }
    // Time between samples at the current CTRL_REG1.DR and M_HMS.
    Picos sample_period() const;

  protected:
    std::uint8_t read_register(std::uint8_t address) override;
    void write_register(std::uint8_t address, std::uint8_t value) override;
    std::uint8_t next_address(std::uint8_t address) const override;

  private:
    void reset_registers();
    bool active() const { return regs_[CTRL_REG1] & 1; }
    void schedule_sample();
    void sample();
    void latch_accel();
    void latch_mag();
    void update_int1();

    Clock& clock_;
    std::function<void(bool)> int1_;
    Vector accel_ = kDefaultAccel;
    Vector mag_ = kDefaultMag;
    std::array<std::uint8_t, 128> regs_{};
    Clock::EventId sample_event_ = 0;
    bool int1_level_ = true;
};

}  // namespace tockemu
