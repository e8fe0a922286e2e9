#include "chips/sam4l/usart.hpp"

#include "chips/sam4l/mmio.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

constexpr pm::PbaClock kUsartClocks[Usart::kCount] = {pm::PbaClock::kUsart0, pm::PbaClock::kUsart1,
                                                      pm::PbaClock::kUsart2, pm::PbaClock::kUsart3};

// Registers, in datasheet order.
constexpr std::uint32_t kCr = 0x00;
constexpr std::uint32_t kMr = 0x04;
constexpr std::uint32_t kIer = 0x08;
constexpr std::uint32_t kIdr = 0x0C;
constexpr std::uint32_t kImr = 0x10;
constexpr std::uint32_t kCsr = 0x14;
constexpr std::uint32_t kThr = 0x1C;
constexpr std::uint32_t kBrgr = 0x20;

// CR
constexpr std::uint32_t kCrRstrx = 1u << 2;
constexpr std::uint32_t kCrRsttx = 1u << 3;
constexpr std::uint32_t kCrRxen = 1u << 4;
constexpr std::uint32_t kCrTxen = 1u << 6;
constexpr std::uint32_t kCrTxdis = 1u << 7;
constexpr std::uint32_t kCrRststa = 1u << 8;
// MR
constexpr std::uint32_t kMrModeNormal = 0x0;
constexpr std::uint32_t kMrModeHwHandshaking = 0x2;
constexpr std::uint32_t kMrChrl8 = 3u << 6;
constexpr std::uint32_t kMrParEven = 0u << 9;
constexpr std::uint32_t kMrParOdd = 1u << 9;
constexpr std::uint32_t kMrParNone = 4u << 9;
constexpr std::uint32_t kMrNbstop2 = 2u << 12;
constexpr std::uint32_t kMrOver8 = 1u << 19;
// CSR / IER / IDR / IMR
constexpr std::uint32_t kRxrdy = 1u << 0;
constexpr std::uint32_t kTxrdy = 1u << 1;
constexpr std::uint32_t kOvre = 1u << 5;
constexpr std::uint32_t kFrame = 1u << 6;
constexpr std::uint32_t kPare = 1u << 7;
constexpr std::uint32_t kTimeout = 1u << 8;
constexpr std::uint32_t kTxempty = 1u << 9;
constexpr std::uint32_t kRxbuff = 1u << 12;
constexpr std::uint32_t kLineErrors = kOvre | kFrame | kPare;

std::uint32_t baud_divisor(std::uint32_t baud) {
    // 8x oversampling: baud = f / (8 * (CD + FP/8)). CD integer part, FP the rounded eighths.
    const std::uint32_t f = pm::kSystemClockHz;
    const std::uint32_t cd = f / (8 * baud);
    const std::uint32_t fp = (f + baud / 2) / baud - 8 * cd;
    return ((fp & 0x7) << 16) | (cd & 0xFFFF);
}

}  // namespace

DmaPeripheral Usart::rx_pid() const {
    return static_cast<DmaPeripheral>(index_);
}
DmaPeripheral Usart::tx_pid() const {
    return static_cast<DmaPeripheral>(18 + index_);
}

void Usart::set_uart_mode() {
    rx_dma_.set_client(this);
    tx_dma_.set_client(this);
    pm::enable(kUsartClocks[index_]);
    Reg{base_ + kIdr}.write(kRxbuff | kTimeout | kLineErrors | kRxrdy);
    Reg{base_ + kIdr}.write(kTxempty | kTxrdy);
    Reg{base_ + kCr}.write(kCrRststa | kCrRsttx | kCrRstrx);
}

hil::Status Usart::configure(const hil::UartParameters& params) {
    if (params.baud_rate == 0 || params.baud_rate > pm::kSystemClockHz / 8) {
        return kernel::ErrorCode::INVAL;
    }
    if (tx_buffer_ != nullptr || rx_buffer_ != nullptr) return kernel::ErrorCode::BUSY;
    set_uart_mode();
    std::uint32_t mr = kMrOver8 | kMrChrl8;
    switch (params.parity) {
        case hil::Parity::kNone:
            mr |= kMrParNone;
            break;
        case hil::Parity::kOdd:
            mr |= kMrParOdd;
            break;
        case hil::Parity::kEven:
            mr |= kMrParEven;
            break;
    }
    if (params.stop_bits == hil::StopBits::kTwo) mr |= kMrNbstop2;
    mr |= params.hw_flow_control ? kMrModeHwHandshaking : kMrModeNormal;
    Reg{base_ + kMr}.write(mr);
    Reg{base_ + kBrgr}.write(baud_divisor(params.baud_rate));
    configured_ = true;
    return hil::Status::ok();
}

hil::Status Usart::transmit_buffer(std::uint8_t* buffer, std::size_t length) {
    if (!configured_) return kernel::ErrorCode::OFF;
    if (tx_buffer_ != nullptr) return kernel::ErrorCode::BUSY;
    if (buffer == nullptr || length == 0 || length > 0xFFFF) return kernel::ErrorCode::SIZE;
    tx_buffer_ = buffer;
    tx_length_ = length;
    Reg{base_ + kCr}.write(kCrTxen);
    tx_dma_.start(tx_pid(), buffer, length);
    return hil::Status::ok();
}

