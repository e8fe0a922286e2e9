#pragma once
// SAM4L GPIO controller (0x400E_1000 + 0x200 * port, sam4l.md §9). Each register group has
// value / set / clear / toggle addresses (+0, +4, +8, +C); the driver only writes the set/clear
// forms, so no read-modify-write races with interrupt handlers.
// Interrupts: one NVIC line per 8 pins (IRQ 25 + port * 4 + pin / 8); IFR is cleared via IFRC.
#include <cstdint>

#include "hil/gpio.hpp"

namespace sam4l {

enum class Port : std::uint8_t { kA = 0, kB = 1, kC = 2 };

// Peripheral function letters of the pin mux (PMR2:PMR1:PMR0).
enum class PeripheralFunction : std::uint8_t { kA = 0, kB, kC, kD, kE, kF, kG };

class GpioPin final : public hil::InterruptPin {
  public:
    constexpr GpioPin() = default;
    constexpr GpioPin(Port port, std::uint8_t pin) : port_(port), pin_(pin) {}

    // Hands the pin to a peripheral (GPERC + PMRn).
    void select_peripheral(PeripheralFunction function);
    // Back to GPIO control (GPERS), direction unchanged.
    void enable_gpio();

    void make_output() override;
    void make_input() override;
    void set_floating_state(hil::FloatingState state) override;
    void deactivate_to_low_power() override;
    void set() override;
    void clear() override;
    bool toggle() override;
    bool read() const override;

    void set_client(hil::InterruptPinClient* client, std::uint32_t identifier) override {
        client_ = client;
        identifier_ = identifier;
    }
    void enable_interrupts(hil::InterruptEdge edge) override;
    void disable_interrupts() override;
    bool is_pending() const override;

    // Called by the port's interrupt bottom half after IFR has been cleared.
    void fire() const {
        if (client_ != nullptr) client_->pin_fired(identifier_);
    }

  private:
    std::uintptr_t reg(std::uint32_t offset) const;
    std::uint32_t mask() const { return 1u << pin_; }

    Port port_ = Port::kA;
    std::uint8_t pin_ = 0;
    hil::InterruptPinClient* client_ = nullptr;
    std::uint32_t identifier_ = 0;
};

// Every pin of the chip: PA00-PA31, PB00-PB31 (PB16+ unbonded), PC00-PC31.
GpioPin& gpio_pin(Port port, unsigned pin);

namespace gpio {
inline constexpr unsigned kFirstIrq = 25;
inline constexpr unsigned kIrqCount = 12;
// IRQ bottom half for GPIO lines 25..36.
void handle_interrupt(unsigned irq);
// True when some pin interrupt is enabled (deep sleep would stop the edge detection clock).
bool any_interrupt_enabled();
}  // namespace gpio

}  // namespace sam4l
