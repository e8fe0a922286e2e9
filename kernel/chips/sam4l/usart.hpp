#pragma once
// SAM4L USART in asynchronous UART mode (sam4l.md §10), with PDCA DMA for both directions.
//
// Transmit, as Tock does it: CR.TXEN, DMA channel with TCRR = length; on the DMA TRC interrupt
// enable CSR.TXEMPTY; on the USART TXEMPTY interrupt disable it, CR.TXDIS, report completion.
// So every transmission needs two interrupts: PDCA channel (IRQ ch+1), then USART (IRQ 65+n).
// Receive: CR.RXEN stays on once enabled; a receive starts a DMA channel and enables the line
// error interrupts (PARE, FRAME, OVRE); completion is the DMA TRC interrupt.
//
// Also the synchronous writer the panic path uses: no interrupts, no DMA, polls CSR.TXRDY.
#include <cstddef>
#include <cstdint>

#include "chips/sam4l/pdca.hpp"
#include "hil/uart.hpp"

namespace sam4l {

class Usart final : public hil::Uart, private DmaClient {
  public:
    static constexpr unsigned kCount = 4;
    static constexpr unsigned kFirstIrq = 65;

    constexpr Usart(unsigned index, DmaChannel& rx_dma, DmaChannel& tx_dma)
        : index_(index % kCount),
          base_(0x4002'4000 + 0x4000 * (index % kCount)),
          rx_dma_(rx_dma),
          tx_dma_(tx_dma) {}

    hil::Status configure(const hil::UartParameters& params) override;
    hil::Status transmit_buffer(std::uint8_t* buffer, std::size_t length) override;
    hil::Status receive_buffer(std::uint8_t* buffer, std::size_t length) override;
    // The client's received_buffer(..., CANCEL) runs before this returns.
    hil::Status receive_abort() override;
    void set_transmit_client(hil::TransmitClient* client) override { tx_client_ = client; }
    void set_receive_client(hil::ReceiveClient* client) override { rx_client_ = client; }

    // IRQ bottom half (IRQ 65 + index).
    void handle_interrupt();

    // Panic path: init_sync() stops any DMA transmission and re-initialises the USART at 115200
    // 8N1; write_sync() then writes by polling CSR.TXRDY. Neither uses interrupts.
    void init_sync();
    void write_sync(const std::uint8_t* data, std::size_t length);

  private:
    void transfer_done(DmaPeripheral peripheral) override;
    void set_uart_mode();
    DmaPeripheral rx_pid() const;
    DmaPeripheral tx_pid() const;

    unsigned index_;
    std::uintptr_t base_;
    DmaChannel& rx_dma_;
    DmaChannel& tx_dma_;
    hil::TransmitClient* tx_client_ = nullptr;
    hil::ReceiveClient* rx_client_ = nullptr;
    std::uint8_t* tx_buffer_ = nullptr;
    std::size_t tx_length_ = 0;
    std::uint8_t* rx_buffer_ = nullptr;
    std::size_t rx_length_ = 0;
    bool configured_ = false;
};

}  // namespace sam4l
