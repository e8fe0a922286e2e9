#include "chips/sam4l/gpio.hpp"

#include <array>
#include <cstddef>
#include <utility>

#include "chips/sam4l/mmio.hpp"

namespace sam4l {
namespace {

constexpr std::uintptr_t kGpioBase = 0x400E'1000;
constexpr std::uintptr_t kPortStride = 0x200;
constexpr unsigned kPortCount = 3;
constexpr unsigned kPinsPerPort = 32;
constexpr unsigned kPinsPerIrq = 8;

// Register groups, in datasheet order; +kSet / +kClear / +kToggle select the W1 forms.
constexpr std::uint32_t kGper = 0x000;
constexpr std::uint32_t kPmr0 = 0x010;
constexpr std::uint32_t kPmr1 = 0x020;
constexpr std::uint32_t kPmr2 = 0x030;
constexpr std::uint32_t kOder = 0x040;
constexpr std::uint32_t kOvr = 0x050;
constexpr std::uint32_t kPvr = 0x060;
constexpr std::uint32_t kPuer = 0x070;
constexpr std::uint32_t kPder = 0x080;
constexpr std::uint32_t kIer = 0x090;
constexpr std::uint32_t kImr0 = 0x0A0;
constexpr std::uint32_t kImr1 = 0x0B0;
constexpr std::uint32_t kIfr = 0x0D0;
constexpr std::uint32_t kSter = 0x160;
constexpr std::uint32_t kSet = 0x4;
constexpr std::uint32_t kClear = 0x8;
constexpr std::uint32_t kToggle = 0xC;

template <std::size_t... I>
constexpr std::array<GpioPin, sizeof...(I)> make_pins(std::index_sequence<I...>) {
    return {GpioPin(static_cast<Port>(I / kPinsPerPort),
                    static_cast<std::uint8_t>(I % kPinsPerPort))...};
}

// Statically initialised (no constructor runs at boot).
constinit std::array<GpioPin, kPortCount* kPinsPerPort> g_pins =
    make_pins(std::make_index_sequence<kPortCount * kPinsPerPort>());

void write(std::uintptr_t address, std::uint32_t value) {
    Reg{address}.write(value);
}

}  // namespace

GpioPin& gpio_pin(Port port, unsigned pin) {
    return g_pins[(static_cast<unsigned>(port) % kPortCount) * kPinsPerPort + pin % kPinsPerPort];
}

std::uintptr_t GpioPin::reg(std::uint32_t offset) const {
    return kGpioBase + kPortStride * static_cast<unsigned>(port_) + offset;
}

void GpioPin::select_peripheral(PeripheralFunction function) {
    const auto f = static_cast<unsigned>(function);
    write(reg(kGper + kClear), mask());
    write(reg(kPmr0 + ((f & 1) ? kSet : kClear)), mask());
    write(reg(kPmr1 + ((f & 2) ? kSet : kClear)), mask());
    write(reg(kPmr2 + ((f & 4) ? kSet : kClear)), mask());
}

void GpioPin::enable_gpio() {
    write(reg(kGper + kSet), mask());
}

void GpioPin::make_output() {
    write(reg(kGper + kSet), mask());
    write(reg(kOder + kSet), mask());
    write(reg(kSter + kClear), mask());
}

void GpioPin::make_input() {
    write(reg(kGper + kSet), mask());
    write(reg(kOder + kClear), mask());
    write(reg(kSter + kSet), mask());
}

void GpioPin::set_floating_state(hil::FloatingState state) {
    const bool up = state == hil::FloatingState::kPullUp;
    const bool down = state == hil::FloatingState::kPullDown;
    write(reg(kPuer + (up ? kSet : kClear)), mask());
    write(reg(kPder + (down ? kSet : kClear)), mask());
}

void GpioPin::deactivate_to_low_power() {
    disable_interrupts();
    write(reg(kGper + kSet), mask());
    write(reg(kOder + kClear), mask());
    write(reg(kSter + kClear), mask());
    set_floating_state(hil::FloatingState::kPullNone);
}

void GpioPin::set() {
    write(reg(kOvr + kSet), mask());
}
void GpioPin::clear() {
    write(reg(kOvr + kClear), mask());
}

bool GpioPin::toggle() {
    write(reg(kOvr + kToggle), mask());
    return (Reg{reg(kOvr)}.read() & mask()) != 0;
}

bool GpioPin::read() const {
    return (Reg{reg(kPvr)}.read() & mask()) != 0;
}

void GpioPin::enable_interrupts(hil::InterruptEdge edge) {
    // (IMR1, IMR0): 00 pin change, 01 rising edge, 10 falling edge.
    const bool imr0 = edge == hil::InterruptEdge::kRisingEdge;
    const bool imr1 = edge == hil::InterruptEdge::kFallingEdge;
    write(reg(kIer + kClear), mask());
    write(reg(kImr0 + (imr0 ? kSet : kClear)), mask());
    write(reg(kImr1 + (imr1 ? kSet : kClear)), mask());
    // IFRC only clears the flag of a pin whose interrupt is enabled, so a flag left from an
    // earlier edge is cleared right after IER: a line it raised meanwhile finds no fired pin.
    write(reg(kIer + kSet), mask());
    write(reg(kIfr + kClear), mask());
}

void GpioPin::disable_interrupts() {
    // Flag first, while IER still lets IFRC clear it.
    write(reg(kIfr + kClear), mask());
    write(reg(kIer + kClear), mask());
}

bool GpioPin::is_pending() const {
    return (Reg{reg(kIfr)}.read() & mask()) != 0;
}

namespace gpio {

void handle_interrupt(unsigned irq) {
    if (irq < kFirstIrq || irq >= kFirstIrq + kIrqCount) return;
    const unsigned line = irq - kFirstIrq;
    const unsigned port = line / (kPinsPerPort / kPinsPerIrq);
    const unsigned first_pin = (line % (kPinsPerPort / kPinsPerIrq)) * kPinsPerIrq;
    const std::uintptr_t base = kGpioBase + kPortStride * port;
    const std::uint32_t group = 0xFFu << first_pin;
    const std::uint32_t fired = Reg{base + kIfr}.read() & Reg{base + kIer}.read() & group;
    // Clear first: an edge that arrives while a client runs sets the flag again.
    Reg{base + kIfr + kClear}.write(fired);
    for (unsigned pin = first_pin; pin < first_pin + kPinsPerIrq; ++pin) {
        if ((fired & (1u << pin)) != 0) gpio_pin(static_cast<Port>(port), pin).fire();
    }
}

bool any_interrupt_enabled() {
    for (unsigned port = 0; port < kPortCount; ++port) {
        if (Reg{kGpioBase + kPortStride * port + kIer}.read() != 0) return true;
    }
    return false;
}

}  // namespace gpio
}  // namespace sam4l
