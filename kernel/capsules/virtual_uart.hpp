#pragma once
// UART multiplexer (Tock: capsules/core/src/virtualizers/virtual_uart.rs): one hardware UART
// shared by several UartDevices (console driver, process console) and by the kernel's debug
// output (core/debug.hpp), which the mux drains as one more transmitter.
//
// Transmit: one transmission on the wire at a time; waiting transmitters are served round-robin
// (debug output takes its turn like a device), each buffer sent whole. A source whose last
// buffer ended in the middle of a line keeps the wire for up to kMaxStickyChunks more buffers,
// so that a kernel fault report and an app's printf do not cut into each other's lines.
// Receive: while any device wants bytes, the mux receives min(remaining of every receiving device)
// bytes into its own buffer and copies them to *every* receiving device (so the process console
// and an app reading the console both see what is typed, as in Tock). A device whose request is
// filled (or that aborts) completes through its client; aborts complete from a deferred call so
// the client never runs inside its own receive_abort().
// Unlike Tock, a device that has read before keeps up to kBacklog bytes that arrive between two
// of its reads (e.g. while an app re-arms its one-byte read and the process console's read takes
// the byte): its next read is served from them first. Without it, pasted or scripted input is
// lost by whichever reader re-arms more slowly. Bytes beyond the backlog are dropped; the
// console driver discards the backlog when a different process (or a restarted one) reads.
#include <cstddef>
#include <cstdint>

#include "core/debug.hpp"
#include "core/deferred_call.hpp"
#include "hil/uart.hpp"

namespace capsules {

class MuxUart;

class UartDevice final : public hil::Uart {
  public:
    explicit UartDevice(MuxUart& mux) : mux_(mux) {}

    // Joins the mux; call once during board set-up.
    void setup();

    // Parameters belong to the shared hardware, configured once by the mux.
    hil::Status configure(const hil::UartParameters&) override { return hil::Status::ok(); }
    hil::Status transmit_buffer(std::uint8_t* buffer, std::size_t length) override;
    hil::Status receive_buffer(std::uint8_t* buffer, std::size_t length) override;
    hil::Status receive_abort() override;
    void set_transmit_client(hil::TransmitClient* client) override { tx_client_ = client; }
    void set_receive_client(hil::ReceiveClient* client) override { rx_client_ = client; }
    void discard_pending_input() override { backlog_len_ = 0; }

  private:
    friend class MuxUart;

    MuxUart& mux_;
    hil::TransmitClient* tx_client_ = nullptr;
    hil::ReceiveClient* rx_client_ = nullptr;
    std::uint8_t* tx_buffer_ = nullptr;
    std::size_t tx_length_ = 0;
    std::uint8_t* rx_buffer_ = nullptr;
    std::size_t rx_length_ = 0;
    std::size_t rx_received_ = 0;
    bool rx_aborting_ = false;
    bool rx_listening_ = false;  // has read before: bytes between reads go to the backlog
    bool rx_ready_ = false;      // request filled from the backlog; completes from a deferred call
    static constexpr std::size_t kBacklog = 64;
    std::uint8_t backlog_[kBacklog] = {};
    std::size_t backlog_len_ = 0;
    hil::Status tx_failure_;  // set when the hardware refused this device's buffer
    bool tx_failed_ = false;
};

class MuxUart final : public hil::TransmitClient,
                      public hil::ReceiveClient,
                      public kernel::DebugOutput,
                      public kernel::DeferredCallClient {
  public:
    static constexpr std::size_t kRxBufferSize = 64;
    static constexpr std::size_t kDebugChunk = 128;

    explicit MuxUart(hil::Uart& uart) : uart_(uart), deferred_(*this) {}

    // Configures the hardware and takes over kernel debug output.
    hil::Status init(std::uint32_t baud_rate);

    void transmitted_buffer(std::uint8_t* buffer, std::size_t length, hil::Status status) override;
    void received_buffer(std::uint8_t* buffer, std::size_t length, hil::Status status) override;
    void debug_available() override;
    void handle_deferred_call() override;

  private:
    friend class UartDevice;

    static constexpr unsigned kMaxDevices = 4;
    static constexpr unsigned kMaxStickyChunks = 8;

    void add_device(UartDevice& device);
    void start_transmit();
    bool try_transmit_from(unsigned source);
    void note_sent(const std::uint8_t* buffer, std::size_t length);
    void start_receive();
    bool any_receiver() const;
    void complete_receive(UartDevice& device, hil::Status status);
    // Appends rx_buffer_[from, to) to the device's backlog (as much as fits).
    void keep_in_backlog(UartDevice& device, std::size_t from, std::size_t to);

    hil::Uart& uart_;
    kernel::DeferredCall deferred_;
    UartDevice* devices_[kMaxDevices] = {};
    unsigned device_count_ = 0;
    // What is on the wire: a device, the debug chunk, or nothing.
    UartDevice* tx_device_ = nullptr;
    bool tx_debug_ = false;
    bool in_tx_callback_ = false;
    // Round-robin position over the sources 0..device_count_-1 (devices) and device_count_
    // (debug output): the one served last.
    unsigned last_served_ = 0;
    bool mid_line_ = false;       // the last buffer sent did not end with '\n'
    unsigned sticky_chunks_ = 0;  // buffers sent in a row by last_served_ while mid-line
    bool rx_running_ = false;
    bool in_rx_callback_ = false;
    std::uint8_t rx_buffer_[kRxBufferSize] = {};
    std::uint8_t debug_buffer_[kDebugChunk] = {};
};

}  // namespace capsules
