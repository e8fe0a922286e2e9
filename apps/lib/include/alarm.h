// Alarm driver (0x0) and userspace timers virtualised over the one kernel alarm per process,
// as libtock-c does: timers are kept in a list sorted by expiry and the kernel alarm is always
// set for the earliest one (command 6: reference + dt).
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "tock.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_ALARM 0x0

typedef void(timer_callback)(uint32_t now, void* userdata);

typedef struct tock_timer {
    uint32_t reference;  // ticks
    uint32_t dt;         // ticks
    uint32_t period;     // ticks; 0 = one-shot
    timer_callback* callback;
    void* userdata;
    struct tock_timer* next;
    bool armed;
} tock_timer_t;

int alarm_frequency(uint32_t* hz);
int alarm_now(uint32_t* ticks);
uint32_t alarm_ms_to_ticks(uint32_t ms);
// One-shot after `ms`, or every `ms` (repeating); the callback runs from an upcall.
void timer_in(tock_timer_t* t, uint32_t ms, timer_callback* cb, void* userdata);
void timer_every(tock_timer_t* t, uint32_t ms, timer_callback* cb, void* userdata);
void timer_cancel(tock_timer_t* t);
// Blocks (yield-wait) for `ms` milliseconds.
int delay_ms(uint32_t ms);

#ifdef __cplusplus
}
#endif
