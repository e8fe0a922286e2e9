#pragma once
// UART HIL (Tock: kernel/src/hil/uart.rs), split-phase: a transmit or receive call hands over a
// buffer and returns at once; completion comes back through the client with the same buffer.
#include <cstddef>
#include <cstdint>

#include "hil/result.hpp"

namespace hil {

enum class Parity : std::uint8_t { kNone, kOdd, kEven };
enum class StopBits : std::uint8_t { kOne, kTwo };

struct UartParameters {
    std::uint32_t baud_rate = 115200;
    Parity parity = Parity::kNone;
    StopBits stop_bits = StopBits::kOne;
    bool hw_flow_control = false;
};

class TransmitClient {
  public:
    virtual void transmitted_buffer(std::uint8_t* buffer, std::size_t length, Status status) = 0;

  protected:
    ~TransmitClient() = default;
};

class ReceiveClient {
  public:
    // `length` bytes were stored at the start of `buffer`. status is CANCEL after an abort,
    // FAIL after a line error (parity, framing, overrun).
    virtual void received_buffer(std::uint8_t* buffer, std::size_t length, Status status) = 0;

  protected:
    ~ReceiveClient() = default;
};

class Uart {
  public:
    virtual Status configure(const UartParameters& params) = 0;
    // BUSY if a transmission is in flight; SIZE if length is 0 or larger than the buffer.
    virtual Status transmit_buffer(std::uint8_t* buffer, std::size_t length) = 0;
    virtual Status receive_buffer(std::uint8_t* buffer, std::size_t length) = 0;
    // Completes an in-flight receive with CANCEL and the bytes so far (through the client).
    virtual Status receive_abort() = 0;
    virtual void set_transmit_client(TransmitClient* client) = 0;
    virtual void set_receive_client(ReceiveClient* client) = 0;
    // Drops input held for the next receive, if the implementation buffers any (a virtualised
    // UART does; hardware does not).
    virtual void discard_pending_input() {}

  protected:
    ~Uart() = default;
};

}  // namespace hil
