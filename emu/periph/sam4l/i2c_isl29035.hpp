#pragma once
// Intersil ISL29035 ambient light sensor, I2C address 0x44 (the Hail's light sensor on TWIM1).
// Datasheet FN7814 "ISL29035", register map table and "Principles of operation"; executable
// spec: tock/tock capsules/extra/src/isl29035.rs.
//
// Modelled (register-file protocol, auto-increment):
//   0x00 COMMAND-I   OP[7:5] (000 power-down, 001 ALS once, 010 IR once, 101 ALS continuous,
//                    110 IR continuous), INT_FLAG[2] (never set: thresholds not modelled),
//                    PRST[1:0] stored
//   0x01 COMMAND-II  RES[3:2] (ADC 16/12/8/4 bits), RANGE[1:0] (1000/4000/16000/64000 lux)
//   0x02/0x03 DATA LSB/MSB of the last completed conversion (0 until the first one)
//   0x04..0x07 INT_LT/INT_HT thresholds (stored; INT_HT resets to 0xFFFF)
//   0x0F ID          BOUT[7] (1 after power-up; the guest writes 0 to clear it), DEVICE ID[5:3]
//                    = 101 (reads 0xA8 out of reset)
// A conversion starts when COMMAND-I selects a measuring mode (or COMMAND-II changes while one
// runs: our reading, so that the range/resolution written just after COMMAND-I apply to the first
// result) and takes the integration time of
// the resolution (16 bit 105 ms, 12 bit 6.5 ms, 8 bit 410 us, 4 bit 25.6 us); its result is
// DATA = floor(lux x 2^n / RANGE) clamped to 2^n - 1 (the datasheet's Lux = DATA x RANGE / 2^n
// inverted). Continuous modes convert back to back (the value is taken at the end of each
// integration); "once" modes return to power-down after one conversion. IR modes measure the
// host-set infrared count (0 by default).
#include <array>
#include <cstdint>

#include "emu/core/clock.hpp"
#include "emu/periph/sam4l/i2c_device.hpp"

namespace tockemu {

class Isl29035 final : public I2cRegisterDevice {
  public:
    static constexpr std::uint8_t kAddress = 0x44;
    static constexpr double kDefaultLux = 300.0;
    static constexpr std::uint8_t COMMAND_I = 0x00, COMMAND_II = 0x01, DATA_LSB = 0x02,
                                  DATA_MSB = 0x03, INT_LT_LSB = 0x04, INT_HT_LSB = 0x06, ID = 0x0F;

    explicit Isl29035(Clock& clock);

    std::string_view name() const override { return "isl29035"; }

    void set_lux(double lux) { lux_ = lux; }
    void set_infrared(std::uint16_t count) { infrared_ = count; }
    double lux() const { return lux_; }
    // Integration time of the current COMMAND-II resolution.
    Picos integration_time() const;
    // DATA for `lux` at the current range and resolution.
    std::uint16_t data_for(double lux) const;

  protected:
    std::uint8_t read_register(std::uint8_t address) override;
    void write_register(std::uint8_t address, std::uint8_t value) override;

  private:
    unsigned mode() const { return regs_[COMMAND_I] >> 5; }
    bool measuring() const;
    void catch_up();  // folds conversions that ended before now into DATA

    Clock& clock_;
    double lux_ = kDefaultLux;
    std::uint16_t infrared_ = 0;
    std::array<std::uint8_t, 16> regs_{};
    Picos conversion_end_ = 0;  // end of the integration in progress (when measuring)
};

}  // namespace tockemu
