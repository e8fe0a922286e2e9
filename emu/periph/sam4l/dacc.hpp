#pragma once
// DACC — DAC Controller (SAM4L datasheet §39; ASF component_dacc.h). Executable spec:
// tock/tock chips/sam4l/src/dac.rs (the DAC syscall driver 0x6: initialize = CR.SWRST then
// MR = half-word, STARTUP 0xFF, CLKDIV 0x60, internal trigger, DACEN; set_value = EBUSY unless
// ISR.TXRDY, then CDR <- value).
//
// Modelled:
//  - CR.SWRST (every register back to reset, output kept: the pad holds its level), MR (TRGEN,
//    TRGSEL, DACEN, WORD, STARTUP, CLKDIV), CDR, IER/IDR/IMR, ISR.TXRDY, WPMR/WPSR, VERSION 0x111.
//  - With the internal trigger (MR.TRGEN = 0) a conversion takes place every CLKDIV PBA cycles
//    (dac.rs: "clock divider from 48 MHz to 500 kHz"): a CDR write drops ISR.TXRDY, the datum is
//    converted CLKDIV PBA cycles later (half-word mode: CDR[9:0]; word mode: CDR[9:0] then
//    CDR[25:16], one trigger period each) and TXRDY rises again. TXRDY is 1 while the DAC is
//    enabled and holds no datum, 0 while disabled.
//  - The output: VOUT = code · VREF / 1024, 10 bits, VREF = ADVREFP tied to 3.3 V (dac.rs
//    requires ADVREFP tied to ADDANA). output_code()/output_mv() and the on_output callback show
//    it to the host; the ADC's internal DAC input reads it.
//  - PDCA TX request (PID 35) = TXRDY; NVIC line 70 = TXRDY & IMR.
//  - WPMR.WPEN with key "DAC" (0x444143) protects MR: a write is dropped and WPSR records
//    WPROTERR and the offset (read clears WPSR).
//  - While the PM masks CLK_DACC a conversion in flight pauses and resumes with its remaining
//    time when the clock comes back.
// Not modelled (logged once): the external/peripheral triggers (MR.TRGEN = 1: conversions are
// paced as if internal), the startup time (MR.STARTUP stored; the first conversion is not
// delayed).
#include <cstdint>
#include <functional>
#include <optional>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/dma_request.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Dacc final : public RegisterBlock {
  public:
    static constexpr std::uint32_t kBase = 0x4003'C000;
    static constexpr std::uint32_t kSize = 0x4000;
    static constexpr unsigned kIrq = 70;
    static constexpr unsigned kPidTx = 35;
    static constexpr std::uint32_t kVrefMv = 3300;

    static constexpr std::uint32_t CR = 0x00, MR = 0x04, CDR = 0x08, IER = 0x0C, IDR = 0x10,
                                   IMR = 0x14, ISR = 0x18, WPMR = 0xE4, WPSR = 0xE8, VERSION = 0xFC;
    static constexpr std::uint32_t CR_SWRST = 1u << 0;
    static constexpr std::uint32_t MR_TRGEN = 1u << 0, MR_DACEN = 1u << 4, MR_WORD = 1u << 5;
    static constexpr std::uint32_t TXRDY = 1u << 0;
    static constexpr std::uint32_t kWpKey = 0x444143;  // "DAC"

    using HzSource = std::function<std::uint64_t()>;
    Dacc(MachineContext& ctx, HzSource pba_hz, DmaRequestSink* dma, unsigned irq = kIrq);
    ~Dacc() override;

    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;

    std::uint32_t output_code() const { return code_; }
    std::uint32_t output_mv() const { return code_ * kVrefMv / 1024; }
    // Called with the new code at each conversion.
    std::function<void(std::uint32_t code)> on_output;
    bool irq_level() const { return line_.level(); }
    bool dma_request() const { return dma_.level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void on_clock_gate(bool running) override;
    void update_irq() override;

  private:
    bool enabled() const { return reg(MR) & MR_DACEN; }
    bool txrdy() const { return enabled() && pending_ == 0; }
    void schedule_conversion();
    void schedule_in(Picos dt);
    void convert();
    void cancel();

    MachineContext& ctx_;
    HzSource pba_hz_;
    OnceLog log_;
    IrqLine line_;
    DmaRequestLine dma_;
    std::uint32_t code_ = 0;
    unsigned pending_ = 0;    // data of the last CDR write not yet converted (0, 1 or 2)
    std::uint32_t data_ = 0;  // that CDR value
    std::uint32_t wpsr_ = 0;
    Clock::EventId conv_ev_ = 0;
    std::optional<Picos> paused_;  // time left of a conversion while the clock is masked
};

}  // namespace tockemu::sam4l
