#pragma once
// PDCA handshake lines (SAM4L datasheet §16 "PDCA", sam4l.md §11.1).
//
// A peripheral that can be served by the PDCA drives one request line per direction: the RX line
// is high while the peripheral holds a received datum for the PDCA to fetch (USART RXRDY, SPI
// RDRF), the TX line is high while it can accept a datum (USART TXRDY, SPI TDRE). The line is
// identified by the peripheral identifier (PID) the guest writes into a channel's PSR. The PDCA
// then moves data through the bus (Initiator::Dma) from/to the peripheral's data register, so a
// DMA access behaves exactly like a CPU access to RHR/THR/RDR/TDR.
//
// Lines are levels, like interrupt lines: a model computes them in its one update_irq().
#include <cstdint>

namespace tockemu::sam4l {

// PSR.PID values (sam4l.md §11.1; ASF *_PDCA_ID_RX/TX). Only the ones with a model are named.
namespace pid {
inline constexpr unsigned kUsartRx0 = 0;  // USARTn RX = n
inline constexpr unsigned kSpiRx = 4;
inline constexpr unsigned kUsartTx0 = 18;  // USARTn TX = 18 + n
inline constexpr unsigned kSpiTx = 22;
inline constexpr unsigned kCount = 39;  // PIDs 0..38 exist on the SAM4L
}  // namespace pid

class DmaRequestSink {
  public:
    virtual ~DmaRequestSink() = default;
    virtual void set_dma_request(unsigned pid, bool level) = 0;
};

// A request line a peripheral owns; remembers its level so repeated updates are free.
class DmaRequestLine {
  public:
    DmaRequestLine() = default;
    DmaRequestLine(DmaRequestSink* sink, unsigned pid) : sink_(sink), pid_(pid) {}
    void set(bool level) {
        if (level == level_) return;
        level_ = level;
        if (sink_ != nullptr) sink_->set_dma_request(pid_, level);
    }
    bool level() const { return level_; }
    unsigned pid() const { return pid_; }

  private:
    DmaRequestSink* sink_ = nullptr;
    unsigned pid_ = 0;
    bool level_ = false;
};

}  // namespace tockemu::sam4l
