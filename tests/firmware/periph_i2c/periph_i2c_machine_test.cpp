// The periph_i2c test firmware on the whole machine: the image checks the TWIM/PDCA register
// protocol itself and exits with its failure count; this test checks what it read against the
// sensor values the host set (HailBoard::set_sensors) and the virtual time the conversion took.
//
// Registered from tests/CMakeLists.txt with tockemu_test_dir(firmware/periph_i2c emu_cpu) (the
// firmware super-project ignores this file: it lists its sources explicitly).
#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>

#include "emu/board/hail_board.hpp"
#include "emu/machine/machine.hpp"
#include "emu/periph/sam4l/i2c_si7021.hpp"

namespace tockemu {
namespace {

class PeriphI2cFirmware : public ::testing::Test {
  protected:
    std::string semihosting;  // declared first: outlives the machine whose sink writes into it
    Machine machine;
    RunResult result;

    void run(const HailBoard::SensorValues& values) {
        machine.load_elf(std::string(TOCKEMU_FIRMWARE_DIR) + "/tests/firmware/i2c_sensors.elf");
        machine.reset();
        machine.board().set_sensors(values);
        machine.events().subscribe([this](const Event& e) {
            if (auto* s = std::get_if<SemihostingEvent>(&e.payload)) semihosting += s->text;
        });
        result = machine.run_until(picos_from_ms(500));
    }
    bool printed(const std::string& key, std::uint32_t value) const {
        return semihosting.find(fmt::format("{}=0x{:08x}\n", key, value)) != std::string::npos;
    }
};

TEST_F(PeriphI2cFirmware, ReadsSi7021TemperatureAndFxosWhoAmIByPdca) {
    run({});
    ASSERT_EQ(result.reason, StopReason::SemihostingExit) << result.message << semihosting;
    EXPECT_EQ(result.exit_code, 0) << semihosting;
    EXPECT_TRUE(printed("whoami", 0xC7)) << semihosting;
    EXPECT_TRUE(printed("si7021_code", Si7021::temperature_code(22.5))) << semihosting;
    EXPECT_TRUE(printed("isl_data", 19)) << "300 lux at 8 bits / 4000 lux: " << semihosting;
    EXPECT_TRUE(printed("accel_z_counts", 4098)) << "1000 mg / 0.244 mg: " << semihosting;
    // The 14-bit conversion takes 7 ms of virtual time; the reads were NAKed meanwhile.
    EXPECT_GE(machine.clock().now(), picos_from_ms(7));
}

TEST_F(PeriphI2cFirmware, HostSetTemperatureReachesTheGuest) {
    HailBoard::SensorValues v;
    v.temperature = -12.25;
    v.light = 1000.0;
    v.accel = std::array<double, 3>{0, 0, -500};
    run(v);
    ASSERT_EQ(result.reason, StopReason::SemihostingExit) << result.message << semihosting;
    EXPECT_EQ(result.exit_code, 0) << semihosting;
    EXPECT_TRUE(printed("si7021_code", Si7021::temperature_code(-12.25))) << semihosting;
    EXPECT_TRUE(printed("isl_data", 64)) << semihosting;
    EXPECT_TRUE(printed("accel_z_counts", static_cast<std::uint32_t>(-2049))) << semihosting;
}

}  // namespace
}  // namespace tockemu
