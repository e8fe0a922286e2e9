// Hail's I2C sensors through our kernel: TWIM1 driver (CMDR/NCMDR + PDCA), the I2C mux, the
// SI7021 / ISL29035 / FXOS8700CQ drivers and the syscall drivers 0x60000/1/2/4, observed as the
// console output of apps/sensors (libtock-c's example) and apps/sensors_check (error paths).
// The device models are the emulator's (emu/periph/sam4l/i2c_*), default readings 22.5 C,
// 45 %RH, 300 lux, (0, 0, 1000) milli-g, (20, -5, -40) uT.
#include <gtest/gtest.h>

#include "emu/periph/sam4l/i2c_device.hpp"
#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kTwim1 = HailBoard::kSensorTwim;

TEST(KernelSensors, SensorsAppPrintsTheSensorReadings) {
    KernelRun run({"sensors"});
    ASSERT_TRUE(run.run_until_console("[Sensors] 22.50 C, 45.00 %RH", 3000)) << run.console();
    const std::string& out = run.console();
    for (const char* line :
         {"[Sensors]   Sampling Ambient Light sensor.", "[Sensors]   Sampling Temperature sensor.",
          "[Sensors]   Sampling Humidity sensor.", "[Sensors]   Sampling Accelerometer.",
          "[Sensors]   Sampling Magnetometer.", "Amb. Light: Light Intensity: 300\n",
          "Temperature:                 22 deg C\n", "Humidity:                    45%\n",
          "Acceleration: X: 0 Y: 0 Z: 1000\n", "Magnetometer: X: 200 Y: -50 Z: -400\n",
          "[Sensors] 22.50 C, 45.00 %RH"}) {
        EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
    }
    // The FXOS8700CQ has no gyroscope: command 200 is NOSUPPORT, so the app does not sample it.
    EXPECT_EQ(out.find("Sampling Gyroscope"), std::string::npos) << out;
    EXPECT_EQ(out.find("panicked"), std::string::npos) << out;
}

TEST(KernelSensors, NewReadingsFollowTheSensors) {
    KernelRun run({"sensors"});
    ASSERT_TRUE(run.run_until_console("[Sensors] 22.50 C, 45.00 %RH", 3000)) << run.console();
    HailBoard::SensorValues v;
    v.temperature = -5.25;
    v.humidity = 80.0;
    v.light = 1000.0;
    v.accel = std::array<double, 3>{-500.0, 250.0, 0.0};
    run.machine().board().set_sensors(v);
    // -5.25 C is 14-bit code 15512 at the SI7021's resolution, which reads back as -5.26 C.
    ASSERT_TRUE(run.run_until_console("[Sensors] -5.26 C, 80.00 %RH", 2000)) << run.console();
    const std::string& out = run.console();
    EXPECT_NE(out.find("Amb. Light: Light Intensity: 1000\n"), std::string::npos) << out;
    EXPECT_NE(out.find("Acceleration: X: -500 Y: 250 Z: 0\n"), std::string::npos) << out;
    EXPECT_NE(out.find("Humidity:                    80%\n"), std::string::npos) << out;
}

TEST(KernelSensors, SecondRequestOfAProcessIsBusyAndGyroscopeIsNotSupported) {
    KernelRun run({"sensors_check"});
    ASSERT_TRUE(run.run_until_console("sensors_check: done", 2000)) << run.console();
    const std::string& out = run.console();
    for (const char* line :
         {"sensors_check: temperature 2250 (again: BUSY)",
          "sensors_check: humidity 4500 (again: BUSY)", "sensors_check: light 300 (again: BUSY)",
          "sensors_check: accelerometer 0 0 1000 (again: BUSY)",
          "sensors_check: magnetometer 200 -50 -400 (again: BUSY)",
          "sensors_check: gyroscope NOSUPPORT", "sensors_check: temperature command 7 NOSUPPORT"}) {
        EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
    }
}

TEST(KernelSensors, SensorThatDoesNotAnswerGivesNodevice) {
    KernelRun run({"sensors_check"});
    // Take the SI7021 and the FXOS8700CQ off the bus: their addresses are NAKed (ANAK).
    run.machine().board().attach_i2c_device(kTwim1, 0x40, nullptr);
    run.machine().board().attach_i2c_device(kTwim1, 0x1E, nullptr);
    run.machine().reset();
    ASSERT_TRUE(run.run_until_console("sensors_check: done", 2000)) << run.console();
    const std::string& out = run.console();
    for (const char* line :
         {"sensors_check: temperature NODEVICE", "sensors_check: humidity NODEVICE",
          "sensors_check: light 300 (again: BUSY)", "sensors_check: accelerometer NODEVICE",
          "sensors_check: magnetometer NODEVICE"}) {
        EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
    }
    EXPECT_EQ(out.find("panicked"), std::string::npos) << out;
}

TEST(KernelSensors, SensorThatDisappearsReadsZeroThenNodeviceAndTheAppGoesOn) {
    KernelRun run({"sensors"});
    ASSERT_TRUE(run.run_until_console("[Sensors] 22.50 C, 45.00 %RH", 3000)) << run.console();
    // Between two samples (the bus is idle): the light sensor and the accelerometer go away.
    run.machine().board().attach_i2c_device(kTwim1, 0x44, nullptr);
    run.machine().board().attach_i2c_device(kTwim1, 0x1E, nullptr);
    const std::size_t before = run.console().size();
    ASSERT_TRUE(run.run_until_console("Acceleration: X: 0 Y: 0 Z: 0", 2000)) << run.console();
    // The next sample: light and ninedof now fail at once with NODEVICE, so the app prints its
    // zero defaults again and goes on sampling; the SI7021 still answers.
    const std::size_t samples = run.count("[Sensors] 22.50 C, 45.00 %RH");
    ASSERT_TRUE(run.run_ms(2100).reason == StopReason::TimeLimit);
    EXPECT_GE(run.count("[Sensors] 22.50 C, 45.00 %RH"), samples + 2) << run.console();
    const std::string after = run.console().substr(before);
    EXPECT_NE(after.find("Amb. Light: Light Intensity: 0\n"), std::string::npos) << after;
    EXPECT_EQ(after.find("Light Intensity: 300"), std::string::npos) << after;
    EXPECT_EQ(run.console().find("panicked"), std::string::npos);
}

TEST(KernelSensors, TwoProcessesShareTheBus) {
    // Both processes read all sensors at the same time; the mux serialises the I2C transfers and
    // each process gets its own answers.
    KernelRun run({"sensors_check", "sensors"});
    ASSERT_TRUE(run.run_until_console("[Sensors] 22.50 C, 45.00 %RH", 3000)) << run.console();
    ASSERT_TRUE(run.run_until_console("sensors_check: done", 1000)) << run.console();
    const std::string& out = run.console();
    EXPECT_NE(out.find("sensors_check: temperature 2250 (again: BUSY)"), std::string::npos) << out;
    EXPECT_NE(out.find("sensors_check: accelerometer 0 0 1000 (again: BUSY)"), std::string::npos)
        << out;
    EXPECT_NE(out.find("Acceleration: X: 0 Y: 0 Z: 1000\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace tockemu::kerneltest
