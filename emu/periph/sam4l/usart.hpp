#pragma once
// SAM4L USART0-3 in asynchronous (UART) mode. Datasheet §26 "USART"; register facts sam4l.md §10;
// executable spec: tock/tock chips/sam4l/src/usart.rs and boards/hail/src/io.rs.
//
// Modelled:
//  - CR commands RSTRX/RSTTX/RXEN/RXDIS/TXEN/TXDIS/RSTSTA/STTTO/RETTO (a reset also disables;
//    DIS wins over EN in the same write).
//  - Transmitter: THR -> shift register -> host sink. A character occupies the line for one frame
//    (start + CHRL/MODE9 data bits + parity + NBSTOP stop bits; 10 bits for 8N1) at the baud rate
//    of BRGR (CD, FP), MR.OVER, MR.USCLKS (CLK_USART = PBA clock, or /8) or MR.SYNC (f/CD).
//    TXRDY = enabled and THR free; TXEMPTY = enabled and THR and shifter empty. TXDIS lets the
//    characters already written finish (as the datasheet says), but they are then sent while
//    TXRDY/TXEMPTY read 0. Each completed character is published as UartTxEvent and given to the
//    sink. Our reading: a THR write while the transmitter is disabled is dropped (guest error),
//    and one while TXRDY = 0 replaces the waiting character (guest error).
//  - Receiver: injected bytes wait in a host-side queue (the host holds them while the receiver is
//    disabled or the baud clock is off, as a terminal with flow control would) and arrive one per
//    frame time into RHR; RXRDY; a character arriving while RXRDY=1 overwrites RHR and sets OVRE.
//  - Receive errors injected by the host (inject_rx_error): parity (PARE), framing (FRAME),
//    overrun (OVRE) and break (RXBRK at the low stop bit and again at the end of the break,
//    2/16 bit after RXD returns high); all cleared by CR.RSTSTA. Reading of the datasheet's
//    timing: a character and its error flags appear together at the end of its frame (silicon
//    samples the stop bit in its middle, half a bit earlier); every status the model sets waits
//    for the frame end so that RXRDY, PARE and FRAME rise at one instant.
//  - Receiver time-out (datasheet "Receiver Time-out" block diagram): every received character
//    reloads the counter with RTOR.TO and starts its clock; TIMEOUT rises TO bit periods later and
//    the counter then stays at 0 until the next character or RETTO. STTTO clears TIMEOUT and
//    stops the clock until the next character; RETTO clears TIMEOUT, reloads and counts at once;
//    TO = 0 disables it. TIMEOUT is not cleared by RSTSTA.
//  - Local loopback (MR.CHMODE=2): transmitted characters go to the receiver, not to the sink.
//  - IRQ line = (CSR & IMR) != 0; PDCA requests RX = RXRDY (PID n), TX = TXRDY (PID 18+n).
// Not modelled (registers read back, logged once as a model gap when they matter): synchronous
// slave clocks, SPI/ISO7816/IrDA/LIN/Manchester/modem modes (MODE other than 0..2), automatic
// echo and remote loopback, transmitted breaks (STTBRK/STPBRK), multidrop parity, the time-guard
// TTGR, hardware handshaking (CTS is always asserted),
// write protection (WPMR is stored, not enforced).
#include <cstdint>
#include <deque>
#include <functional>
#include <span>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/dma_request.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Usart final : public RegisterBlock {
  public:
    static constexpr unsigned kCount = 4;
    static constexpr std::uint32_t kBase[kCount] = {0x4002'4000, 0x4002'8000, 0x4002'C000,
                                                    0x4003'0000};
    static constexpr unsigned kIrq[kCount] = {65, 66, 67, 68};
    static constexpr std::uint32_t kSize = 0x4000;

    // Register offsets (datasheet names).
    static constexpr std::uint32_t CR = 0x00, MR = 0x04, IER = 0x08, IDR = 0x0C, IMR = 0x10,
                                   CSR = 0x14, RHR = 0x18, THR = 0x1C, BRGR = 0x20, RTOR = 0x24,
                                   TTGR = 0x28, VERSION = 0xFC;
    // CR bits.
    static constexpr std::uint32_t CR_RSTRX = 1u << 2, CR_RSTTX = 1u << 3, CR_RXEN = 1u << 4,
                                   CR_RXDIS = 1u << 5, CR_TXEN = 1u << 6, CR_TXDIS = 1u << 7,
                                   CR_RSTSTA = 1u << 8, CR_STTBRK = 1u << 9, CR_STPBRK = 1u << 10,
                                   CR_STTTO = 1u << 11, CR_RETTO = 1u << 15;
    // CSR / IER / IDR / IMR bits.
    static constexpr std::uint32_t CSR_RXRDY = 1u << 0, CSR_TXRDY = 1u << 1, CSR_RXBRK = 1u << 2,
                                   CSR_OVRE = 1u << 5, CSR_FRAME = 1u << 6, CSR_PARE = 1u << 7,
                                   CSR_TIMEOUT = 1u << 8, CSR_TXEMPTY = 1u << 9;

    using ClockHz = std::function<std::uint64_t()>;

    // `pba_hz` gives CLK_USART (the PBA clock) at the time a character starts; `dma` receives the
    // RX/TX request lines (may be null).
    Usart(MachineContext& ctx, unsigned index, ClockHz pba_hz, DmaRequestSink* dma = nullptr);
    ~Usart() override;

    unsigned index() const { return index_; }
    // Host side of the TX line; without a sink characters are only published as events.
    void set_sink(std::function<void(std::uint8_t)> sink) { sink_ = std::move(sink); }
    // Host side of the RX line: the bytes arrive one frame time apart.
    void inject_rx(std::span<const std::uint8_t> bytes);
    std::size_t rx_queued() const { return rx_line_.size(); }

    // A malformed frame from the host, queued behind the bytes already on their way:
    //  Parity  - `ch` arrives with the wrong parity bit: RHR, RXRDY and CSR.PARE (MR.PAR even,
    //            odd, mark or space; with no parity there is no parity bit to get wrong and the
    //            character arrives intact);
    //  Framing - `ch` arrives with its stop bit low: RHR, RXRDY and CSR.FRAME;
    //  Overrun - `ch` arrives while the previous character is still unread in RHR (the host sent
    //            one the guest never fetched): RHR overwritten, RXRDY and CSR.OVRE;
    //  Break   - RXD held low for one frame: CSR.RXBRK when the low stop bit is seen, nothing in
    //            RHR; RXD returns high and the end of the break sets RXBRK again 2/16 bit later.
    // The flags stay set until CR.RSTSTA and raise the USART line through IMR like any status.
    enum class RxError : std::uint8_t { Parity, Framing, Overrun, Break };
    void inject_rx_error(RxError kind, std::uint8_t ch = 0);

    // One frame (start to last stop bit) at the current settings, 0 if the baud clock is off.
    Picos frame_time() const;
    // One bit period, 0 if the baud clock is off.
    Picos bit_time() const;
    bool irq_level() const { return irq_.level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;
    void on_clock_gate(bool running) override;

  private:
    std::uint32_t status() const;
    void command(std::uint32_t cr);
    void write_thr(std::uint32_t value);
    void try_start_tx();
    void tx_done();
    void schedule_rx();
    void rx_arrival();
    void receive(std::uint16_t ch, std::uint32_t errors = 0);
    void break_end();
    void restart_timeout();
    void fire_timeout();
    void check_mode();
    std::uint16_t char_mask() const;
    // Picos for `units` half-bit periods.
    Picos half_bits(std::uint64_t units) const;

    enum class TimeoutState : std::uint8_t { Stopped, WaitingForChar, Counting };

    MachineContext& ctx_;
    OnceLog log_;
    unsigned index_;
    ClockHz pba_hz_;
    IrqLine irq_;
    DmaRequestLine dma_rx_, dma_tx_;
    std::function<void(std::uint8_t)> sink_;

    bool tx_enabled_ = false, rx_enabled_ = false;
    bool thr_full_ = false;
    std::uint16_t thr_ = 0;
    bool shifting_ = false;
    std::uint16_t shifter_ = 0;
    Clock::EventId tx_event_ = 0;

    // What the host puts on RXD: a character, or a malformed frame.
    struct RxFrame {
        std::uint8_t ch;
        bool error;
        RxError kind;
    };
    std::deque<RxFrame> rx_line_;
    bool in_break_ = false;  // RXD low after a break frame, until break_end()
    Clock::EventId rx_event_ = 0;
    std::uint32_t sticky_ = 0;  // RXRDY and the error/time-out flags
    std::uint16_t rhr_ = 0;

    TimeoutState timeout_ = TimeoutState::Stopped;
    Clock::EventId timeout_event_ = 0;

    // While the PM masks CLK_USART the shifter, the receiver and the time-out counter stand
    // still: each pending event's remaining time is kept here and resumes when unmasked.
    struct Paused {
        Picos tx = 0, rx = 0, timeout = 0;  // 0 = nothing was pending
    } paused_;
};

}  // namespace tockemu::sam4l
