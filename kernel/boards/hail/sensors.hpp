#pragma once
// Hail's I2C sensors (Tock: boards/hail/src/main.rs), wired by hail_setup_sensors() from
// hail_setup_drivers():
//
//   TWIM1 (PB00 SDA, PB01 SCL, 400 kHz, PDCA ch 11) -> MuxI2c
//     SI7021     @0x40 -> temperature 0x60000, humidity 0x60001
//     ISL29035   @0x44 -> ambient light 0x60002
//     FXOS8700CQ @0x1E -> ninedof 0x60004 (accelerometer, magnetometer)
//
// Each sensor is probed once at boot (one register read each, asynchronous); a sensor that does
// not answer makes its drivers return NODEVICE. Upstream Hail does not probe; nothing else
// differs on the bus.
#include "capsules/virtual_alarm.hpp"
#include "core/kernel.hpp"

// Creates the sensor stack, registers the four syscall drivers and starts the probes.
void hail_setup_sensors(kernel::Kernel& kernel, capsules::MuxAlarm& alarm_mux);
