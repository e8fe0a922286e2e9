#pragma once
// PDCA, the SAM4L peripheral DMA controller (0x400A_2000, sam4l.md §11). A channel moves bytes
// between RAM and one peripheral register, paced by that peripheral's ready flag; when the count
// reaches zero it raises TRC and its IRQ (channel + 1).
//
// Channel assignment is Tock's (sam4l.md §11.2): 0/1 USART0 RX/TX, 2/3 USART1, 4/5 USART2,
// 6/7 USART3, 8/9 SPI RX/TX. Only byte-sized transfers are used.
#include <cstddef>
#include <cstdint>

namespace sam4l {

// Peripheral identifiers written to PSR.PID (sam4l.md §11.1).
enum class DmaPeripheral : std::uint8_t {
    kUsart0Rx = 0,
    kUsart1Rx = 1,
    kUsart2Rx = 2,
    kUsart3Rx = 3,
    kSpiRx = 4,
    kUsart0Tx = 18,
    kUsart1Tx = 19,
    kUsart2Tx = 20,
    kUsart3Tx = 21,
    kSpiTx = 22,
};

class DmaClient {
  public:
    virtual void transfer_done(DmaPeripheral peripheral) = 0;

  protected:
    ~DmaClient() = default;
};

class DmaChannel {
  public:
    static constexpr unsigned kCount = 16;
    static constexpr unsigned kFirstIrq = 1;

    explicit constexpr DmaChannel(unsigned channel) : channel_(channel) {}

    void set_client(DmaClient* client) { client_ = client; }
    // Starts a transfer of `length` bytes between `buffer` and the peripheral; TRC interrupt on
    // completion. The buffer must stay valid until transfer_done() or abort().
    void start(DmaPeripheral peripheral, const volatile std::uint8_t* buffer, std::size_t length);
    // Stops the channel and returns how many of the requested bytes were NOT transferred.
    std::size_t abort();
    // Bytes the running transfer still has to move (TCR + TCRR).
    std::size_t remaining() const;
    bool is_running() const { return running_; }
    // IRQ bottom half for this channel.
    void handle_interrupt();

  private:
    unsigned channel_;
    DmaClient* client_ = nullptr;
    bool running_ = false;
};

// The 16 channels, indexed by channel number (constant-initialised, defined in pdca.cpp).
extern DmaChannel dma_channels[DmaChannel::kCount];

inline DmaChannel& dma_channel(unsigned channel) {
    return dma_channels[channel % DmaChannel::kCount];
}

}  // namespace sam4l
