#include "emu/periph/sam4l/usart.hpp"

#include <fmt/format.h>

namespace tockemu::sam4l {

namespace {

// Datasheet register summary, in address order (sam4l.md §10).
constexpr Reg kRegs[] = {
    {0x00, "CR", Access::WO},
    {0x04, "MR", Access::RW},
    {0x08, "IER", Access::WO, 0, 0xFFFF'FFFF, Action::Set, 0x10},
    {0x0C, "IDR", Access::WO, 0, 0xFFFF'FFFF, Action::Clear, 0x10},
    {0x10, "IMR", Access::RO},
    {0x14, "CSR", Access::RO},                   // computed in on_read()
    {0x18, "RHR", Access::RO},                   // RXCHR[8:0]; reading clears RXRDY
    {0x1C, "THR", Access::WO},                   // TXCHR[8:0]
    {0x20, "BRGR", Access::RW, 0, 0x0007'FFFF},  // CD[15:0], FP[18:16]
    {0x24, "RTOR", Access::RW, 0, 0x0001'FFFF},  // TO[16:0]
    {0x28, "TTGR", Access::RW, 0, 0x0000'00FF},  // TG[7:0]
    {0x40, "FIDI", Access::RW, 0x174, 0x0000'07FF},
    {0x44, "NER", Access::RO},
    {0x4C, "IFR", Access::RW, 0, 0x0000'00FF},
    {0x50, "MAN", Access::RW, 0x3001'1004},
    {0x54, "LINMR", Access::RW},
    {0x58, "LINIR", Access::RW, 0, 0x0000'00FF},
    {0x5C, "LINBRR", Access::RO},
    {0xE4, "WPMR", Access::RW},
    {0xE8, "WPSR", Access::RO},
    {0xFC, "VERSION", Access::RO, 0x602},
};
constexpr std::size_t kIdxCR = 0, kIdxMR = 1, kIdxCSR = 5, kIdxRHR = 6, kIdxTHR = 7, kIdxBRGR = 8,
                      kIdxRTOR = 9;

// MR fields.
constexpr std::uint32_t mr_mode(std::uint32_t mr) {
    return mr & 0xF;
}
constexpr std::uint32_t mr_usclks(std::uint32_t mr) {
    return (mr >> 4) & 0x3;
}
constexpr std::uint32_t mr_chrl(std::uint32_t mr) {
    return (mr >> 6) & 0x3;
}
constexpr bool mr_sync(std::uint32_t mr) {
    return (mr >> 8) & 1;
}
constexpr std::uint32_t mr_par(std::uint32_t mr) {
    return (mr >> 9) & 0x7;
}
constexpr std::uint32_t mr_nbstop(std::uint32_t mr) {
    return (mr >> 12) & 0x3;
}
constexpr std::uint32_t mr_chmode(std::uint32_t mr) {
    return (mr >> 14) & 0x3;
}
constexpr bool mr_mode9(std::uint32_t mr) {
    return (mr >> 17) & 1;
}
constexpr bool mr_over(std::uint32_t mr) {
    return (mr >> 19) & 1;
}

constexpr std::uint32_t kChmodeLocalLoopback = 2;
// CLK_USART/DIV for USCLKS=1 (USARTn_CLK_DIV in the ASF instance headers).
constexpr std::uint64_t kUsclksDiv = 8;

}  // namespace

Usart::Usart(MachineContext& ctx, unsigned index, ClockHz pba_hz, DmaRequestSink* dma)
    : RegisterBlock(fmt::format("USART{}", index), kRegs, kSize),
      ctx_(ctx),
      log_(fmt::format("USART{}", index)),
      index_(index),
      pba_hz_(std::move(pba_hz)),
      irq_(&ctx.irq, kIrq[index % kCount]),
      dma_rx_(dma, pid::kUsartRx0 + index),
      dma_tx_(dma, pid::kUsartTx0 + index) {
    reset();
}

Usart::~Usart() {
    ctx_.clock.cancel(tx_event_);
    ctx_.clock.cancel(rx_event_);
    ctx_.clock.cancel(timeout_event_);
}

void Usart::on_reset() {
    ctx_.clock.cancel(tx_event_);
    ctx_.clock.cancel(rx_event_);
    ctx_.clock.cancel(timeout_event_);
    paused_ = {};
    tx_enabled_ = rx_enabled_ = thr_full_ = shifting_ = in_break_ = false;
    thr_ = shifter_ = rhr_ = 0;
    sticky_ = 0;
    timeout_ = TimeoutState::Stopped;
    // The host-side RX queue survives a chip reset: those bytes are still on their way.
}

std::uint32_t Usart::status() const {
    std::uint32_t s = sticky_;
    if (tx_enabled_ && !thr_full_) s |= CSR_TXRDY;
    if (tx_enabled_ && !thr_full_ && !shifting_) s |= CSR_TXEMPTY;
    return s;
}

namespace {
// Remaining time of a pending event, cancelling it (0 when none was pending).
Picos take_remaining(Clock& clock, Clock::EventId id) {
    const auto t = clock.time_of(id);
    if (!t) return 0;
    clock.cancel(id);
    return *t > clock.now() ? *t - clock.now() : 1;
}
}  // namespace

void Usart::on_clock_gate(bool running) {
    Clock& clock = ctx_.clock;
    if (!running) {
        paused_.tx = take_remaining(clock, tx_event_);
        paused_.rx = take_remaining(clock, rx_event_);
        paused_.timeout = take_remaining(clock, timeout_event_);
        return;
    }
    if (paused_.tx)
        tx_event_ = clock.schedule_in(
            paused_.tx, [this] { tx_done(); }, "usart-tx");
    if (paused_.rx) {
        // The paused event is the end of a break or the next character's arrival.
        rx_event_ = in_break_ ? clock.schedule_in(
                                    paused_.rx, [this] { break_end(); }, "usart-rx-break-end")
                              : clock.schedule_in(
                                    paused_.rx, [this] { rx_arrival(); }, "usart-rx");
    }
    if (paused_.timeout) {
        timeout_event_ = clock.schedule_in(
            paused_.timeout, [this] { fire_timeout(); }, "usart-rtor");
    }
    paused_ = {};
    try_start_tx();
    schedule_rx();
}

void Usart::update_irq() {
    const std::uint32_t s = status();
    set_reg(CSR, s);  // so that debugger peeks and tests see the live value
    irq_.set((s & reg(IMR)) != 0);
    dma_rx_.set((s & CSR_RXRDY) != 0);
    dma_tx_.set((s & CSR_TXRDY) != 0);
}

std::uint32_t Usart::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    if (index == kIdxCSR) return status();
    if (index == kIdxRHR) {
        if (side_effects && (sticky_ & CSR_RXRDY)) {
            sticky_ &= ~CSR_RXRDY;
            update_irq();
        }
        return rhr_;
    }
    return stored;
}

void Usart::on_write(std::size_t index, std::uint32_t value) {
    switch (index) {
        case kIdxCR:
            command(value);
            break;
        case kIdxTHR:
            write_thr(value);
            break;
        case kIdxMR:
            check_mode();
            [[fallthrough]];
        case kIdxBRGR:
            // A character waiting for a baud clock can start now; one already on the line keeps
            // the timing it started with.
            try_start_tx();
            schedule_rx();
            break;
        case kIdxRTOR:
            if ((reg(RTOR) & 0x1'FFFF) == 0) {
                ctx_.clock.cancel(timeout_event_);
                timeout_ = TimeoutState::Stopped;
            } else if (timeout_ == TimeoutState::Stopped) {
                timeout_ = TimeoutState::WaitingForChar;
            }
            break;
        default:
            break;
    }
}

void Usart::check_mode() {
    const std::uint32_t mr = reg(MR);
    if (mr_mode(mr) > 2) log_.model_gap("MR.MODE other than normal/RS485/handshaking");
    if (mr_usclks(mr) == 3 || mr_usclks(mr) == 2)
        log_.model_gap("MR.USCLKS external/reserved clock (no baud clock)");
    if (mr_chmode(mr) == 1 || mr_chmode(mr) == 3)
        log_.model_gap("MR.CHMODE automatic echo / remote loopback");
}

void Usart::command(std::uint32_t cr) {
    if (cr & CR_RSTRX) {
        ctx_.clock.cancel(rx_event_);
        in_break_ = false;
        rx_enabled_ = false;
        sticky_ &= ~CSR_RXRDY;
    }
    if (cr & CR_RSTTX) {
        // The character on the line is cut short: it never reaches the host.
        ctx_.clock.cancel(tx_event_);
        tx_enabled_ = thr_full_ = shifting_ = false;
    }
    if (cr & CR_RSTSTA) sticky_ &= ~(CSR_PARE | CSR_FRAME | CSR_OVRE | CSR_RXBRK);
    if (cr & (CR_STTBRK | CR_STPBRK)) log_.model_gap("CR.STTBRK/STPBRK (breaks)");

    if (cr & CR_RXDIS) {
        rx_enabled_ = false;
        in_break_ = false;
        ctx_.clock.cancel(rx_event_);
    } else if (cr & CR_RXEN) {
        rx_enabled_ = true;
    }
    if (cr & CR_TXDIS) {
        tx_enabled_ = false;
    } else if (cr & CR_TXEN) {
        tx_enabled_ = true;
    }

    if (cr & CR_STTTO) {
        sticky_ &= ~CSR_TIMEOUT;
        ctx_.clock.cancel(timeout_event_);
        timeout_ = (reg(RTOR) & 0x1'FFFF) ? TimeoutState::WaitingForChar : TimeoutState::Stopped;
    }
    if (cr & CR_RETTO) {
        sticky_ &= ~CSR_TIMEOUT;
        restart_timeout();
    }
    try_start_tx();
    schedule_rx();
}

std::uint16_t Usart::char_mask() const {
    const std::uint32_t mr = reg(MR);
    if (mr_mode9(mr)) return 0x1FF;
    return static_cast<std::uint16_t>((1u << (5 + mr_chrl(mr))) - 1);
}

Picos Usart::half_bits(std::uint64_t units) const {
    const std::uint64_t f = pba_hz_ ? pba_hz_() : ctx_.clock.core_hz();
    const std::uint32_t mr = reg(MR);
    const std::uint32_t brgr = reg(BRGR);
    const std::uint64_t cd = brgr & 0xFFFF;
    const std::uint64_t fp = (brgr >> 16) & 0x7;
    if (f == 0 || cd == 0 || mr_usclks(mr) >= 2) return 0;
    // CLK_USART cycles per bit: async 8 (2 - OVER) (CD + FP/8) = (2 - OVER) (8 CD + FP), an
    // integer, so the fractional divider stays exact; synchronous: CD.
    const std::uint64_t cycles = mr_sync(mr) ? cd : (mr_over(mr) ? 1 : 2) * (8 * cd + fp);
    const std::uint64_t prescale = mr_usclks(mr) == 1 ? kUsclksDiv : 1;
    const unsigned __int128 num =
        static_cast<unsigned __int128>(units) * cycles * prescale * kPicosPerSecond;
    const unsigned __int128 den = static_cast<unsigned __int128>(2) * f;
    return static_cast<Picos>(num / den);
}

Picos Usart::bit_time() const {
    return half_bits(2);
}

Picos Usart::frame_time() const {
    const std::uint32_t mr = reg(MR);
    const unsigned data = mr_mode9(mr) ? 9 : 5 + mr_chrl(mr);
    const unsigned parity = (mr_par(mr) == 4 || mr_par(mr) == 5) ? 0 : 1;
    const unsigned stop_halves = mr_nbstop(mr) == 1 ? 3 : mr_nbstop(mr) == 2 ? 4 : 2;
    return half_bits(2 * (1 + data + parity) + stop_halves);
}

void Usart::write_thr(std::uint32_t value) {
    if (!tx_enabled_) {
        log_.guest_error("wrote THR with the transmitter disabled (character dropped)");
        return;
    }
    if (thr_full_) log_.guest_error("overwrote THR before TXRDY (character lost)");
    thr_ = static_cast<std::uint16_t>(value & char_mask());
    thr_full_ = true;
    try_start_tx();
}

void Usart::try_start_tx() {
    if (shifting_ || !thr_full_ || !clock_running()) return;
    const Picos t = frame_time();
    if (t == 0) {
        log_.guest_error("character waits: baud clock off (BRGR.CD = 0 or no CLK_USART)");
        return;
    }
    shifter_ = thr_;
    thr_full_ = false;
    shifting_ = true;
    tx_event_ = ctx_.clock.schedule_in(
        t, [this] { tx_done(); }, "usart-tx");
}

void Usart::tx_done() {
    shifting_ = false;
    const std::uint16_t ch = shifter_;
    if (mr_chmode(reg(MR)) == kChmodeLocalLoopback) {
        receive(ch);
    } else {
        const auto byte = static_cast<std::uint8_t>(ch);
        ctx_.publish(UartTxEvent{index_, byte});
        if (sink_) sink_(byte);
    }
    try_start_tx();
    update_irq();
}

void Usart::inject_rx(std::span<const std::uint8_t> bytes) {
    for (const std::uint8_t b : bytes) rx_line_.push_back({b, false, RxError::Parity});
    schedule_rx();
}

void Usart::inject_rx_error(RxError kind, std::uint8_t ch) {
    rx_line_.push_back({ch, true, kind});
    schedule_rx();
}

void Usart::schedule_rx() {
    if (!rx_enabled_ || rx_line_.empty() || ctx_.clock.pending(rx_event_) || in_break_) return;
    if (!clock_running() || paused_.rx) return;              // resumes when CLK_USART runs again
    if (mr_chmode(reg(MR)) == kChmodeLocalLoopback) return;  // the RX pin is disconnected
    const Picos t = frame_time();
    if (t == 0) return;
    rx_event_ = ctx_.clock.schedule_in(
        t, [this] { rx_arrival(); }, "usart-rx");
}

void Usart::rx_arrival() {
    const RxFrame f = rx_line_.front();
    rx_line_.pop_front();
    if (!f.error) {
        receive(f.ch);
    } else {
        switch (f.kind) {
            case RxError::Parity: {
                const std::uint32_t par = mr_par(reg(MR));
                const bool has_parity_bit = par < 4;
                if (!has_parity_bit)
                    log_.model_gap("parity error injected with MR.PAR = none (arrives intact)");
                receive(f.ch, has_parity_bit ? CSR_PARE : 0);
                break;
            }
            case RxError::Framing:
                receive(f.ch, CSR_FRAME);
                break;
            case RxError::Overrun:
                receive(f.ch, CSR_OVRE);
                break;
            case RxError::Break:
                // All data, parity and stop bits low: RXBRK, but no character and no FRAME.
                sticky_ |= CSR_RXBRK;
                in_break_ = true;
                // End of break: RXD high for 2/16 of a bit period.
                rx_event_ = ctx_.clock.schedule_in(
                    half_bits(2) / 8, [this] { break_end(); }, "usart-rx-break-end");
                update_irq();
                return;
        }
    }
    schedule_rx();
    update_irq();
}

void Usart::break_end() {
    in_break_ = false;
    if (rx_enabled_) sticky_ |= CSR_RXBRK;
    schedule_rx();
    update_irq();
}

void Usart::receive(std::uint16_t ch, std::uint32_t errors) {
    if (!rx_enabled_) return;  // a loopback character with the receiver off is lost
    if (sticky_ & CSR_RXRDY) sticky_ |= CSR_OVRE;
    rhr_ = static_cast<std::uint16_t>(ch & char_mask());
    sticky_ |= CSR_RXRDY | errors;
    // Every received character reloads the time-out counter and (re)starts its clock, also after
    // it fired; only STTTO (until the next character) and RTOR.TO = 0 keep it still.
    if (reg(RTOR) & 0x1'FFFF) restart_timeout();
}

void Usart::restart_timeout() {
    ctx_.clock.cancel(timeout_event_);
    const std::uint32_t to = reg(RTOR) & 0x1'FFFF;
    const Picos bit = bit_time();
    if (to == 0 || bit == 0) {
        timeout_ = to == 0 ? TimeoutState::Stopped : TimeoutState::WaitingForChar;
        return;
    }
    timeout_ = TimeoutState::Counting;
    timeout_event_ = ctx_.clock.schedule_in(
        to * bit, [this] { fire_timeout(); }, "usart-rtor");
}

void Usart::fire_timeout() {
    timeout_ = TimeoutState::Stopped;
    sticky_ |= CSR_TIMEOUT;
    update_irq();
}

}  // namespace tockemu::sam4l
