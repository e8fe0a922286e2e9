#include "chips/sam4l/twim.hpp"

#include "arch/cortex-m/nvic.hpp"
#include "chips/sam4l/mmio.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

// Registers (datasheet 27.9), offsets from the instance base, in datasheet order.
constexpr std::uint32_t kCr = 0x00;
constexpr std::uint32_t kCwgr = 0x04;
constexpr std::uint32_t kCmdr = 0x0C;
constexpr std::uint32_t kNcmdr = 0x10;
constexpr std::uint32_t kRhr = 0x14;
constexpr std::uint32_t kSr = 0x1C;
constexpr std::uint32_t kIer = 0x20;
constexpr std::uint32_t kIdr = 0x24;
constexpr std::uint32_t kScr = 0x2C;
constexpr std::uint32_t kSrr = 0x3C;

// CR
constexpr std::uint32_t kCrMen = 1u << 0;
constexpr std::uint32_t kCrMdis = 1u << 1;
constexpr std::uint32_t kCrSwrst = 1u << 7;

// CMDR / NCMDR
constexpr std::uint32_t kCmdRead = 1u << 0;
constexpr std::uint32_t kCmdSadrShift = 1;
constexpr std::uint32_t kCmdStart = 1u << 13;
constexpr std::uint32_t kCmdStop = 1u << 14;
constexpr std::uint32_t kCmdValid = 1u << 15;
constexpr std::uint32_t kCmdNbytesShift = 16;

// SR / IER / IDR / SCR bits
constexpr std::uint32_t kSrRxrdy = 1u << 0;
constexpr std::uint32_t kSrCcomp = 1u << 3;
constexpr std::uint32_t kSrAnak = 1u << 8;
constexpr std::uint32_t kSrDnak = 1u << 9;
constexpr std::uint32_t kSrArblst = 1u << 10;
// Everything SCR can clear: CCOMP, ANAK, DNAK, ARBLST, TOUT, PECERR, STOP, HSMCACK.
constexpr std::uint32_t kScrAll =
    kSrCcomp | kSrAnak | kSrDnak | kSrArblst | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 17);
constexpr std::uint32_t kIrqWanted = kSrCcomp | kSrAnak | kSrDnak | kSrArblst;

// CWGR fields
constexpr std::uint32_t kCwgrHighShift = 8;
constexpr std::uint32_t kCwgrStastoShift = 16;
constexpr std::uint32_t kCwgrExpShift = 28;

// SRR: spike filter for standard/fast mode (FILTER = 2), strongest clock and data pull-down.
constexpr std::uint32_t kSrrValue = (2u << 28) | (7u << 16) | (7u << 0);

constexpr std::uint32_t kBusHz = 400'000;  // fast mode, as Tock's Hail

// The CWGR value for kBusHz at `clock_hz` (Tock's and ASF's formula): the prescaled clock
// f / 2^(EXP+1) must fit one bit time into LOW + HIGH <= 255 cycles; START/STOP hold one bit time.
std::uint32_t cwgr_for(std::uint32_t clock_hz) {
    std::uint32_t exp = 0;
    std::uint32_t cycles = clock_hz / kBusHz / 2;
    while (cycles > 0xFF && exp < 7) {
        ++exp;
        cycles /= 2;
    }
    if (cycles < 2) cycles = 2;  // a clock below 1.6 MHz (RCSYS): run as fast as it can
    if (cycles > 0xFF) cycles = 0xFF;
    const std::uint32_t low = cycles / 2;
    const std::uint32_t high = cycles - low;
    return (exp << kCwgrExpShift) | (cycles << kCwgrStastoShift) | (high << kCwgrHighShift) | low;
}

void twim_irq(void* context) {
    static_cast<Twim*>(context)->handle_interrupt();
}

// Tock's TWIM1 wiring (sam4l.md §1.3, §11.1, §11.2).
constexpr unsigned kDmaTwim1 = 11;
constexpr Twim::Config kTwim1{0x4001'C000, 63, 6, static_cast<DmaPeripheral>(6),
                              static_cast<DmaPeripheral>(24)};
constinit Twim g_twim1{kTwim1, dma_channels[kDmaTwim1]};

}  // namespace

Twim& twim1() {
    return g_twim1;
}

std::uint32_t Twim::reg(std::uint32_t offset) const {
    return Reg{config_.base + offset}.read();
}

void Twim::set_reg(std::uint32_t offset, std::uint32_t value) const {
    Reg{config_.base + offset}.write(value);
}

void Twim::register_interrupt() {
    cortexm::nvic_set_handler(config_.irq, twim_irq, this);
}

void Twim::enable() {
    if (enabled_) return;
    // The PBA mask bit of a TWIM is its peripheral id (sam4l.md §1.3); pm.hpp names only the
    // clocks of the drivers it was written for.
    pm::enable(static_cast<pm::PbaClock>(config_.pba_clock_bit));
    dma_.set_client(this);
    // Reset to a known state: enable, software reset, disable (as Tock and ASF do).
    set_reg(kCr, kCrMen);
    set_reg(kCr, kCrSwrst);
    set_reg(kCr, kCrMdis);
    set_reg(kCwgr, cwgr_for(pm::main_clock_hz()));
    set_reg(kSrr, kSrrValue);
    set_reg(kScr, kScrAll);
    set_reg(kIdr, ~0u);
    enabled_ = true;
}

void Twim::disable() {
    if (phase_ != Phase::kIdle) return;  // never cut a transfer short
    set_reg(kCr, kCrMdis);
    set_reg(kIdr, ~0u);
    pm::disable(static_cast<pm::PbaClock>(config_.pba_clock_bit));
    enabled_ = false;
}

