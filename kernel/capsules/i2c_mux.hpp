#pragma once
// I2C bus virtualiser (Tock: capsules/core/src/virtualizers/virtual_i2c.rs). Several devices
// share one I2C controller; each I2cDevice holds at most one request, and the mux runs them one
// at a time, round robin over the devices in the order they joined. The controller is enabled
// while transfers run and disabled once none is left (so the TWIM's clock may stop).
//
//   MuxI2c mux{sam4l::twim1()};  mux.init();
//   I2cDevice si7021{mux, 0x40}; si7021.setup(); si7021.set_client(&driver);
//
// A request made while another device owns the bus returns ok and waits; the device's client
// gets command_complete() when its own transfer ends. A device with a request outstanding
// answers BUSY to another.
#include <cstddef>
#include <cstdint>

#include "hil/i2c.hpp"

namespace capsules {

class I2cDevice;

class MuxI2c final : public hil::I2cClient {
  public:
    explicit MuxI2c(hil::I2cMaster& master) : master_(master) {}

    void init() { master_.set_client(this); }
    void command_complete(std::uint8_t* buffer, hil::Status status) override;

  private:
    friend class I2cDevice;

    void add(I2cDevice& device);
    void request();
    // Starts the next waiting request (round robin), or turns the controller off when none.
    void start_next();
    hil::Status start(I2cDevice& device);

    hil::I2cMaster& master_;
    I2cDevice* devices_ = nullptr;
    I2cDevice* active_ = nullptr;
    I2cDevice* last_served_ = nullptr;
    bool starting_ = false;
};

class I2cDevice final : public hil::I2cDevice {
  public:
    I2cDevice(MuxI2c& mux, std::uint8_t address) : mux_(mux), address_(address) {}

    // Joins the mux; call once during board set-up.
    void setup() { mux_.add(*this); }
    std::uint8_t address() const { return address_; }

    void set_client(hil::I2cClient* client) override { client_ = client; }
    hil::Status write(std::uint8_t* data, std::size_t len) override;
    hil::Status read(std::uint8_t* buffer, std::size_t len) override;
    hil::Status write_read(std::uint8_t* buffer, std::size_t write_len,
                           std::size_t read_len) override;

  private:
    friend class MuxI2c;
    enum class Op : std::uint8_t { kNone, kWrite, kRead, kWriteRead };

    hil::Status queue(Op op, std::uint8_t* buffer, std::size_t len, std::size_t read_len);

    MuxI2c& mux_;
    I2cDevice* next_ = nullptr;
    hil::I2cClient* client_ = nullptr;
    std::uint8_t* buffer_ = nullptr;
    std::size_t len_ = 0;
    std::size_t read_len_ = 0;
    std::uint8_t address_;
    Op op_ = Op::kNone;
};

}  // namespace capsules
