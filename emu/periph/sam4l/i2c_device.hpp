#pragma once
// What hangs on a SAM4L TWIM's two-wire bus (emu/periph/sam4l/twim.hpp).
//
// The TWIM routes each transfer to the device attached at the 7-bit address the master sends and
// calls it at the moments the bus protocol defines, in virtual time:
//   start(address, read)  at the end of the address byte (START or repeated START + SLA+R/W);
//                         the return value is the device's acknowledge (false = NAK -> SR.ANAK)
//   write_byte(b)         at the end of each byte the master writes (false = NAK -> SR.DNAK)
//   read_byte(ack)        for each byte the master reads; `ack` is what the master answers after
//                         it (false on the last byte of a read unless CMDR.ACKLAST)
//   stretch()             asked before each read byte: how long the device holds SCL low first
//                         (clock stretching, e.g. a sensor converting in "hold master" mode)
//   stop()                at the STOP condition that ends the device's transfer
// An address nobody answers is NAKed by the pull-up, like on a real bus.
#include <cstdint>
#include <string_view>

#include "emu/core/clock.hpp"

namespace tockemu {

class I2cDevice {
  public:
    virtual ~I2cDevice() = default;
    virtual std::string_view name() const = 0;
    virtual bool start(std::uint8_t address, bool read) = 0;
    virtual bool write_byte(std::uint8_t byte) = 0;
    virtual std::uint8_t read_byte(bool ack) = 0;
    virtual Picos stretch() { return 0; }
    virtual void stop() {}
};

// The common register-file protocol (ISL29035, FXOS8700CQ and most sensors): the first byte
// written after START is the register address; further written bytes go to that register and
// the address advances; reads continue from the current address (also across a repeated START).
class I2cRegisterDevice : public I2cDevice {
  public:
    bool start(std::uint8_t /*address*/, bool read) override {
        expect_pointer_ = !read;
        return true;
    }
    bool write_byte(std::uint8_t byte) override {
        if (expect_pointer_) {
            expect_pointer_ = false;
            pointer_ = byte;
            return true;
        }
        write_register(pointer_, byte);
        pointer_ = next_address(pointer_);
        return true;
    }
    std::uint8_t read_byte(bool /*ack*/) override {
        const std::uint8_t value = read_register(pointer_);
        pointer_ = next_address(pointer_);
        return value;
    }
    std::uint8_t pointer() const { return pointer_; }

  protected:
    virtual std::uint8_t read_register(std::uint8_t address) = 0;
    virtual void write_register(std::uint8_t address, std::uint8_t value) = 0;
    virtual std::uint8_t next_address(std::uint8_t address) const {
        return static_cast<std::uint8_t>(address + 1);
    }

  private:
    std::uint8_t pointer_ = 0;
    bool expect_pointer_ = false;
};

}  // namespace tockemu
