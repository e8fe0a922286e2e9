// buttons: enables interrupts on every button and prints each press and release.
#include "console.h"
#include "peripherals.h"

static void on_button(int index, int pressed, int unused, void* ud) {
    (void)unused, (void)ud;
    printf("buttons: button %d %s\n", index, pressed ? "pressed" : "released");
}

int main(void) {
    int count = 0;
    int rc = button_count(&count);
    if (rc != RETURNCODE_SUCCESS) {
        printf("buttons: no button driver (%s)\n", tock_strerror(rc));
        return rc;
    }
    button_subscribe(on_button, NULL);
    for (int i = 0; i < count; ++i) button_enable_interrupt(i);
    printf("buttons: %d button(s) ready\n", count);
    for (;;) yield();
}
