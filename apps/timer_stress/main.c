// timer_stress: 24 repeating userspace timers with distinct periods in flight at once over the
// one kernel alarm. A firing is "early" if it comes before its schedule (start + k * period;
// periodic timers do not drift). After 1 s of virtual time it checks each timer fired exactly as
// often as its schedule allows before the stop time (one less is accepted when the last
// firing's upcall arrives after the stop timer's).
#include "alarm.h"
#include "console.h"

#define TIMERS 24
#define RUN_MS 1000u

static tock_timer_t timers[TIMERS];
static unsigned fired[TIMERS];
static uint32_t first_reference[TIMERS];
static unsigned early;
static volatile bool finished;
static tock_timer_t stop_timer;
// Initialised pointers in RAM: exercises the relocation block crt0 applies at start-up.
static const char* verdicts[] = {"PASS", "FAIL"};

static uint32_t period_ms(int i) {
    return 7u + 9u * (uint32_t)i;
}  // 7, 16, 25, ... 214 ms

static void on_timer(uint32_t now, void* ud) {
    int i = (int)(intptr_t)ud;
    ++fired[i];
    if (now - first_reference[i] < fired[i] * timers[i].period) ++early;
}

static void on_stop(uint32_t now, void* ud) {
    (void)now, (void)ud;
    for (int i = 0; i < TIMERS; ++i) timer_cancel(&timers[i]);
    finished = true;
}

int main(void) {
    uint32_t hz = 0;
    alarm_frequency(&hz);
    printf("timer_stress: %d timers, alarm at %u Hz\n", TIMERS, (unsigned)hz);
    for (int i = 0; i < TIMERS; ++i) {
        timer_every(&timers[i], period_ms(i), on_timer, (void*)(intptr_t)i);
        first_reference[i] = timers[i].reference;
    }
    timer_in(&stop_timer, RUN_MS, on_stop, NULL);
    yield_for(&finished);

    unsigned total = 0, wrong = 0;
    for (int i = 0; i < TIMERS; ++i) {
        uint32_t stop_at = stop_timer.reference + stop_timer.dt;
        unsigned expected = (stop_at - first_reference[i]) / timers[i].period;
        bool ok = fired[i] == expected || fired[i] + 1 == expected;
        if (!ok) {
            ++wrong;
            printf("timer_stress: timer %d (%u ms) fired %u times, expected %u\n", i,
                   (unsigned)period_ms(i), fired[i], expected);
        }
        total += fired[i];
    }
    printf("timer_stress: %u firings, %u timers off count, %u early\n", total, wrong, early);
    printf("timer_stress: %s\n", verdicts[wrong == 0 && early == 0 ? 0 : 1]);
    return 0;
}
