/* GPIO toggle and pin interrupt from an injected input.
   1. PA13 (the red LED) is made an output and toggled 6 times through OVRT; PVR must follow.
   2. PA16 (the button) is made an input with a falling-edge interrupt (IMR1:IMR0 = 10) on NVIC
      line GPIO_2 (27); the firmware then sleeps. The host presses the button
      (set_gpio_input(0, 16, false)); the handler checks IFR, clears it with IFRC and the
      firmware exits with the number of failed checks. */
#include "sam4l_sys.h"

#define LED (1u << 13)
#define BUTTON (1u << 16)

static volatile int pressed;
static volatile uint32_t seen_ifr;

void irq_handler(void) {
    if (current_irq() != GPIO_IRQ(0, 16)) sh_exit(90);
    seen_ifr = GPIO_IFR(0);
    GPIO_IFRC(0) = BUTTON;
    pressed = 1;
}

int main(void) {
    int failures = 0;
    GPIO_OVRS(0) = LED; /* LED off (active low) before the pin is driven */
    GPIO_GPERS(0) = LED;
    GPIO_ODERS(0) = LED;
    for (int i = 0; i < 6; ++i) {
        const uint32_t before = GPIO_PVR(0) & LED;
        GPIO_OVRT(0) = LED;
        if ((GPIO_PVR(0) & LED) == before) ++failures;
    }

    GPIO_GPERS(0) = BUTTON;
    GPIO_ODERC(0) = BUTTON;
    GPIO_STERS(0) = BUTTON;
    GPIO_PUERC(0) = BUTTON;
    GPIO_IMR0C(0) = BUTTON;
    GPIO_IMR1S(0) = BUTTON; /* falling edge */
    if (!(GPIO_PVR(0) & BUTTON)) ++failures; /* released button reads 1 (board pull-up) */
    GPIO_IERS(0) = BUTTON;
    nvic_enable(GPIO_IRQ(0, 16));
    sh_print("waiting for the button");
    wait_for(&pressed);
    if (seen_ifr != BUTTON) ++failures;
    if (GPIO_IFR(0) != 0) ++failures;
    if (GPIO_PVR(0) & BUTTON) ++failures; /* still pressed */
    sh_kv("ifr", seen_ifr);
    return failures;
}
