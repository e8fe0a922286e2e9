#include "emu/periph/sam4l/gpio.hpp"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

namespace tockemu::sam4l {

namespace {

// Per-port facts (sam4l.md §9, ASF instance_gpio.h): implemented pins, and the GPER/PMR0/
// OSRR0/STER reset values and GPER/PMR implemented bits, which differ per port.
struct PortFacts {
    std::uint32_t pins;       // implemented pins
    std::uint32_t gper_mask;  // GPER implemented bits
    std::uint32_t pmr_mask;   // PMR0..2 implemented bits
    std::uint32_t gper_reset, pmr0_reset, osrr0_reset, ster_reset;
};
constexpr PortFacts kFacts[3] = {
    // PA: the reference lists PMR implemented bits as 0xFFFFFFF4 but a PMR0 reset of 0x8 (PA03
    // on function B); the two cannot both hold, we keep the reset value readable (bit 3 kept).
    {0xFFFF'FFFF, 0xFFFF'FFFC, 0xFFFF'FFFC, 0xFFFF'FFFF, 0x8, 0xFFFF'FFFF, 0x4},
    {0x0000'FFFF, 0x0000'FFFF, 0x0000'FFFF, 0x0000'FFFF, 0x0, 0x0000'FFFF, 0x0},
    {0xFFFF'FFFF, 0xFFFF'FFFF, 0xFFFF'FFFF, 0xFFFF'FFFF, 0x0, 0xFFFF'FFFF, 0x0},
};

using G = GpioPort;

// One group register and its set/clear/toggle companions.
#define GPIO_GROUP(off, name, reset, mask)                                        \
    Reg{off, name, Access::RW, reset, mask},                                      \
        Reg{off + G::S, name "S", Access::WO, 0, mask, Action::Set, off},         \
        Reg{off + G::C, name "C", Access::WO, 0, mask, Action::Clear, off}, Reg { \
        off + G::T, name "T", Access::WO, 0, mask, Action::Toggle, off            \
    }

template <unsigned P>
constexpr auto make_table() {
    constexpr PortFacts f = kFacts[P];
    return std::array{
        GPIO_GROUP(G::GPER, "GPER", f.gper_reset, f.gper_mask),
        GPIO_GROUP(G::PMR0, "PMR0", f.pmr0_reset, f.pmr_mask),
        GPIO_GROUP(G::PMR1, "PMR1", 0u, f.pmr_mask),
        GPIO_GROUP(G::PMR2, "PMR2", 0u, f.pmr_mask),
        GPIO_GROUP(G::ODER, "ODER", 0u, f.pins),
        GPIO_GROUP(G::OVR, "OVR", 0u, f.pins),
        Reg{G::PVR, "PVR", Access::RO},
        GPIO_GROUP(G::PUER, "PUER", 0u, f.pins),
        GPIO_GROUP(G::PDER, "PDER", 0u, f.pins),
        GPIO_GROUP(G::IER, "IER", 0u, f.pins),
        GPIO_GROUP(G::IMR0, "IMR0", 0u, f.pins),
        GPIO_GROUP(G::IMR1, "IMR1", 0u, f.pins),
        GPIO_GROUP(G::GFER, "GFER", 0u, f.pins),
        Reg{G::IFR, "IFR", Access::RO},
        Reg{G::IFRC, "IFRC", Access::WO, 0, f.pins},  // clears only where IER = 1: on_write()
        GPIO_GROUP(G::ODMER, "ODMER", 0u, f.pins),
        GPIO_GROUP(G::ODCR0, "ODCR0", 0u, f.pins),
        GPIO_GROUP(G::ODCR1, "ODCR1", 0u, f.pins),
        GPIO_GROUP(G::OSRR0, "OSRR0", f.osrr0_reset, f.pins),
        GPIO_GROUP(G::STER, "STER", f.ster_reset, f.pins),
        GPIO_GROUP(G::EVER, "EVER", 0u, f.pins),
        GPIO_GROUP(G::LOCK, "LOCK", 0u, f.pins),
        Reg{G::UNLOCK, "UNLOCK", Access::WO},
        Reg{G::ASR, "ASR", Access::RW, 0, 0x1},
        Reg{G::PARAMETER, "PARAMETER", Access::RO, f.pins},
        Reg{G::VERSION, "VERSION", Access::RO, 0x215},
    };
}
#undef GPIO_GROUP

constexpr auto kTablePA = make_table<0>();
constexpr auto kTablePB = make_table<1>();
constexpr auto kTablePC = make_table<2>();

std::span<const Reg> table_for(unsigned port) {
    switch (port) {
        case 0:
            return kTablePA;
        case 1:
            return kTablePB;
        case 2:
            return kTablePC;
        default:
            throw std::out_of_range(fmt::format("GPIO port {} does not exist", port));
    }
}

}  // namespace

GpioPort::GpioPort(MachineContext& ctx, unsigned port, unsigned first_irq)
    : RegisterBlock(fmt::format("GPIO_P{}", static_cast<char>('A' + port)), table_for(port), 0x200),
      ctx_(ctx),
      port_(port),
      implemented_(kFacts[port].pins),
      lines_{{&ctx.irq, first_irq},
             {&ctx.irq, first_irq + 1},
             {&ctx.irq, first_irq + 2},
             {&ctx.irq, first_irq + 3}} {
    reset();
}

void GpioPort::on_reset() {
    driven_ = 0;
    pvr_ = pad_levels();
}

bool GpioPort::driven(unsigned pin) const {
    return ((reg(GPER) & reg(ODER)) >> pin) & 1u;
}

std::uint32_t GpioPort::pad_levels() const {
    const std::uint32_t drive = reg(GPER) & reg(ODER);
    // Undriven pins: the host's level if it drives them, else the pull resistor (floating pins
    // without a pull read 0).
    const std::uint32_t pulled = reg(PUER) & ~reg(PDER);
    const std::uint32_t outside = (ext_driven_ & ext_level_) | (~ext_driven_ & pulled);
    return ((drive & reg(OVR)) | (~drive & outside)) & implemented_;
}

void GpioPort::settle() {
    const std::uint32_t now = pad_levels();
    const std::uint32_t drive = reg(GPER) & reg(ODER) & implemented_;
    const std::uint32_t changed = now ^ pvr_;
    const std::uint32_t rising = changed & now;
    const std::uint32_t falling = changed & ~now;
    // IMR1:IMR0 = 00 any change, 01 rising, 10 falling, 11 reserved (no interrupt).
    const std::uint32_t m0 = reg(IMR0), m1 = reg(IMR1);
    const std::uint32_t hits = (changed & ~m1 & ~m0) | (rising & ~m1 & m0) | (falling & m1 & ~m0);
    reg_ref(IFR) |= hits & reg(IER);
    for (unsigned pin = 0; pin < 32; ++pin) {
        const std::uint32_t bit = 1u << pin;
        if (!((changed | (drive ^ driven_)) & bit)) continue;
        ctx_.publish(GpioEvent{port_, pin, (now & bit) != 0, (drive & bit) != 0});
    }
    pvr_ = now;
    driven_ = drive;
}

void GpioPort::set_input(unsigned pin, bool level) {
    if (pin >= 32 || !((implemented_ >> pin) & 1u))
        throw std::out_of_range(
            fmt::format("{}: pin {} is not implemented on this port", name(), pin));
    ext_driven_ |= 1u << pin;
    ext_level_ = level ? ext_level_ | (1u << pin) : ext_level_ & ~(1u << pin);
    settle();
    update_irq();
}

void GpioPort::release_input(unsigned pin) {
    if (pin >= 32) return;
    ext_driven_ &= ~(1u << pin);
    settle();
    update_irq();
}

void GpioPort::on_write(std::size_t index, std::uint32_t value) {
    // The GPIO IP clears a flag only for pins whose interrupt is enabled in IER at the time of
    // the IFRC write; a flag left by a pin disabled first survives and returns with IER.
    if (def(index).offset == IFRC) reg_ref(IFR) &= ~(value & reg(IER));
    settle();
}

std::uint32_t GpioPort::on_read(std::size_t index, std::uint32_t stored, bool /*side_effects*/) {
    return def(index).offset == PVR ? pvr_ : stored;
}

void GpioPort::update_irq() {
    const std::uint32_t active = reg(IFR) & reg(IER);
    for (unsigned g = 0; g < kLinesPerPort; ++g) lines_[g].set((active >> (8 * g)) & 0xFFu);
}

}  // namespace tockemu::sam4l
