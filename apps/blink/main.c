// blink: counts in binary on the board's LEDs, one step every 250 ms (as libtock-c's blink).
#include "alarm.h"
#include "console.h"
#include "peripherals.h"

int main(void) {
    int leds = 0;
    int rc = led_count(&leds);
    if (rc != RETURNCODE_SUCCESS || leds == 0) {
        printf("blink: no LEDs (%s)\n", tock_strerror(rc));
        return -1;
    }
    printf("blink: %d LEDs, stepping every 250 ms\n", leds);
    for (unsigned count = 0;; ++count) {
        for (int i = 0; i < leds; ++i) {
            if (count & (1u << i)) {
                led_on(i);
            } else {
                led_off(i);
            }
        }
        delay_ms(250);
    }
}
