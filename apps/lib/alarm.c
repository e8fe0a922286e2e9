// Alarm driver (0x0) and virtual timers over the one kernel alarm (see alarm.h).
//
// Times are 32-bit tick counters that wrap; a timer has expired when `now - reference >= dt`,
// which stays right across the wrap as long as dt < 2^31.
#include "alarm.h"

static tock_timer_t* timers;  // armed timers, earliest expiry first
static bool subscribed;

int alarm_frequency(uint32_t* hz) {
    return tock_command_return_u32_to_returncode(command(DRIVER_NUM_ALARM, 1, 0, 0), hz);
}

int alarm_now(uint32_t* ticks) {
    return tock_command_return_u32_to_returncode(command(DRIVER_NUM_ALARM, 2, 0, 0), ticks);
}

uint32_t alarm_ms_to_ticks(uint32_t ms) {
    uint32_t hz = 0;
    if (alarm_frequency(&hz) != RETURNCODE_SUCCESS) return 0;
    return (uint32_t)(((uint64_t)ms * hz) / 1000u);
}

// Ticks until `t` expires, 0 once it has. `now` may be older than the timer's reference (an
// upcall's time argument is read before timers started later in the same upcall), so the
// difference is taken as signed: a timer whose reference is still ahead has not started.
static uint32_t remaining(const tock_timer_t* t, uint32_t now) {
    int32_t elapsed = (int32_t)(now - t->reference);
    if (elapsed < 0) return t->dt + (uint32_t)-elapsed;
    return (uint32_t)elapsed >= t->dt ? 0 : t->dt - (uint32_t)elapsed;
}

static void insert(tock_timer_t* t, uint32_t now) {
    tock_timer_t** at = &timers;
    while (*at && remaining(*at, now) <= remaining(t, now)) at = &(*at)->next;
    t->next = *at;
    *at = t;
    t->armed = true;
}

static void unlink_timer(tock_timer_t* t) {
    for (tock_timer_t** at = &timers; *at; at = &(*at)->next) {
        if (*at == t) {
            *at = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = false;
}

static void arm_kernel_alarm(void) {
    if (!timers) {
        command(DRIVER_NUM_ALARM, 3, 0, 0);  // stop; ALREADY if none armed is fine
        return;
    }
    command(DRIVER_NUM_ALARM, 6, (int)timers->reference, (int)timers->dt);
}

static void alarm_upcall(int now_arg, int expiration, int unused, void* ud) {
    (void)expiration, (void)unused, (void)ud;
    uint32_t now = (uint32_t)now_arg;
    // Fire every expired timer; a callback may add or cancel timers, so restart the scan.
    while (timers && remaining(timers, now) == 0) {
        tock_timer_t* t = timers;
        unlink_timer(t);
        if (t->period) {
            t->reference += t->dt;
            t->dt = t->period;
            insert(t, now);
        }
        t->callback(now, t->userdata);
        alarm_now(&now);
    }
    arm_kernel_alarm();
}

static void start(tock_timer_t* t, uint32_t ms, bool repeat, timer_callback* cb, void* ud) {
    if (!subscribed) {
        subscribe(DRIVER_NUM_ALARM, 0, alarm_upcall, NULL);
        subscribed = true;
    }
    if (t->armed) unlink_timer(t);
    uint32_t now = 0;
    alarm_now(&now);
    t->reference = now;
    t->dt = alarm_ms_to_ticks(ms);
    t->period = repeat ? t->dt : 0;
    t->callback = cb;
    t->userdata = ud;
    insert(t, now);
    arm_kernel_alarm();
}

void timer_in(tock_timer_t* t, uint32_t ms, timer_callback* cb, void* ud) {
    start(t, ms, false, cb, ud);
}

void timer_every(tock_timer_t* t, uint32_t ms, timer_callback* cb, void* ud) {
    start(t, ms, true, cb, ud);
}

void timer_cancel(tock_timer_t* t) {
    if (!t->armed) return;
    unlink_timer(t);
    arm_kernel_alarm();
}

static void delay_done(uint32_t now, void* ud) {
    (void)now;
    *(volatile bool*)ud = true;
}

int delay_ms(uint32_t ms) {
    volatile bool done = false;
    tock_timer_t t = {0};
    timer_in(&t, ms, delay_done, (void*)&done);
    yield_for(&done);
    return RETURNCODE_SUCCESS;
}
