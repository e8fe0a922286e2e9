#include "chips/sam4l/pdca.hpp"

#include "chips/sam4l/mmio.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

constexpr std::uintptr_t kPdcaBase = 0x400A'2000;
constexpr std::uintptr_t kChannelStride = 0x40;

// Per-channel registers, in datasheet order.
constexpr std::uint32_t kPsr = 0x04;  // accessed as a byte (PID), like Tock
constexpr std::uint32_t kTcr = 0x08;
constexpr std::uint32_t kMarr = 0x0C;
constexpr std::uint32_t kTcrr = 0x10;
constexpr std::uint32_t kCr = 0x14;
constexpr std::uint32_t kMr = 0x18;
constexpr std::uint32_t kIer = 0x20;
constexpr std::uint32_t kIdr = 0x24;
constexpr std::uint32_t kIsr = 0x2C;

constexpr std::uint32_t kCrTen = 1u << 0;
constexpr std::uint32_t kCrTdis = 1u << 1;
constexpr std::uint32_t kMrSizeByte = 0;
constexpr std::uint32_t kIntRcz = 1u << 0;
constexpr std::uint32_t kIntTrc = 1u << 1;
constexpr std::uint32_t kIntTerr = 1u << 2;
constexpr std::uint32_t kIntAll = kIntRcz | kIntTrc | kIntTerr;

}  // namespace

constinit DmaChannel dma_channels[DmaChannel::kCount] = {
    DmaChannel(0),  DmaChannel(1),  DmaChannel(2),  DmaChannel(3),  DmaChannel(4),  DmaChannel(5),
    DmaChannel(6),  DmaChannel(7),  DmaChannel(8),  DmaChannel(9),  DmaChannel(10), DmaChannel(11),
    DmaChannel(12), DmaChannel(13), DmaChannel(14), DmaChannel(15),
};

namespace {

Reg reg(unsigned channel, std::uint32_t offset) {
    return Reg{kPdcaBase + kChannelStride * channel + offset};
}

}  // namespace

void DmaChannel::start(DmaPeripheral peripheral, const volatile std::uint8_t* buffer,
                       std::size_t length) {
    pm::enable(pm::HsbClock::kPdca);
    pm::enable(pm::PbbClock::kPdca);
    reg(channel_, kIdr).write(kIntAll);
    reg(channel_, kMr).write(kMrSizeByte);
    Reg8{kPdcaBase + kChannelStride * channel_ + kPsr}.write(static_cast<std::uint8_t>(peripheral));
    // With TCR = 0 the reload pair is copied into MAR/TCR at once (sam4l.md §11).
    reg(channel_, kMarr)
        .write(static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(buffer)));
    reg(channel_, kTcrr).write(static_cast<std::uint32_t>(length));
    running_ = true;
    reg(channel_, kIer).write(kIntTrc);
    reg(channel_, kCr).write(kCrTen);
}

std::size_t DmaChannel::remaining() const {
    return reg(channel_, kTcr).read() + reg(channel_, kTcrr).read();
}

std::size_t DmaChannel::abort() {
    reg(channel_, kIdr).write(kIntAll);
    reg(channel_, kCr).write(kCrTdis);
    const std::size_t remaining = reg(channel_, kTcr).read() + reg(channel_, kTcrr).read();
    reg(channel_, kTcrr).write(0);
    reg(channel_, kTcr).write(0);
    running_ = false;
    return remaining;
}

void DmaChannel::handle_interrupt() {
    if (!running_) {
        reg(channel_, kIdr).write(kIntAll);
        return;
    }
    // Only TRC is enabled; without it the transfer is still going and the IRQ stays armed.
    if ((reg(channel_, kIsr).read() & kIntTrc) == 0) return;
    reg(channel_, kIdr).write(kIntAll);
    reg(channel_, kCr).write(kCrTdis);
    running_ = false;
    const auto peripheral =
        static_cast<DmaPeripheral>(Reg8{kPdcaBase + kChannelStride * channel_ + kPsr}.read());
    if (client_ != nullptr) client_->transfer_done(peripheral);
}

}  // namespace sam4l
