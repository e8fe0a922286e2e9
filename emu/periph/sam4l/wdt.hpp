#pragma once
// WDT — Watchdog Timer (SAM4L datasheet §20; sam4l.md §15.3; ASF component_wdt.h). Executable
// spec: tock/tock chips/sam4l/src/wdt.rs (start: CTRL = CEN | PSEL | FCD | DAR | EN written with
// KEY 0x55 then 0xAA; tickle: CLR = WDTCLR with the same key pair; stop: EN cleared the same way).
//
// Modelled:
//  - CTRL and CLR take effect only as a pair of writes of the same value, the first with
//    KEY = 0x55 and the second with KEY = 0xAA; anything else aborts the sequence (logged).
//    The key byte reads back as 0.
//  - The counter runs while CTRL.EN and CTRL.CEN are 1, on RCSYS (CSSEL = 0, 115 200 Hz) or
//    OSC32K (CSSEL = 1, 32 768 Hz), and times out 2^(PSEL + 1) clock cycles after enable or the
//    last clear (wdt.rs: PSEL 7 for periods up to 2 ms on RCSYS).
//  - Time-out in reset mode (IM = 0): the watchdog asks the system to reset (the
//    on_system_reset callback, which the board hands to the machine) and remembers it; after
//    that reset the WDT stays enabled unless CTRL.DAR was 1 (DAR: "disable after reset").
//  - Interrupt mode (IM = 1): the first time-out sets ISR.WINT (NVIC line 44 = WINT & IMR); a
//    second time-out while WINT is still set resets the system. ICR clears WINT.
//  - SR: WINDOW and CLEARED read 1 (no window mode); IER/IDR/IMR/ISR/ICR; VERSION 0x501.
// Not modelled (logged once): window mode (MODE, TBAN), SFV locking, FCD, CSSEL1.
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>

#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Wdt final : public RegisterBlock {
  public:
    static constexpr std::uint32_t kBase = 0x400F'0C00;
    static constexpr std::uint32_t kSize = 0x400;
    static constexpr unsigned kIrq = 44;
    static constexpr std::uint64_t kRcsysHz = 115'200, kOsc32kHz = 32'768;

    static constexpr std::uint32_t CTRL = 0x00, CLR = 0x04, SR = 0x08, IER = 0x0C, IDR = 0x10,
                                   IMR = 0x14, ISR = 0x18, ICR = 0x1C, VERSION = 0x3FC;
    static constexpr std::uint32_t CTRL_EN = 1u << 0, CTRL_DAR = 1u << 1, CTRL_MODE = 1u << 2,
                                   CTRL_SFV = 1u << 3, CTRL_IM = 1u << 4, CTRL_CEN = 1u << 16,
                                   CTRL_CSSEL = 1u << 17;
    static constexpr std::uint32_t CLR_WDTCLR = 1u << 0;
    static constexpr std::uint32_t WINT = 1u << 2;
    static constexpr std::uint32_t kKey1 = 0x55, kKey2 = 0xAA;

    Wdt(Clock& clock, InterruptSink* irq, unsigned irq_number = kIrq);
    ~Wdt() override;

    // Asked at a time-out that resets the system; the board forwards it to the machine.
    std::function<void()> on_system_reset;
    // Time of the next time-out, if the counter runs (for tests and the host).
    std::optional<Picos> next_timeout() const;
    // Number of system resets this watchdog has asked for.
    unsigned resets() const { return resets_; }
    bool irq_level() const { return line_.level(); }

    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    void reset() override;

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void on_reset() override;
    void update_irq() override;

  private:
    bool running() const { return (reg(CTRL) & CTRL_EN) && (reg(CTRL) & CTRL_CEN); }
    void restart();
    void timeout();
    bool keyed(std::uint32_t offset, std::uint32_t value);

    Clock& clock_;
    OnceLog log_;
    IrqLine line_;
    Clock::EventId timeout_ev_ = 0;
    // The first half of a key sequence: register offset and value (without the key).
    std::optional<std::pair<std::uint32_t, std::uint32_t>> armed_;
    bool reset_by_watchdog_ = false;
    std::uint32_t ctrl_before_reset_ = 0;
    unsigned resets_ = 0;
};

}  // namespace tockemu::sam4l
