// LED, button, GPIO, RNG and SPI drivers: one function per command (see peripherals.h).
#include "peripherals.h"

static int novalue(uint32_t driver, uint32_t cmd, int a0, int a1) {
    return tock_command_return_novalue_to_returncode(command(driver, cmd, a0, a1));
}

static int u32_value(uint32_t driver, uint32_t cmd, int a0, int a1, int* out) {
    uint32_t v = 0;
    int rc = tock_command_return_u32_to_returncode(command(driver, cmd, a0, a1), &v);
    if (rc == RETURNCODE_SUCCESS && out) *out = (int)v;
    return rc;
}

// LED (0x2): command 0 answers Success-u32 with the count (legacy, tock-abi.md §2.4).
int led_count(int* count) {
    return u32_value(DRIVER_NUM_LED, 0, 0, 0, count);
}
int led_on(int index) {
    return novalue(DRIVER_NUM_LED, 1, index, 0);
}
int led_off(int index) {
    return novalue(DRIVER_NUM_LED, 2, index, 0);
}
int led_toggle(int index) {
    return novalue(DRIVER_NUM_LED, 3, index, 0);
}

// Button (0x3)
int button_count(int* count) {
    return u32_value(DRIVER_NUM_BUTTON, 0, 0, 0, count);
}
int button_enable_interrupt(int index) {
    return novalue(DRIVER_NUM_BUTTON, 1, index, 0);
}
int button_disable_interrupt(int index) {
    return novalue(DRIVER_NUM_BUTTON, 2, index, 0);
}
int button_read(int index, int* pressed) {
    return u32_value(DRIVER_NUM_BUTTON, 3, index, 0, pressed);
}
int button_subscribe(subscribe_upcall* cb, void* ud) {
    subscribe_return_t r = subscribe(DRIVER_NUM_BUTTON, 0, cb, ud);
    return r.success ? RETURNCODE_SUCCESS : tock_status_to_returncode(r.status);
}

// GPIO (0x4)
int gpio_count(int* count) {
    return u32_value(DRIVER_NUM_GPIO, 10, 0, 0, count);
}
int gpio_enable_output(int pin) {
    return novalue(DRIVER_NUM_GPIO, 1, pin, 0);
}
int gpio_set(int pin) {
    return novalue(DRIVER_NUM_GPIO, 2, pin, 0);
}
int gpio_clear(int pin) {
    return novalue(DRIVER_NUM_GPIO, 3, pin, 0);
}
int gpio_toggle(int pin) {
    return novalue(DRIVER_NUM_GPIO, 4, pin, 0);
}
int gpio_enable_input(int pin, gpio_pull_t pull) {
    return novalue(DRIVER_NUM_GPIO, 5, pin, pull);
}
int gpio_read(int pin, int* value) {
    return u32_value(DRIVER_NUM_GPIO, 6, pin, 0, value);
}
int gpio_enable_interrupt(int pin, gpio_edge_t edge) {
    return novalue(DRIVER_NUM_GPIO, 7, pin, edge);
}
int gpio_disable_interrupt(int pin) {
    return novalue(DRIVER_NUM_GPIO, 8, pin, 0);
}
int gpio_disable(int pin) {
    return novalue(DRIVER_NUM_GPIO, 9, pin, 0);
}
int gpio_subscribe(subscribe_upcall* cb, void* ud) {
    subscribe_return_t r = subscribe(DRIVER_NUM_GPIO, 0, cb, ud);
    return r.success ? RETURNCODE_SUCCESS : tock_status_to_returncode(r.status);
}

// Split-phase completion shared by RNG and SPI: upcall arg1 (RNG) / arg0 (SPI) is the count.
typedef struct {
    volatile bool done;
    int a0, a1;
} completion_t;

static void complete(int a0, int a1, int a2, void* ud) {
    (void)a2;
    completion_t* c = ud;
    c->a0 = a0;
    c->a1 = a1;
    c->done = true;
}

// RNG (0x40001): RW allow 0 is filled; command 1 (n) starts; upcall 0 (0, filled, 0).
int rng_get_random(uint8_t* buf, size_t len) {
    completion_t c = {false, 0, 0};
    subscribe_return_t s = subscribe(DRIVER_NUM_RNG, 0, complete, &c);
    if (!s.success) return tock_status_to_returncode(s.status);
    allow_rw_return_t a = allow_readwrite(DRIVER_NUM_RNG, 0, buf, len);
    if (!a.success) return tock_status_to_returncode(a.status);
    int rc = novalue(DRIVER_NUM_RNG, 1, (int)len, 0);
    if (rc == RETURNCODE_SUCCESS) {
        yield_for(&c.done);
        rc = c.a1;
    }
    allow_readwrite(DRIVER_NUM_RNG, 0, NULL, 0);
    subscribe(DRIVER_NUM_RNG, 0, NULL, NULL);
    return rc;
}

// SPI controller (0x20001): RO allow 0 = TX, RW allow 0 = RX; command 2 (len) transfers;
// upcall 0 (len, 0, 0).
int spi_set_rate(uint32_t bps) {
    return novalue(DRIVER_NUM_SPI, 5, (int)bps, 0);
}
int spi_get_rate(uint32_t* bps) {
    return u32_value(DRIVER_NUM_SPI, 6, 0, 0, (int*)bps);
}
int spi_set_phase(bool trailing) {
    return novalue(DRIVER_NUM_SPI, 7, trailing, 0);
}
int spi_set_polarity(bool idle_high) {
    return novalue(DRIVER_NUM_SPI, 9, idle_high, 0);
}

int spi_read_write(const uint8_t* tx, uint8_t* rx, size_t len) {
    completion_t c = {false, 0, 0};
    subscribe_return_t s = subscribe(DRIVER_NUM_SPI, 0, complete, &c);
    if (!s.success) return tock_status_to_returncode(s.status);
    allow_ro_return_t t = allow_readonly(DRIVER_NUM_SPI, 0, tx, len);
    if (!t.success) return tock_status_to_returncode(t.status);
    if (rx) {
        allow_rw_return_t r = allow_readwrite(DRIVER_NUM_SPI, 0, rx, len);
        if (!r.success) return tock_status_to_returncode(r.status);
    }
    int rc = novalue(DRIVER_NUM_SPI, 2, (int)len, 0);
    if (rc == RETURNCODE_SUCCESS) {
        yield_for(&c.done);
        rc = c.a0;
    }
    allow_readonly(DRIVER_NUM_SPI, 0, NULL, 0);
    if (rx) allow_readwrite(DRIVER_NUM_SPI, 0, NULL, 0);
    return rc;
}
