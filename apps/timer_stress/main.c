// timer_stress: 24 repeating userspace timers with distinct periods in flight at once over the
// one kernel alarm. Each timer checks that it fires no earlier than its period after the last
// firing. After 1 s of virtual time it prints how often each fired and whether the count is the
// one the period predicts (floor(1000 / period), allowing one less for a late last firing).
#include "alarm.h"
#include "console.h"

#define TIMERS 24
#define RUN_MS 1000u

static tock_timer_t timers[TIMERS];
static unsigned fired[TIMERS];
static uint32_t last[TIMERS];
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
    uint32_t min_gap = alarm_ms_to_ticks(period_ms(i));
    if (fired[i] > 0 && now - last[i] < min_gap - 1) ++early;
    last[i] = now;
    ++fired[i];
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
    uint32_t start = 0;
    alarm_now(&start);
    for (int i = 0; i < TIMERS; ++i) {
        last[i] = start;
        timer_every(&timers[i], period_ms(i), on_timer, (void*)(intptr_t)i);
    }
    timer_in(&stop_timer, RUN_MS, on_stop, NULL);
    yield_for(&finished);

    unsigned total = 0, wrong = 0;
    for (int i = 0; i < TIMERS; ++i) {
        unsigned expected = RUN_MS / period_ms(i);
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
