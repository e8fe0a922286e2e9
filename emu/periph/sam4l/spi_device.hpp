#pragma once
// What hangs on one chip select of the SAM4L SPI master (emu/periph/sam4l/spi.hpp).
//
// The SPI model tells the device when its NPCS line is asserted and released, and exchanges one
// character per transfer: the device receives MOSI and answers MISO for the same character (full
// duplex). The exchange is called when the character's last bit has been shifted, in virtual time,
// so a device that changes state (a flash going busy) does so at the right moment.
#include <cstdint>
#include <string_view>

namespace tockemu {

class SpiDevice {
  public:
    virtual ~SpiDevice() = default;
    virtual std::string_view name() const = 0;
    // NPCS falling edge: a new command starts.
    virtual void select() {}
    // NPCS rising edge: the command ends (a flash commits a page program here).
    virtual void deselect() {}
    // One character of `bits` bits (8..16) shifted out on MOSI; returns what the device drove on
    // MISO during the same character.
    virtual std::uint16_t exchange(std::uint16_t mosi, unsigned bits) = 0;
};

// MISO follows MOSI: every character comes back as it was sent (a wire from MOSI to MISO).
class SpiLoopbackDevice final : public SpiDevice {
  public:
    std::string_view name() const override { return "spi-loopback"; }
    void select() override { ++selects_; }
    std::uint16_t exchange(std::uint16_t mosi, unsigned /*bits*/) override {
        ++characters_;
        return mosi;
    }
    unsigned selects() const { return selects_; }
    unsigned characters() const { return characters_; }

  private:
    unsigned selects_ = 0;
    unsigned characters_ = 0;
};

}  // namespace tockemu
