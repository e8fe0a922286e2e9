// sensors: libtock-c's examples/sensors on our runtime. Finds which sensor drivers exist,
// probes the ninedof's three quantities once, then samples every sensor once a second and
// prints the readings in libtock-c's format (whole degrees, whole percent, lux, milli-g).
// It also prints the temperature and humidity to two decimals, which the example does not.
#include "alarm.h"
#include "console.h"
#include "sensor_syscalls.h"

static bool light, temperature, humidity, accel, magnetometer, gyro;

static int read1(uint32_t driver, int* value) {
    sensor_result_t r;
    int rc = sensor_read_sync(driver, 1, &r);
    if (rc == RETURNCODE_SUCCESS) *value = r.x;
    return rc;
}

static void sample(void) {
    int lite = 0, temp = 0, humi = 0;
    sensor_result_t a = {false, 0, 0, 0}, m = {false, 0, 0, 0}, g = {false, 0, 0, 0};

    if (light) read1(DRIVER_NUM_AMBIENT_LIGHT, &lite);
    if (temperature) read1(DRIVER_NUM_TEMPERATURE, &temp);
    if (humidity) read1(DRIVER_NUM_HUMIDITY, &humi);
    if (accel) sensor_read_sync(DRIVER_NUM_NINEDOF, NINEDOF_ACCELEROMETER, &a);
    if (magnetometer) sensor_read_sync(DRIVER_NUM_NINEDOF, NINEDOF_MAGNETOMETER, &m);
    if (gyro) sensor_read_sync(DRIVER_NUM_NINEDOF, NINEDOF_GYROSCOPE, &g);

    if (light) printf("Amb. Light: Light Intensity: %d\n", lite);
    if (temperature) printf("Temperature:                 %d deg C\n", temp / 100);
    if (humidity) printf("Humidity:                    %u%%\n", (unsigned)humi / 100);
    if (accel) printf("Acceleration: X: %d Y: %d Z: %d\n", a.x, a.y, a.z);
    if (magnetometer) printf("Magnetometer: X: %d Y: %d Z: %d\n", m.x, m.y, m.z);
    if (gyro) printf("Gyro:         X: %d Y: %d Z: %d\n", g.x, g.y, g.z);
    if (temperature && humidity) {
        int t = temp < 0 ? -temp : temp;
        printf("[Sensors] %s%d.%02d C, %u.%02u %%RH\n", temp < 0 ? "-" : "", t / 100, t % 100,
               (unsigned)humi / 100, (unsigned)humi % 100);
    }
    printf("\n");
}

int main(void) {
    printf("[Sensors] Starting Sensors App.\n");
    printf("[Sensors] All available sensors on the platform will be sampled.\n");

    light = driver_exists(DRIVER_NUM_AMBIENT_LIGHT);
    temperature = driver_exists(DRIVER_NUM_TEMPERATURE);
    humidity = driver_exists(DRIVER_NUM_HUMIDITY);
    if (driver_exists(DRIVER_NUM_NINEDOF)) {
        sensor_result_t r;
        accel = sensor_read_sync(DRIVER_NUM_NINEDOF, NINEDOF_ACCELEROMETER, &r) == 0;
        magnetometer = sensor_read_sync(DRIVER_NUM_NINEDOF, NINEDOF_MAGNETOMETER, &r) == 0;
        gyro = sensor_read_sync(DRIVER_NUM_NINEDOF, NINEDOF_GYROSCOPE, &r) == 0;
    }

    if (light) printf("[Sensors]   Sampling Ambient Light sensor.\n");
    if (temperature) printf("[Sensors]   Sampling Temperature sensor.\n");
    if (humidity) printf("[Sensors]   Sampling Humidity sensor.\n");
    if (accel) printf("[Sensors]   Sampling Accelerometer.\n");
    if (magnetometer) printf("[Sensors]   Sampling Magnetometer.\n");
    if (gyro) printf("[Sensors]   Sampling Gyroscope.\n");

    while (1) {
        delay_ms(1000);
        sample();
    }
}
