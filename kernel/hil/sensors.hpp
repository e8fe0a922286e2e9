#pragma once
// Sensor HILs (Tock: kernel/src/hil/sensors.rs): what the syscall capsules temperature,
// humidity, ambient_light and ninedof need from a sensor driver. Each read is split-phase: the
// call returns ok and the client is called once with the outcome, or it fails at once (BUSY when
// the sensor cannot take another request, NODEVICE when the sensor did not answer on its bus,
// NOSUPPORT for a quantity the chip does not measure) and no callback follows.
#include <cstdint>

#include "hil/result.hpp"

namespace hil {

class TemperatureClient {
  public:
    // Hundredths of a degree Celsius.
    virtual void temperature_done(Status status, std::int32_t centi_celsius) = 0;

  protected:
    ~TemperatureClient() = default;
};

class TemperatureSensor {
  public:
    virtual void set_temperature_client(TemperatureClient* client) = 0;
    virtual Status read_temperature() = 0;

  protected:
    ~TemperatureSensor() = default;
};

class HumidityClient {
  public:
    // Hundredths of a percent relative humidity (0..10000).
    virtual void humidity_done(Status status, std::uint32_t centi_percent) = 0;

  protected:
    ~HumidityClient() = default;
};

class HumiditySensor {
  public:
    virtual void set_humidity_client(HumidityClient* client) = 0;
    virtual Status read_humidity() = 0;

  protected:
    ~HumiditySensor() = default;
};

class AmbientLightClient {
  public:
    virtual void light_done(Status status, std::uint32_t lux) = 0;

  protected:
    ~AmbientLightClient() = default;
};

class AmbientLightSensor {
  public:
    virtual void set_light_client(AmbientLightClient* client) = 0;
    virtual Status read_light_intensity() = 0;

  protected:
    ~AmbientLightSensor() = default;
};

class NineDofClient {
  public:
    // Accelerometer: milli-g per axis. Magnetometer: the chip's units (0.1 uT for FXOS8700CQ).
    virtual void ninedof_done(Status status, std::int32_t x, std::int32_t y, std::int32_t z) = 0;

  protected:
    ~NineDofClient() = default;
};

class NineDofSensor {
  public:
    virtual void set_ninedof_client(NineDofClient* client) = 0;
    virtual Status read_accelerometer() = 0;
    virtual Status read_magnetometer() = 0;
    // Chips without a gyroscope keep both defaults.
    virtual bool has_gyroscope() const { return false; }
    virtual Status read_gyroscope() { return ErrorCode::NOSUPPORT; }

  protected:
    ~NineDofSensor() = default;
};

}  // namespace hil
