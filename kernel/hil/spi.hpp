#pragma once
// SPI controller HIL (Tock: kernel/src/hil/spi.rs): full-duplex transfers of byte buffers.
#include <cstddef>
#include <cstdint>

#include "hil/result.hpp"

namespace hil {

enum class ClockPolarity : std::uint8_t { kIdleLow, kIdleHigh };
// Motorola CPHA = 0 samples on the leading edge, CPHA = 1 on the trailing edge.
enum class ClockPhase : std::uint8_t { kSampleLeading, kSampleTrailing };

class SpiMasterClient {
  public:
    // `read` is null when the transfer was write-only. `length` bytes were exchanged.
    virtual void read_write_done(const std::uint8_t* write, std::uint8_t* read, std::size_t length,
                                 Status status) = 0;

  protected:
    ~SpiMasterClient() = default;
};

class SpiMaster {
  public:
    virtual void set_client(SpiMasterClient* client) = 0;
    virtual Status init() = 0;
    virtual bool is_busy() const = 0;
    // Writes `length` bytes of `write` while storing what comes back into `read` (may be null).
    virtual Status read_write_bytes(const std::uint8_t* write, std::uint8_t* read,
                                    std::size_t length) = 0;
    // Returns the rate actually set (the nearest the divider allows, not above the request).
    virtual std::uint32_t set_rate(std::uint32_t hz) = 0;
    virtual std::uint32_t get_rate() const = 0;
    virtual void set_polarity(ClockPolarity polarity) = 0;
    virtual ClockPolarity get_polarity() const = 0;
    virtual void set_phase(ClockPhase phase) = 0;
    virtual ClockPhase get_phase() const = 0;
    // Selects hardware chip select `cs`. INVAL if out of range.
    virtual Status specify_chip_select(std::uint8_t cs) = 0;

  protected:
    ~SpiMaster() = default;
};

}  // namespace hil