hil::Status Twim::check_start(std::size_t len) const {
    if (phase_ != Phase::kIdle) return hil::ErrorCode::BUSY;
    if (!enabled_) return hil::ErrorCode::OFF;
    if (len == 0 || len > hil::kI2cMaxLength) return hil::ErrorCode::INVAL;
    return hil::Status::ok();
}

namespace {
std::uint32_t command(std::uint8_t addr, bool read, std::size_t len, std::uint32_t flags) {
    return (static_cast<std::uint32_t>(addr & 0x7F) << kCmdSadrShift) |
           (static_cast<std::uint32_t>(len) << kCmdNbytesShift) | kCmdValid | flags |
           (read ? kCmdRead : 0u);
}
}  // namespace

void Twim::start(std::uint32_t cmdr, std::uint32_t ncmdr, DmaPeripheral pid, std::size_t len) {
    // The datasheet order: commands are written with the master disabled, the master enabled,
    // then the PDCA started (it is paced by TXRDY/RXRDY).
    set_reg(kCr, kCrMdis);
    set_reg(kCmdr, cmdr);
    set_reg(kNcmdr, ncmdr);
    set_reg(kScr, kScrAll);
    set_reg(kIer, kIrqWanted);
    set_reg(kCr, kCrMen);
    dma_.start(pid, buffer_, len);
}

hil::Status Twim::write(std::uint8_t addr, std::uint8_t* data, std::size_t len) {
    if (hil::Status s = check_start(len); !s.is_ok()) return s;
    if (data == nullptr) return hil::ErrorCode::INVAL;
    buffer_ = data;
    phase_ = Phase::kSingle;
    start(command(addr, false, len, kCmdStart | kCmdStop), 0, config_.dma_tx, len);
    return hil::Status::ok();
}

hil::Status Twim::read(std::uint8_t addr, std::uint8_t* buffer, std::size_t len) {
    if (hil::Status s = check_start(len); !s.is_ok()) return s;
    if (buffer == nullptr) return hil::ErrorCode::INVAL;
    buffer_ = buffer;
    phase_ = Phase::kSingle;
    start(command(addr, true, len, kCmdStart | kCmdStop), 0, config_.dma_rx, len);
    return hil::Status::ok();
}

hil::Status Twim::write_read(std::uint8_t addr, std::uint8_t* buffer, std::size_t write_len,
                             std::size_t read_len) {
    if (hil::Status s = check_start(write_len); !s.is_ok()) return s;
    if (read_len == 0 || read_len > hil::kI2cMaxLength || buffer == nullptr) {
        return hil::ErrorCode::INVAL;
    }
    buffer_ = buffer;
    read_len_ = read_len;
    phase_ = Phase::kWriteThenRead;
    // No STOP after the write: NCMDR follows with a repeated START.
    start(command(addr, false, write_len, kCmdStart),
          command(addr, true, read_len, kCmdStart | kCmdStop), config_.dma_tx, write_len);
    return hil::Status::ok();
}

void Twim::handle_interrupt() {
    const std::uint32_t status = reg(kSr);
    if ((status & (kSrAnak | kSrDnak | kSrArblst)) != 0) {
        // After a NAK the TWIM halts with the command still VALID and would send it again once
        // the flag is cleared: drop the commands first.
        set_reg(kCmdr, 0);
        set_reg(kNcmdr, 0);
    }
    set_reg(kScr, kScrAll);
    if (phase_ == Phase::kIdle) {
        set_reg(kIdr, ~0u);  // a late CCOMP of a transfer already reported
        return;
    }
    hil::Status outcome = hil::Status::ok();
    if ((status & kSrAnak) != 0) {
        outcome = hil::ErrorCode::NODEVICE;
    } else if ((status & kSrDnak) != 0) {
        outcome = hil::ErrorCode::NOACK;
    } else if ((status & kSrArblst) != 0) {
        outcome = hil::ErrorCode::RESERVE;
    } else if ((status & kSrCcomp) == 0) {
        return;  // nothing this driver waits for
    }
    if (outcome.is_ok() && phase_ == Phase::kWriteThenRead) {
        begin_read_phase(status);
        return;
    }
    finish(outcome);
}

void Twim::begin_read_phase(std::uint32_t status) {
    // The write command completed; the read in NCMDR is under way (or, for one byte, may be
    // done already, its byte waiting in RHR: RHR full stops a longer read after its first byte).
    phase_ = Phase::kReadAfterWrite;
    dma_.abort();
    if (read_len_ == 1 && (status & kSrRxrdy) != 0) {
        buffer_[0] = static_cast<std::uint8_t>(reg(kRhr));
        finish(hil::Status::ok());
        return;
    }
    dma_.start(config_.dma_rx, buffer_, read_len_);
}

void Twim::finish(hil::Status status) {
    set_reg(kCmdr, 0);
    set_reg(kNcmdr, 0);
    set_reg(kIdr, ~0u);
    dma_.abort();
    if (!status.is_ok()) {
        // Leave no half-done command behind; SWRST also clears CWGR, so the next transfer
        // re-initialises through enable().
        set_reg(kCr, kCrMen);
        set_reg(kCr, kCrSwrst);
        set_reg(kCr, kCrMdis);
        enabled_ = false;
    }
    phase_ = Phase::kIdle;
    std::uint8_t* buffer = buffer_;
    buffer_ = nullptr;
    if (client_ != nullptr) client_->command_complete(buffer, status);
}

}  // namespace sam4l
