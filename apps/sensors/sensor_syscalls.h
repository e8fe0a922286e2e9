// The sensor system calls as libtock-c's libtock/sensors/{temperature,humidity,ambient_light,
// ninedof}.c issue them: subscribe 0, command 1 (ninedof: 1 accelerometer, 100 magnetometer,
// 200 gyroscope), wait for the upcall. Header-only so the sensors apps share it.
//
//   temperature 0x60000  upcall (hundredths of a degree C, 0, 0)
//   humidity    0x60001  upcall (hundredths of a percent RH, 0, 0)
//   light       0x60002  upcall (lux, 0, 0)
//   ninedof     0x60004  upcall (x, y, z): milli-g, or magnetometer counts (0.1 uT)
#pragma once

#include "tock.h"

#define DRIVER_NUM_TEMPERATURE 0x60000
#define DRIVER_NUM_HUMIDITY 0x60001
#define DRIVER_NUM_AMBIENT_LIGHT 0x60002
#define DRIVER_NUM_NINEDOF 0x60004

#define NINEDOF_ACCELEROMETER 1
#define NINEDOF_MAGNETOMETER 100
#define NINEDOF_GYROSCOPE 200

typedef struct {
    volatile bool done;
    int x, y, z;
} sensor_result_t;

static void sensor_upcall(int a0, int a1, int a2, void* ud) {
    sensor_result_t* r = ud;
    r->x = a0;
    r->y = a1;
    r->z = a2;
    r->done = true;
}

// Subscribes `r` and issues the command that starts a reading; does not wait.
static inline int sensor_start(uint32_t driver, uint32_t command_num, sensor_result_t* r) {
    r->done = false;
    subscribe_return_t s = subscribe(driver, 0, sensor_upcall, r);
    if (!s.success) return tock_status_to_returncode(s.status);
    return tock_command_return_novalue_to_returncode(command(driver, command_num, 0, 0));
}

// Starts a reading and yields until its upcall; *r holds the values on success.
static inline int sensor_read_sync(uint32_t driver, uint32_t command_num, sensor_result_t* r) {
    int rc = sensor_start(driver, command_num, r);
    if (rc != RETURNCODE_SUCCESS) return rc;
    yield_for(&r->done);
    return RETURNCODE_SUCCESS;
}
