#include "emu/periph/sam4l/twim.hpp"

#include <string>

#include <fmt/format.h>

namespace tockemu::sam4l {

namespace {

// Datasheet register summary, in address order (sam4l.md §15.5).
constexpr Reg kRegs[] = {
    {0x00, "CR", Access::WO},                    // MEN, MDIS, SMEN, SMDIS, SWRST, STOP
    {0x04, "CWGR", Access::RW, 0, 0x7FFF'FFFF},  // EXP, DATA, STASTO, HIGH, LOW
    {0x08, "SMBTR", Access::RW},
    {0x0C, "CMDR", Access::RW, 0, 0x77FF'FFFF},   // HSMCODE..READ
    {0x10, "NCMDR", Access::RW, 0, 0x77FF'FFFF},  // same layout
    {0x14, "RHR", Access::RO},                    // RXDATA[7:0]; reading empties it
    {0x18, "THR", Access::WO},                    // TXDATA[7:0]
    {0x1C, "SR", Access::RO, 0x0000'0002},        // computed in update_irq()
    {0x20, "IER", Access::WO, 0, 0x0003'7F3F, Action::Set, 0x28},
    {0x24, "IDR", Access::WO, 0, 0x0003'7F3F, Action::Clear, 0x28},
    {0x28, "IMR", Access::RO},
    {0x2C, "SCR", Access::WO},  // write 1 to clear HSMCACK, STOP, PECERR..ANAK, CCOMP
    {0x30, "PR", Access::RO},
    {0x34, "VR", Access::RO},
    {0x38, "HSCWGR", Access::RW},
    {0x3C, "SRR", Access::RW},
    {0x40, "HSSRR", Access::RW},
};
constexpr std::size_t kIdxCR = 0, kIdxCMDR = 3, kIdxNCMDR = 4, kIdxRHR = 5, kIdxTHR = 6,
                      kIdxSCR = 11;

// Flags SCR clears (the others follow the hardware state).
constexpr std::uint32_t kClearable = Twim::SR_CCOMP | Twim::SR_ANAK | Twim::SR_DNAK |
                                     Twim::SR_ARBLST | Twim::SR_SMBALERT | Twim::SR_TOUT |
                                     Twim::SR_PECERR | Twim::SR_STOP | Twim::SR_HSMCACK;
// Any of these halts the master until SCR clears it.
constexpr std::uint32_t kHalting = Twim::SR_ANAK | Twim::SR_DNAK | Twim::SR_ARBLST;

}  // namespace

Twim::Twim(MachineContext& ctx, unsigned index, ClockHz pba_hz, DmaRequestSink* dma)
    : RegisterBlock(fmt::format("TWIM{}", index), kRegs, kSize.at(index)),
      ctx_(ctx),
      index_(index),
      log_(fmt::format("TWIM{}", index)),
      pba_hz_(std::move(pba_hz)),
      irq_(&ctx.irq, kIrq.at(index)),
      dma_rx_(dma, kPidRx0 + index),
      dma_tx_(dma, kPidTx0 + index) {
    reset();
}

Twim::~Twim() {
    ctx_.clock.cancel(event_);
}

void Twim::attach(std::uint8_t address, std::unique_ptr<I2cDevice> device) {
    if (address >= devices_.size()) return;
    if (addressed_ != nullptr && addressed_ == devices_[address].get()) addressed_ = nullptr;
    devices_[address] = std::move(device);
}

I2cDevice* Twim::device(std::uint8_t address) const {
    return address < devices_.size() ? devices_[address].get() : nullptr;
}

void Twim::on_reset() {
    ctx_.clock.cancel(event_);
    frozen_ = false;
    release_device();
    enabled_ = busy_ = owned_ = stop_requested_ = false;
    active_ = need_address_ = read_ = stop_after_ = acklast_ = false;
    remaining_ = 0;
    address_ = thr_ = shifter_ = rhr_ = 0;
    thr_full_ = rhr_full_ = false;
    sticky_ = 0;
}

// ---- status and lines ---------------------------------------------------------------------------

std::uint32_t Twim::status() const {
    std::uint32_t s = sticky_;
    const std::uint32_t cmdr = reg(CMDR);
    const bool read_command = active_ ? read_ : (cmdr & CMDR_VALID) && (cmdr & CMDR_READ);
    if (rhr_full_) s |= SR_RXRDY;
    if (!thr_full_ && !read_command) s |= SR_TXRDY;
    if (enabled_) {
        s |= SR_MENB;
        if (!(reg(NCMDR) & CMDR_VALID)) s |= SR_CRDY;
        if (!busy_ && !active_ && !(cmdr & CMDR_VALID)) s |= SR_IDLE;
        if (!busy_ && !owned_) s |= SR_BUSFREE;
    }
    return s;
}

void Twim::update_irq() {
    const std::uint32_t s = status();
    set_reg(SR, s);
    irq_.set((s & reg(IMR)) != 0);
    dma_rx_.set((s & SR_RXRDY) != 0);
    dma_tx_.set((s & SR_TXRDY) != 0);
}

// ---- guest accesses -----------------------------------------------------------------------------

std::uint32_t Twim::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    if (index != kIdxRHR) return stored;
    if (side_effects) {
        if (rhr_full_) {
            rhr_full_ = false;
            advance();  // a read waiting for RHR continues
            update_irq();
        } else {
            log_.guest_error("read RHR with RXRDY = 0 (stale byte)");
        }
    }
    return rhr_;
}

void Twim::on_write(std::size_t index, std::uint32_t value) {
    switch (index) {
        case kIdxCR:
            control(value);
            break;
        case kIdxCMDR:
            if (active_) log_.guest_error("wrote CMDR while its command is in progress");
            if (value & CMDR_VALID) advance();
            break;
        case kIdxNCMDR:
            write_ncmdr();
            break;
        case kIdxTHR:
            if (thr_full_) log_.guest_error("wrote THR before TXRDY (byte lost)");
            thr_ = static_cast<std::uint8_t>(value);
            thr_full_ = true;
            advance();
            break;
        case kIdxSCR:
            sticky_ &= ~(value & kClearable);
            advance();  // a NAK cleared with CMDR still VALID re-sends the command
            break;
        default:
            break;
    }
    update_irq();
}

void Twim::control(std::uint32_t cr) {
    if (cr & CR_SWRST) {
        if (enabled_) {
            reset();  // registers and transfer state; the attached devices stay
            return;
        }
        log_.guest_error("CR.SWRST with the master disabled (ignored; write CR.MEN first)");
    }
    if (cr & (CR_SMEN | CR_SMDIS)) log_.model_gap("CR.SMEN/SMDIS: SMBus mode is not modelled");
    if (cr & CR_MDIS) {
        enabled_ = false;
    } else if (cr & CR_MEN) {
        enabled_ = true;
    }
    if (cr & CR_STOP) stop_requested_ = true;
    advance();
}

void Twim::write_ncmdr() {
    if ((reg(NCMDR) & CMDR_VALID) && !(reg(CMDR) & CMDR_VALID) && !active_) {
        set_reg(CMDR, reg(NCMDR));
        set_reg(NCMDR, reg(NCMDR) & ~CMDR_VALID);
    }
    advance();
}

// ---- the transfer engine ------------------------------------------------------------------------

// Starts the next bus phase if one can start now; called after every state change.
void Twim::advance() {
    if (busy_ || !enabled_ || !clock_running() || (sticky_ & kHalting)) return;
    if (stop_requested_) {
        stop_requested_ = false;
        active_ = false;
        set_reg(CMDR, reg(CMDR) & ~CMDR_VALID);
        set_reg(NCMDR, reg(NCMDR) & ~CMDR_VALID);
        if (owned_) {
            begin_stop(StopKind::Requested);
        } else {
            sticky_ |= SR_STOP;
        }
        return;
    }
    if (!active_ && !load_command()) return;
    if (need_address_) return begin_address();
    if (remaining_ > 0) {
        if (read_ && !rhr_full_) begin_read_byte();
        if (!read_ && thr_full_) begin_write_byte();
        return;  // otherwise the clock is stretched until RHR is read / THR is written
    }
    if (stop_after_) return begin_stop(StopKind::EndOfCommand);
    complete_command();
}

bool Twim::load_command() {
    const std::uint32_t cmdr = reg(CMDR);
    if (!(cmdr & CMDR_VALID)) return false;
    if (cmdr & CMDR_TENBIT) log_.model_gap("CMDR.TENBIT: 10-bit addressing (every address NAKs)");
    if (cmdr & CMDR_HS) log_.model_gap("CMDR.HS: high-speed mode (timed as standard/fast mode)");
    if (cmdr & CMDR_PECEN) log_.model_gap("CMDR.PECEN: SMBus packet error checking");
    const bool start = (cmdr & CMDR_START) != 0;
    if (!start && !owned_)
        log_.guest_error("command without START while the bus is free (a START is sent)");
    active_ = true;
    read_ = (cmdr & CMDR_READ) != 0;
    stop_after_ = (cmdr & CMDR_STOP) != 0;
    acklast_ = (cmdr & CMDR_ACKLAST) != 0;
    remaining_ = (cmdr >> 16) & 0xFF;
    address_ = static_cast<std::uint8_t>((cmdr >> 1) & 0x7F);
    need_address_ = start || !owned_;
    return true;
}

Picos Twim::cycles(std::uint64_t n) const {
    const std::uint64_t f = pba_hz_ ? pba_hz_() : ctx_.clock.core_hz();
    if (f == 0) return 0;
    const unsigned exp = (reg(CWGR) >> 28) & 0x7;
    return picos_for_ticks(n << (exp + 1), f);
}

Picos Twim::bit_time() const {
    const std::uint32_t cwgr = reg(CWGR);
    std::uint64_t period = (cwgr & 0xFF) + ((cwgr >> 8) & 0xFF);
    if (period == 0) {
        log_.guest_error("CWGR.LOW + HIGH = 0 (timed as 1 cycle)");
        period = 1;
    }
    return cycles(period);
}

Picos Twim::stasto_time() const {
    std::uint64_t stasto = (reg(CWGR) >> 16) & 0xFF;
    if (stasto == 0) {
        log_.guest_error("CWGR.STASTO = 0 (timed as 1 cycle)");
        stasto = 1;
    }
    return cycles(stasto);
}

void Twim::schedule(Picos delay, void (Twim::*step)(), const char* what) {
    busy_ = true;
    event_due_ = ctx_.clock.now() + delay;
    event_step_ = step;
    event_ = ctx_.clock.schedule_in(
        delay, [this, step] { (this->*step)(); }, what);
}

void Twim::on_clock_gate(bool running) {
    if (!running) {
        if (!busy_ || frozen_ || !ctx_.clock.pending(event_)) return;
        ctx_.clock.cancel(event_);
        frozen_left_ = event_due_ > ctx_.clock.now() ? event_due_ - ctx_.clock.now() : 0;
        frozen_ = true;
        return;
    }
    if (frozen_) {
        frozen_ = false;
        schedule(frozen_left_, event_step_, "twim-resume");
    }
    advance();
}

void Twim::begin_address() {
    // A repeated START ends the previous addressing without a STOP.
    addressed_ = nullptr;
    owned_ = true;
    schedule(stasto_time() + 9 * bit_time(), &Twim::address_done, "twim-address");
}

void Twim::address_done() {
    busy_ = false;
    need_address_ = false;
    I2cDevice* dev = (reg(CMDR) & CMDR_TENBIT) ? nullptr : devices_[address_].get();
    if (dev != nullptr && dev->start(address_, read_)) {
        addressed_ = dev;
        advance();
    } else {
        nak(SR_ANAK);
    }
    update_irq();
}

void Twim::begin_write_byte() {
    shifter_ = thr_;
    thr_full_ = false;  // TXRDY: the PDCA may refill THR while this byte is on the wire
    schedule(9 * bit_time(), &Twim::write_done, "twim-write");
}

void Twim::write_done() {
    busy_ = false;
    --remaining_;
    if (addressed_ != nullptr && addressed_->write_byte(shifter_)) {
        advance();
    } else {
        nak(SR_DNAK);
    }
    update_irq();
}

void Twim::begin_read_byte() {
    const Picos hold = addressed_ != nullptr ? addressed_->stretch() : 0;
    schedule(hold + 9 * bit_time(), &Twim::read_done, "twim-read");
}

void Twim::read_done() {
    busy_ = false;
    const bool ack = remaining_ > 1 || acklast_;
    --remaining_;
    rhr_ = addressed_ != nullptr ? addressed_->read_byte(ack) : 0xFF;
    rhr_full_ = true;
    advance();
    update_irq();
}

void Twim::begin_stop(StopKind kind) {
    stop_kind_ = kind;
    schedule(stasto_time(), &Twim::stop_done, "twim-stop");
}

void Twim::stop_done() {
    busy_ = false;
    owned_ = false;
    release_device();
    switch (stop_kind_) {
        case StopKind::EndOfCommand:
            complete_command();
            break;
        case StopKind::Requested:
            sticky_ |= SR_STOP;
            advance();
            break;
        case StopKind::AfterNak:
            break;  // halted until SCR clears ANAK/DNAK
    }
    update_irq();
}

// The slave refused: the master sends STOP and keeps CMDR VALID (re-sent when SCR clears the flag).
void Twim::nak(std::uint32_t flag) {
    sticky_ |= flag;
    active_ = false;
    begin_stop(StopKind::AfterNak);
}

void Twim::complete_command() {
    active_ = false;
    sticky_ |= SR_CCOMP;
    const std::uint32_t next = reg(NCMDR);
    if (next & CMDR_VALID) {
        set_reg(CMDR, next);
        set_reg(NCMDR, next & ~CMDR_VALID);
    } else {
        set_reg(CMDR, reg(CMDR) & ~CMDR_VALID);
    }
    advance();
}

void Twim::release_device() {
    if (addressed_ != nullptr) addressed_->stop();
    addressed_ = nullptr;
}

}  // namespace tockemu::sam4l
