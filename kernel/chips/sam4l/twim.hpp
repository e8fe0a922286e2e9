#pragma once
// SAM4L TWIM, the I2C master (sam4l.md §15.5; datasheet ch. 27), driven as Tock's
// chips/sam4l/src/i2c.rs drives it: one command in CMDR (plus a repeated-start read in NCMDR for
// write-then-read), data moved by one PDCA channel, completion and errors by interrupt
// (CCOMP, ANAK, DNAK, ARBLST). Hail's sensors sit on TWIM1 (0x4001_C000, IRQ 63, PBA mask bit 6,
// PDCA PIDs 6 RX / 24 TX, PDCA channel 11 as in Tock; pins PB00 SDA / PB01 SCL, function A).
//
// A write-then-read moves its two phases through the same channel: TX first; when the first
// command's CCOMP arrives the channel is re-pointed at RHR for the read. The TWIM holds SCL low
// while RHR is full, so nothing is lost while the (bottom-half) interrupt is pending, except a
// one-byte read that completes entirely in that time: then the byte is taken from RHR directly.
#include <cstddef>
#include <cstdint>

#include "chips/sam4l/pdca.hpp"
#include "hil/i2c.hpp"

namespace sam4l {

class Twim final : public hil::I2cMaster, private DmaClient {
  public:
    struct Config {
        std::uintptr_t base;
        unsigned irq;
        unsigned pba_clock_bit;
        DmaPeripheral dma_rx;
        DmaPeripheral dma_tx;
    };

    constexpr Twim(const Config& config, DmaChannel& dma) : config_(config), dma_(dma) {}

    // Registers the TWIM's interrupt bottom half with the NVIC table (board set-up).
    void register_interrupt();
    void handle_interrupt();

    void set_client(hil::I2cClient* client) override { client_ = client; }
    void enable() override;
    void disable() override;
    hil::Status write(std::uint8_t addr, std::uint8_t* data, std::size_t len) override;
    hil::Status read(std::uint8_t addr, std::uint8_t* buffer, std::size_t len) override;
    hil::Status write_read(std::uint8_t addr, std::uint8_t* buffer, std::size_t write_len,
                           std::size_t read_len) override;

  private:
    enum class Phase : std::uint8_t { kIdle, kSingle, kWriteThenRead, kReadAfterWrite };

    void transfer_done(DmaPeripheral) override {}  // completion comes from CCOMP, not the PDCA
    hil::Status check_start(std::size_t len) const;
    void start(std::uint32_t cmdr, std::uint32_t ncmdr, DmaPeripheral pid, std::size_t len);
    void begin_read_phase(std::uint32_t status);
    void finish(hil::Status status);
    std::uint32_t reg(std::uint32_t offset) const;
    void set_reg(std::uint32_t offset, std::uint32_t value) const;

    Config config_;
    DmaChannel& dma_;
    hil::I2cClient* client_ = nullptr;
    std::uint8_t* buffer_ = nullptr;
    std::size_t read_len_ = 0;
    Phase phase_ = Phase::kIdle;
    bool enabled_ = false;
};

// TWIM1 with PDCA channel 11 (Tock's assignment), the instance Hail's sensors use.
Twim& twim1();

}  // namespace sam4l
