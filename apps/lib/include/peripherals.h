// LED (0x2), button (0x3), GPIO (0x4), RNG (0x40001) and SPI controller (0x20001): one small
// function per command, numbers as the capsule headers document them (tock-abi.md §2).
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tock.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_LED 0x2
#define DRIVER_NUM_BUTTON 0x3
#define DRIVER_NUM_GPIO 0x4
#define DRIVER_NUM_RNG 0x40001
#define DRIVER_NUM_SPI 0x20001

int led_count(int* count);
int led_on(int index);
int led_off(int index);
int led_toggle(int index);

int button_count(int* count);
int button_enable_interrupt(int index);
int button_disable_interrupt(int index);
int button_read(int index, int* pressed);
int button_subscribe(subscribe_upcall* cb, void* userdata);  // upcall (index, pressed, 0)

typedef enum { GPIO_PULL_NONE = 0, GPIO_PULL_UP = 1, GPIO_PULL_DOWN = 2 } gpio_pull_t;
typedef enum { GPIO_EDGE_EITHER = 0, GPIO_EDGE_RISING = 1, GPIO_EDGE_FALLING = 2 } gpio_edge_t;
int gpio_count(int* count);
int gpio_enable_output(int pin);
int gpio_set(int pin);
int gpio_clear(int pin);
int gpio_toggle(int pin);
int gpio_enable_input(int pin, gpio_pull_t pull);
int gpio_read(int pin, int* value);
int gpio_enable_interrupt(int pin, gpio_edge_t edge);
int gpio_disable_interrupt(int pin);
int gpio_disable(int pin);
int gpio_subscribe(subscribe_upcall* cb, void* userdata);  // upcall (pin, level, 0)

// Fills `buf` with `len` random bytes (blocking); returns bytes filled or a returncode.
int rng_get_random(uint8_t* buf, size_t len);

int spi_set_rate(uint32_t bps);
int spi_get_rate(uint32_t* bps);
int spi_set_phase(bool sample_on_trailing);
int spi_set_polarity(bool idle_high);
// Full-duplex transfer of `len` bytes (DMA in the kernel); rx may be NULL. Blocking.
int spi_read_write(const uint8_t* tx, uint8_t* rx, size_t len);

#ifdef __cplusplus
}
#endif
