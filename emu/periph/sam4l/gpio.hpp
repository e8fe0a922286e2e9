#pragma once
// GPIO — one port (PA, PB or PC) of the SAM4L GPIO controller (datasheet §23; sam4l.md §9).
//
// Modelled: the register groups with their set/clear/toggle addresses (X, XS +4, XC +8, XT +0xC)
// and per-port implemented-bit masks and reset values; the pad level of every pin (PVR):
// driven by OVR when GPER=1 and ODER=1, otherwise the external input given by the host
// (set_input), or the pull-up/pull-down when the host leaves the pin floating; pin-change
// interrupts (IER with IMR1:IMR0 = 00 any change, 01 rising, 10 falling) setting IFR, cleared by
// IFRC only for pins whose IER bit is set (the GPIO IP's datasheet text; a clear of a disabled
// pin's flag is ignored); the four NVIC lines of the port, one per 8-pin group, asserted while (IFR
// & IER) has a bit in the group; every change of a pin's pad level is published as a GpioEvent
// (`output` true when the chip drives the pin), so LEDs are observable. Not modelled:
// peripheral-function outputs (a pin given to a peripheral by GPER=0 reads the external input;
// PMR0..2 read back and select nothing), glitch filter, open drain, drive strength, slew rate,
// Schmitt trigger gating of the input (STER reads back), event generation, LOCK/UNLOCK (stored),
// the two-cycle input synchroniser delay.
#include <cstdint>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"

namespace tockemu::sam4l {

class GpioPort final : public RegisterBlock {
  public:
    static constexpr std::uint32_t GPER = 0x000, PMR0 = 0x010, PMR1 = 0x020, PMR2 = 0x030,
                                   ODER = 0x040, OVR = 0x050, PVR = 0x060, PUER = 0x070,
                                   PDER = 0x080, IER = 0x090, IMR0 = 0x0A0, IMR1 = 0x0B0,
                                   GFER = 0x0C0, IFR = 0x0D0, IFRC = 0x0D8, ODMER = 0x0E0,
                                   ODCR0 = 0x100, ODCR1 = 0x110, OSRR0 = 0x130, STER = 0x160,
                                   EVER = 0x180, LOCK = 0x1A0, UNLOCK = 0x1E0, ASR = 0x1E4,
                                   PARAMETER = 0x1F8, VERSION = 0x1FC;
    // Offsets of the set / clear / toggle companions of a group register.
    static constexpr std::uint32_t S = 0x4, C = 0x8, T = 0xC;
    static constexpr unsigned kLinesPerPort = 4;

    // `port` 0..2 (PA..PC); the port's lines are first_irq .. first_irq+3.
    GpioPort(MachineContext& ctx, unsigned port, unsigned first_irq);

    unsigned port() const { return port_; }
    // Host side: drive the pin from outside (button, wire); `floating` releases it.
    void set_input(unsigned pin, bool level);
    void release_input(unsigned pin);
    // Pad level of a pin (what PVR reads).
    bool level(unsigned pin) const { return (pvr_ >> pin) & 1u; }
    // True when the chip drives the pin (GPER=1, ODER=1).
    bool driven(unsigned pin) const;
    bool line(unsigned group) const { return lines_[group].level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;

  private:
    std::uint32_t pad_levels() const;
    void settle();  // recompute PVR, raise edges, publish changes

    MachineContext& ctx_;
    unsigned port_;
    std::uint32_t implemented_;
    IrqLine lines_[kLinesPerPort];
    std::uint32_t pvr_ = 0;
    std::uint32_t driven_ = 0;      // last published "driven by the chip" mask
    std::uint32_t ext_level_ = 0;   // host-driven levels
    std::uint32_t ext_driven_ = 0;  // pins the host drives
};

}  // namespace tockemu::sam4l
