#pragma once
// Silicon Labs Si7021-A20 relative humidity and temperature sensor, I2C address 0x40 (the Hail's
// temperature/humidity sensor on TWIM1). Datasheet Si7021-A20 rev 1.2, §5 "Functional
// Description" and §6 "I2C Interface"; executable spec: tock/tock capsules/extra/src/si7021.rs.
//
// Modelled:
//  - Commands (first byte written after START): 0xE5/0xF5 measure RH (hold / no hold master),
//    0xE3/0xF3 measure temperature (hold / no hold), 0xE0 temperature of the previous RH
//    measurement, 0xFE reset, 0xE6/0xE7 write/read user register 1 (reset 0x3A; RES1 bit 7,
//    RES0 bit 0 and HTRE bit 2 writable), 0x51/0x11 write/read heater control (HEATER[3:0]),
//    0xFA 0x0F / 0xFC 0xC9 electronic ID (SNA, SNB; SNB_3 = 0x15 "Si7021"), 0x84 0xB8 firmware
//    revision (0x20 = 2.0). Unknown commands are NAKed.
//  - Codes as the datasheet formulas invert: RH_Code = (RH + 6) x 65536 / 125,
//    Temp_Code = (T + 46.85) x 65536 / 175.72, kept to the resolution of user register 1
//    (RH 12/8/10/11 bits, T 14/12/13/11 bits); an RH code ends in binary 10, a temperature code in
//    00. Measurement reads return MSB, LSB, then a CRC-8 (x^8 + x^5 + x^4 + 1, init 0).
//  - Conversion times (typical, §3 table 2): RH 12/11/10/8 bit 10/5.8/3.7/2.6 ms, temperature
//    14/13/12/11 bit 7/4/2.4/1.5 ms; an RH measurement includes a temperature conversion. In no
//    hold mode the device NAKs its read address until the conversion is done; in hold mode it
//    ACKs and stretches SCL until the result is ready. The result stays readable until the next
//    command (Tock's capsule reads it twice). Reset takes 15 ms, during which the address NAKs.
//  - Electronic ID CRCs cover the ID bytes read so far in that access (our reading of §5.5).
// Not modelled: the heater's effect on readings, VDD monitoring (VDDS reads 0), supply timing.
#include <cstdint>
#include <span>
#include <vector>

#include "emu/core/clock.hpp"
#include "emu/periph/sam4l/i2c_device.hpp"

namespace tockemu {

class Si7021 final : public I2cDevice {
  public:
    static constexpr std::uint8_t kAddress = 0x40;
    static constexpr double kDefaultTemperature = 22.5;  // degrees C
    static constexpr double kDefaultHumidity = 45.0;     // % RH
    static constexpr std::uint8_t kUserRegisterReset = 0x3A;

    explicit Si7021(Clock& clock) : clock_(clock) {}

    std::string_view name() const override { return "si7021"; }
    bool start(std::uint8_t address, bool read) override;
    bool write_byte(std::uint8_t byte) override;
    std::uint8_t read_byte(bool ack) override;
    Picos stretch() override;
    void stop() override {}

    // Host side: what the sensor measures from now on.
    void set_temperature(double celsius) { temperature_ = celsius; }
    void set_humidity(double percent) { humidity_ = percent; }
    double temperature() const { return temperature_; }
    double humidity() const { return humidity_; }
    std::uint8_t user_register() const { return user_; }

    // Datasheet encodings, at full resolution (14-bit T, 12-bit RH).
    static std::uint16_t temperature_code(double celsius, unsigned bits = 14);
    static std::uint16_t humidity_code(double percent, unsigned bits = 12);
    static std::uint8_t crc8(std::span<const std::uint8_t> bytes);

  private:
    void command(std::uint8_t first, std::uint8_t byte, std::size_t index);
    void measure(bool humidity, bool hold);
    void answer(std::vector<std::uint8_t> bytes) {
        out_ = std::move(bytes);
        out_pos_ = 0;
    }
    unsigned rh_bits() const;
    unsigned t_bits() const;
    Picos rh_time() const;
    Picos t_time() const;

    Clock& clock_;
    double temperature_ = kDefaultTemperature;
    double humidity_ = kDefaultHumidity;
    std::uint8_t user_ = kUserRegisterReset;
    std::uint8_t heater_ = 0;
    std::uint16_t previous_t_code_ = 0;  // temperature taken with the last RH measurement
    std::vector<std::uint8_t> written_;  // bytes written since the last START
    std::vector<std::uint8_t> out_;      // what reads return
    std::size_t out_pos_ = 0;
    Picos ready_at_ = 0;  // end of the conversion (or reset) in progress
    bool hold_ = false;   // the conversion in progress was started in hold master mode
    bool stretched_ = false;
};

}  // namespace tockemu
