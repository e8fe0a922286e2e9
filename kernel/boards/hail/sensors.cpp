#include "boards/hail/sensors.hpp"

#include <cstdint>
#include <new>

#include "capsules/ambient_light.hpp"
#include "capsules/fxos8700.hpp"
#include "capsules/humidity.hpp"
#include "capsules/i2c_mux.hpp"
#include "capsules/isl29035.hpp"
#include "capsules/ninedof.hpp"
#include "capsules/si7021.hpp"
#include "capsules/temperature.hpp"
#include "chips/sam4l/twim.hpp"
#include "core/debug.hpp"

namespace {

// Constructed once by hail_setup_sensors(), in declaration order (grants are created there,
// before processes load).
struct HailSensors {
    HailSensors(kernel::Kernel& kernel, capsules::MuxAlarm& alarm_mux)
        : si7021_alarm(alarm_mux),
          isl29035_alarm(alarm_mux),
          fxos8700_alarm(alarm_mux),
          si7021(si7021_i2c, si7021_alarm),
          isl29035(isl29035_i2c, isl29035_alarm),
          fxos8700(fxos8700_i2c, fxos8700_alarm),
          temperature(kernel, si7021),
          humidity(kernel, si7021),
          ambient_light(kernel, isl29035),
          ninedof(kernel, fxos8700) {}

    capsules::MuxI2c i2c_mux{sam4l::twim1()};
    capsules::I2cDevice si7021_i2c{i2c_mux, capsules::Si7021::kAddress};
    capsules::I2cDevice isl29035_i2c{i2c_mux, capsules::Isl29035::kAddress};
    capsules::I2cDevice fxos8700_i2c{i2c_mux, capsules::Fxos8700::kAddress};
    capsules::VirtualAlarm si7021_alarm;
    capsules::VirtualAlarm isl29035_alarm;
    capsules::VirtualAlarm fxos8700_alarm;

    capsules::Si7021 si7021;
    capsules::Isl29035 isl29035;
    capsules::Fxos8700 fxos8700;

    capsules::TemperatureDriver temperature;
    capsules::HumidityDriver humidity;
    capsules::AmbientLightDriver ambient_light;
    capsules::NineDofDriver ninedof;
};

alignas(HailSensors) std::uint8_t g_sensors_storage[sizeof(HailSensors)];

void register_or_panic(kernel::Kernel& kernel, std::uint32_t num, kernel::SyscallDriver& driver) {
    if (!kernel.register_driver(num, driver).is_ok()) {
        KERNEL_PANIC("cannot register syscall driver 0x%x", static_cast<unsigned>(num));
    }
}

}  // namespace

void hail_setup_sensors(kernel::Kernel& kernel, capsules::MuxAlarm& alarm_mux) {
    sam4l::twim1().register_interrupt();
    auto* s = ::new (g_sensors_storage) HailSensors(kernel, alarm_mux);
    s->i2c_mux.init();
    s->si7021_i2c.setup();
    s->isl29035_i2c.setup();
    s->fxos8700_i2c.setup();
    s->si7021_alarm.setup();
    s->isl29035_alarm.setup();
    s->fxos8700_alarm.setup();

    register_or_panic(kernel, capsules::TemperatureDriver::kDriverNum, s->temperature);
    register_or_panic(kernel, capsules::HumidityDriver::kDriverNum, s->humidity);
    register_or_panic(kernel, capsules::AmbientLightDriver::kDriverNum, s->ambient_light);
    register_or_panic(kernel, capsules::NineDofDriver::kDriverNum, s->ninedof);

    s->si7021.probe();
    s->isl29035.probe();
    s->fxos8700.probe();
}
