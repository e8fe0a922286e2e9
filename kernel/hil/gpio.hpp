#pragma once
// GPIO HIL (Tock: kernel/src/hil/gpio.rs): one pin, optionally with an edge interrupt.
#include <cstdint>

namespace hil {

enum class FloatingState : std::uint8_t { kPullNone, kPullUp, kPullDown };
enum class InterruptEdge : std::uint8_t { kEitherEdge, kRisingEdge, kFallingEdge };

class Pin {
  public:
    virtual void make_output() = 0;
    virtual void make_input() = 0;
    virtual void set_floating_state(FloatingState state) = 0;
    // Input and output drivers off, no pull: the pin draws no current.
    virtual void deactivate_to_low_power() = 0;
    virtual void set() = 0;
    virtual void clear() = 0;
    // Returns the new level.
    virtual bool toggle() = 0;
    virtual bool read() const = 0;

  protected:
    ~Pin() = default;
};

class InterruptPinClient {
  public:
    // `identifier` is the value given to set_client(), so one client can serve many pins.
    virtual void pin_fired(std::uint32_t identifier) = 0;

  protected:
    ~InterruptPinClient() = default;
};

class InterruptPin : public Pin {
  public:
    virtual void set_client(InterruptPinClient* client, std::uint32_t identifier) = 0;
    virtual void enable_interrupts(InterruptEdge edge) = 0;
    virtual void disable_interrupts() = 0;
    virtual bool is_pending() const = 0;

  protected:
    ~InterruptPin() = default;
};

}  // namespace hil
