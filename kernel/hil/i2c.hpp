#pragma once
// I2C master HIL (Tock: kernel/src/hil/i2c.rs), split-phase: a call either starts the transfer
// and returns ok (command_complete() follows exactly once) or fails at once and nothing follows.
//
// Outcomes are ErrorCodes, so capsules can hand them to userspace unchanged:
//   address NAK (no device answered)   -> NODEVICE
//   data NAK (device refused a byte)   -> NOACK
//   arbitration lost                   -> RESERVE (Tock's mapping of ArbitrationLost)
//   bad length, busy bus               -> INVAL / BUSY (returned by the call itself)
// Addresses are 7-bit. Lengths are 1..255 bytes (one TWIM command moves at most 255).
#include <cstddef>
#include <cstdint>

#include "hil/result.hpp"

namespace hil {

inline constexpr std::size_t kI2cMaxLength = 255;

class I2cClient {
  public:
    // The transfer on `buffer` ended. For reads, the bytes are in `buffer` when status is ok.
    virtual void command_complete(std::uint8_t* buffer, Status status) = 0;

  protected:
    ~I2cClient() = default;
};

// The bus controller: one transfer at a time.
class I2cMaster {
  public:
    virtual void set_client(I2cClient* client) = 0;
    // Powers and configures the controller (idempotent); disable() turns it off when idle.
    virtual void enable() = 0;
    virtual void disable() = 0;
    // START, address + W, `len` bytes from `data`, STOP.
    virtual Status write(std::uint8_t addr, std::uint8_t* data, std::size_t len) = 0;
    // START, address + R, `len` bytes into `buffer`, STOP.
    virtual Status read(std::uint8_t addr, std::uint8_t* buffer, std::size_t len) = 0;
    // START, address + W, the first `write_len` bytes of `buffer`, repeated START, address + R,
    // `read_len` bytes into the start of `buffer`, STOP (register reads).
    virtual Status write_read(std::uint8_t addr, std::uint8_t* buffer, std::size_t write_len,
                              std::size_t read_len) = 0;

  protected:
    ~I2cMaster() = default;
};

// One device on a shared bus (capsules::I2cDevice, virtualised by capsules::MuxI2c): the same
// transfers with the device's address filled in. A transfer requested while another device
// owns the bus waits its turn; the call still returns ok.
class I2cDevice {
  public:
    virtual void set_client(I2cClient* client) = 0;
    virtual Status write(std::uint8_t* data, std::size_t len) = 0;
    virtual Status read(std::uint8_t* buffer, std::size_t len) = 0;
    virtual Status write_read(std::uint8_t* buffer, std::size_t write_len,
                              std::size_t read_len) = 0;

  protected:
    ~I2cDevice() = default;
};

}  // namespace hil