hil::Status Usart::receive_buffer(std::uint8_t* buffer, std::size_t length) {
    if (!configured_) return kernel::ErrorCode::OFF;
    if (rx_buffer_ != nullptr) return kernel::ErrorCode::BUSY;
    if (buffer == nullptr || length == 0 || length > 0xFFFF) return kernel::ErrorCode::SIZE;
    rx_buffer_ = buffer;
    rx_length_ = length;
    // Errors latched while nobody was receiving belong to no request: clear them first.
    Reg{base_ + kCr}.write(kCrRststa | kCrRxen);
    Reg{base_ + kIer}.write(kLineErrors);
    rx_dma_.start(rx_pid(), buffer, length);
    return hil::Status::ok();
}

hil::Status Usart::receive_abort() {
    if (rx_buffer_ == nullptr) return kernel::ErrorCode::ALREADY;
    const std::size_t remaining = rx_dma_.abort();
    Reg{base_ + kIdr}.write(kLineErrors);
    std::uint8_t* buffer = rx_buffer_;
    const std::size_t received = rx_length_ - (remaining < rx_length_ ? remaining : rx_length_);
    rx_buffer_ = nullptr;
    if (rx_client_ != nullptr)
        rx_client_->received_buffer(buffer, received, kernel::ErrorCode::CANCEL);
    return hil::Status::ok();
}

void Usart::transfer_done(DmaPeripheral peripheral) {
    if (peripheral == tx_pid()) {
        // All bytes are in the USART; the last one is still being shifted out.
        Reg{base_ + kIer}.write(kTxempty);
        return;
    }
    if (peripheral == rx_pid() && rx_buffer_ != nullptr) {
        Reg{base_ + kIdr}.write(kLineErrors);
        std::uint8_t* buffer = rx_buffer_;
        rx_buffer_ = nullptr;
        if (rx_client_ != nullptr)
            rx_client_->received_buffer(buffer, rx_length_, hil::Status::ok());
    }
}

void Usart::handle_interrupt() {
    const std::uint32_t pending = Reg{base_ + kCsr}.read() & Reg{base_ + kImr}.read();
    if ((pending & kTxempty) != 0) {
        Reg{base_ + kIdr}.write(kTxempty);
        Reg{base_ + kCr}.write(kCrTxdis);
        std::uint8_t* buffer = tx_buffer_;
        const std::size_t length = tx_length_;
        tx_buffer_ = nullptr;
        if (tx_client_ != nullptr && buffer != nullptr) {
            tx_client_->transmitted_buffer(buffer, length, hil::Status::ok());
        }
    }
    if ((pending & kLineErrors) != 0 && rx_buffer_ != nullptr) {
        const std::size_t remaining = rx_dma_.abort();
        Reg{base_ + kIdr}.write(kLineErrors);
        std::uint8_t* buffer = rx_buffer_;
        const std::size_t received = rx_length_ - (remaining < rx_length_ ? remaining : rx_length_);
        rx_buffer_ = nullptr;
        Reg{base_ + kCr}.write(kCrRststa);
        if (rx_client_ != nullptr)
            rx_client_->received_buffer(buffer, received, kernel::ErrorCode::FAIL);
        return;
    }
    Reg{base_ + kCr}.write(kCrRststa);
}

void Usart::init_sync() {
    if (tx_buffer_ != nullptr) {
        // A transmission is still going: let the bytes already handed over go out (they are the
        // last words before the panic), then take the USART over. Gives up once the DMA count
        // has not moved for 2^16 reads (a stalled transmitter).
        std::size_t last = tx_dma_.is_running() ? tx_dma_.remaining() : 0;
        for (std::uint32_t spins = 0; last != 0 && spins < (1u << 16); ++spins) {
            const std::size_t now = tx_dma_.remaining();
            if (now != last) spins = 0;
            last = now;
        }
        poll(Reg{base_ + kCsr}, kTxempty, kTxempty);
    }
    if (tx_dma_.is_running()) tx_dma_.abort();
    if (rx_dma_.is_running()) rx_dma_.abort();
    set_uart_mode();
    Reg{base_ + kMr}.write(kMrOver8 | kMrChrl8 | kMrParNone | kMrModeNormal);
    Reg{base_ + kBrgr}.write(baud_divisor(115200));
    Reg{base_ + kCr}.write(kCrTxen);
    tx_buffer_ = nullptr;
    rx_buffer_ = nullptr;
    configured_ = true;
}

void Usart::write_sync(const std::uint8_t* data, std::size_t length) {
    for (std::size_t i = 0; i < length; ++i) {
        if (!poll(Reg{base_ + kCsr}, kTxrdy, kTxrdy)) return;
        Reg{base_ + kThr}.write(data[i]);
    }
    poll(Reg{base_ + kCsr}, kTxempty, kTxempty);
}

}  // namespace sam4l
