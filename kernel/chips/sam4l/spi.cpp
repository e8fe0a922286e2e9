#include "chips/sam4l/spi.hpp"

#include "chips/sam4l/mmio.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

constexpr std::uintptr_t kSpiBase = 0x4000'8000;
// Registers, in datasheet order.
constexpr Reg kCr{kSpiBase + 0x00};
constexpr Reg kMr{kSpiBase + 0x04};
constexpr Reg kSr{kSpiBase + 0x10};
constexpr Reg kIdr{kSpiBase + 0x18};
constexpr std::uintptr_t kCsr0 = kSpiBase + 0x30;

constexpr std::uint32_t kCrSpien = 1u << 0;
constexpr std::uint32_t kCrSpidis = 1u << 1;
constexpr std::uint32_t kCrLastxfer = 1u << 24;
constexpr std::uint32_t kMrMstr = 1u << 0;
constexpr std::uint32_t kMrModfdis = 1u << 4;
constexpr std::uint32_t kMrPcsShift = 16;
constexpr std::uint32_t kMrPcsMask = 0xFu << kMrPcsShift;
constexpr std::uint32_t kSrTxempty = 1u << 9;
constexpr std::uint32_t kCsrCpol = 1u << 0;
constexpr std::uint32_t kCsrNcpha = 1u << 1;
constexpr std::uint32_t kCsrBitsMask = 0xFu << 4;  // 0 = 8 bits
constexpr std::uint32_t kCsrScbrShift = 8;
constexpr std::uint32_t kCsrScbrMask = 0xFFu << kCsrScbrShift;

// NPCSn is selected by a PCS value with bit n the lowest zero bit (no decoder).
constexpr std::uint32_t kPcsFor[Spi::kChipSelects] = {0b1110, 0b1101, 0b1011, 0b0111};

}  // namespace

std::uintptr_t Spi::csr() const {
    return kCsr0 + 4u * chip_select_;
}

hil::Status Spi::init() {
    rx_dma_.set_client(this);
    tx_dma_.set_client(this);
    pm::enable(pm::PbaClock::kSpi);
    kCr.write(kCrLastxfer);
    Reg{csr()}.clear_bits(kCsrBitsMask);
    kMr.write((kMr.read() & ~kMrPcsMask) | kMrMstr | kMrModfdis |
              (kPcsFor[chip_select_] << kMrPcsShift));
    kIdr.write(0x7FF);
    if (Reg{csr()}.any(kCsrScbrMask) == false) set_rate(1'000'000);
    return hil::Status::ok();
}

hil::Status Spi::read_write_bytes(const std::uint8_t* write, std::uint8_t* read,
                                  std::size_t length) {
    if (busy_) return kernel::ErrorCode::BUSY;
    if (write == nullptr || length == 0 || length > 0xFFFF) return kernel::ErrorCode::INVAL;
    busy_ = true;
    write_ = write;
    read_ = read;
    length_ = length;
    pm::enable(pm::PbaClock::kSpi);
    kCr.write(kCrSpien);
    rx_pending_ = read != nullptr;
    tx_pending_ = true;
    // Receive first, so no incoming byte can be missed once the transmitter starts.
    if (rx_pending_) rx_dma_.start(DmaPeripheral::kSpiRx, read, length);
    tx_dma_.start(DmaPeripheral::kSpiTx, write, length);
    return hil::Status::ok();
}

void Spi::transfer_done(DmaPeripheral peripheral) {
    if (peripheral == DmaPeripheral::kSpiRx) rx_pending_ = false;
    if (peripheral == DmaPeripheral::kSpiTx) tx_pending_ = false;
    if (busy_ && !rx_pending_ && !tx_pending_) finish();
}

void Spi::finish() {
    // TX DMA completes when the last byte enters TDR; it still has to be shifted out.
    poll(kSr, kSrTxempty, kSrTxempty);
    kCr.write(kCrSpidis);
    busy_ = false;
    if (client_ != nullptr) client_->read_write_done(write_, read_, length_, hil::Status::ok());
}

std::uint32_t Spi::set_rate(std::uint32_t hz) {
    if (hz == 0) hz = 1;
    // SPCK = CLK_SPI / SCBR, SCBR in 1..255; round the divider up so the rate never exceeds hz.
    std::uint32_t scbr = (pm::kSystemClockHz + hz - 1) / hz;
    if (scbr < 1) scbr = 1;
    if (scbr > 255) scbr = 255;
    pm::enable(pm::PbaClock::kSpi);
    const Reg reg{csr()};
    reg.write((reg.read() & ~kCsrScbrMask) | (scbr << kCsrScbrShift));
    return pm::kSystemClockHz / scbr;
}

std::uint32_t Spi::get_rate() const {
    const std::uint32_t scbr = (Reg{csr()}.read() & kCsrScbrMask) >> kCsrScbrShift;
    return scbr == 0 ? 0 : pm::kSystemClockHz / scbr;
}

void Spi::set_polarity(hil::ClockPolarity polarity) {
    const Reg reg{csr()};
    if (polarity == hil::ClockPolarity::kIdleHigh) {
        reg.set_bits(kCsrCpol);
    } else {
        reg.clear_bits(kCsrCpol);
    }
}

hil::ClockPolarity Spi::get_polarity() const {
    return Reg{csr()}.any(kCsrCpol) ? hil::ClockPolarity::kIdleHigh : hil::ClockPolarity::kIdleLow;
}

void Spi::set_phase(hil::ClockPhase phase) {
    // NCPHA = 1 captures on the leading edge, i.e. Motorola CPHA = 0.
    const Reg reg{csr()};
    if (phase == hil::ClockPhase::kSampleLeading) {
        reg.set_bits(kCsrNcpha);
    } else {
        reg.clear_bits(kCsrNcpha);
    }
}

hil::ClockPhase Spi::get_phase() const {
    return Reg{csr()}.any(kCsrNcpha) ? hil::ClockPhase::kSampleLeading
                                     : hil::ClockPhase::kSampleTrailing;
}

hil::Status Spi::specify_chip_select(std::uint8_t cs) {
    if (cs >= kChipSelects) return kernel::ErrorCode::INVAL;
    if (busy_) return kernel::ErrorCode::BUSY;
    chip_select_ = cs;
    kMr.write((kMr.read() & ~kMrPcsMask) | (kPcsFor[cs] << kMrPcsShift));
    Reg{csr()}.clear_bits(kCsrBitsMask);
    if (!Reg{csr()}.any(kCsrScbrMask)) set_rate(1'000'000);
    return hil::Status::ok();
}

}  // namespace sam4l
