#pragma once
// LED HIL (Tock: kernel/src/hil/led.rs): an LED on a GPIO pin, with the board's polarity hidden.
#include "hil/gpio.hpp"

namespace hil {

class Led {
  public:
    virtual void init() = 0;
    virtual void on() = 0;
    virtual void off() = 0;
    virtual void toggle() = 0;
    virtual bool read() const = 0;

  protected:
    ~Led() = default;
};

// An LED wired to a pin; active_low = the LED lights when the pin is driven low (Hail's LEDs).
class LedPin final : public Led {
  public:
    LedPin(Pin& pin, bool active_low) : pin_(pin), active_low_(active_low) {}

    void init() override {
        pin_.make_output();
        off();
    }
    void on() override { drive(true); }
    void off() override { drive(false); }
    void toggle() override { pin_.toggle(); }
    bool read() const override { return pin_.read() != active_low_; }

  private:
    void drive(bool lit) {
        if (lit != active_low_) {
            pin_.set();
        } else {
            pin_.clear();
        }
    }

    Pin& pin_;
    bool active_low_;
};

}  // namespace hil
