// sensors_check: the error paths of the sensor drivers, one line per check.
//   - each driver: a reading, with a second request made before the upcall (BUSY for that
//     process) -> "sensors_check: <name> <value> (again: BUSY)", or the error of the first
//     request (NODEVICE when the sensor did not answer on the I2C bus)
//   - ninedof gyroscope -> NOSUPPORT; unknown command 7 -> NOSUPPORT
// Ends with "sensors_check: done".
#include "../sensors/sensor_syscalls.h"
#include "console.h"

static void check(const char* name, uint32_t driver, uint32_t command_num) {
    sensor_result_t r;
    int rc = sensor_start(driver, command_num, &r);
    if (rc != RETURNCODE_SUCCESS) {
        printf("sensors_check: %s %s\n", name, tock_strerror(rc));
        return;
    }
    int again = tock_command_return_novalue_to_returncode(command(driver, command_num, 0, 0));
    yield_for(&r.done);
    if (driver == DRIVER_NUM_NINEDOF) {
        printf("sensors_check: %s %d %d %d (again: %s)\n", name, r.x, r.y, r.z,
               tock_strerror(again));
    } else {
        printf("sensors_check: %s %d (again: %s)\n", name, r.x, tock_strerror(again));
    }
}

int main(void) {
    check("temperature", DRIVER_NUM_TEMPERATURE, 1);
    check("humidity", DRIVER_NUM_HUMIDITY, 1);
    check("light", DRIVER_NUM_AMBIENT_LIGHT, 1);
    check("accelerometer", DRIVER_NUM_NINEDOF, NINEDOF_ACCELEROMETER);
    check("magnetometer", DRIVER_NUM_NINEDOF, NINEDOF_MAGNETOMETER);
    check("gyroscope", DRIVER_NUM_NINEDOF, NINEDOF_GYROSCOPE);
    check("temperature command 7", DRIVER_NUM_TEMPERATURE, 7);
    printf("sensors_check: done\n");
    return 0;
}
