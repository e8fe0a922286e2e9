#pragma once
// ADCIFE — ADC Interface (SAM4L datasheet §38; sam4l.md §1.3, §11.1, §15.6). Executable spec:
// tock/tock chips/sam4l/src/adc.rs (the ADC syscall driver 0x5: single, continuous and
// high-speed PDCA sampling).
//
// Modelled:
//  - CR: SWRST (stops the sequencer and the timer, clears the status flags, keeps the
//    configuration, as adc.rs relies on), TSTOP/TSTART (internal timer), STRIG (software
//    trigger), REFBUFEN/DIS, EN/DIS, BGREQEN/DIS. SR.EN, SR.REFBUF and SR.BGREQ follow their
//    enables at once (upstream's bounded polls succeed on their first reads, as on silicon).
//  - CFG: PRESCAL, CLKSEL (0 GCLK10, 1 the APB clock), SPEED (stored), REFSEL.
//    CLK_ADC = source / 2^(PRESCAL + 2).
//  - SEQCFG: MUXPOS, MUXNEG, INTERNAL, RES (12/8 bits), TRGSEL (software, internal timer,
//    continuous), GAIN, BIPOLAR, HWLA; ZOOMRANGE and GCOMP are stored only.
//  - Conversion timing in virtual time: 8 CLK_ADC cycles per conversion (adc.rs: "7+1 cycles"),
//    plus TIM.STARTUP + 1 cycles before the first conversion after CR.EN when TIM.ENSTUP = 1.
//    A trigger while a conversion runs is lost and sets SR.SMTRG.
//  - ITIMER: with the timer started (SR.TBUSY) it expires every ITMC + 1 CLK_ADC cycles, sets
//    SR.TTO and, with TRGSEL = internal timer, starts a conversion.
//  - Result: the positive input minus the negative one (millivolts; host-set per channel),
//    times GAIN, over the reference (REFSEL 0: 1.0 V, 1: 0.625 VCC, 4: VCC/2 with VCC = 3.3 V),
//    scaled to 2^RES and clamped; BIPOLAR gives a two's-complement RES-bit value around 0;
//    HWLA left-adjusts it to 16 bits. LCV = value | LCPC << 16 | LCNC << 20.
//  - SR.SEOC at each result; SR.LOVR when a result replaces an LCV nobody read (CPU or PDCA);
//    SR.WM from WCFG.WM / WTH (1: result > LT, 2: result < HT, 3: inside, 4: outside).
//    SCR clears flags; IER/IDR/IMR; NVIC line 69 = SR flags & IMR.
//  - PDCA: the RX request (PID 11) is high while an unread result sits in LCV; the PDCA reads
//    LCV (half-word) like the CPU does.
// Input sources: MUXPOS 0..15 with INTERNAL[0] = 0 are the pads AD0..AD14 and the bandgap
// (index 15), each a host-set level (defaults: ADn = 200·(n+1) mV, bandgap 1100 mV); with
// INTERNAL[0] = 1, MUXPOS 2 is VCC/10, 3 the DAC output (source callback), 7 ground. Negative:
// INTERNAL[1] = 1 with MUXNEG 7 is the ground pad (adc.rs); INTERNAL[1] = 0 takes pad ADn for
// MUXNEG = n. Everything else reads 0 V and is logged once as a model gap.
// Not modelled (logged once): external references (REFSEL 2/3 read as VCC/2), the event and
// pin triggers (TRGSEL 2, 4-6), CDMA (the second DMA stream, PID 29), the zoom and gain
// compensation, CALIB.
// While the PM masks the ADCIFE clock a conversion in flight and the internal timer pause and
// resume with their remaining time when it comes back.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/dma_request.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Adcife final : public RegisterBlock {
  public:
    static constexpr std::uint32_t kBase = 0x4003'8000;
    static constexpr std::uint32_t kSize = 0x4000;
    static constexpr unsigned kIrq = 69;
    static constexpr unsigned kPidRx = 11;
    static constexpr unsigned kChannels = 16;  // MUXPOS values of the pads (+ bandgap)
    static constexpr unsigned kVccMv = 3300;

    static constexpr std::uint32_t CR = 0x00, CFG = 0x04, SR = 0x08, SCR = 0x0C, SEQCFG = 0x14,
                                   CDMA = 0x18, TIM = 0x1C, ITIMER = 0x20, WCFG = 0x24, WTH = 0x28,
                                   LCV = 0x2C, IER = 0x30, IDR = 0x34, IMR = 0x38, CALIB = 0x3C;
    // CR
    static constexpr std::uint32_t CR_SWRST = 1u << 0, CR_TSTOP = 1u << 1, CR_TSTART = 1u << 2,
                                   CR_STRIG = 1u << 3, CR_REFBUFEN = 1u << 4,
                                   CR_REFBUFDIS = 1u << 5, CR_EN = 1u << 8, CR_DIS = 1u << 9,
                                   CR_BGREQEN = 1u << 10, CR_BGREQDIS = 1u << 11;
    // SR (flags 0..5 are also the SCR/IER/IDR/IMR bits)
    static constexpr std::uint32_t SEOC = 1u << 0, LOVR = 1u << 1, WM = 1u << 2, SMTRG = 1u << 3,
                                   TTO = 1u << 5, kFlags = 0x2F;
    static constexpr std::uint32_t SR_EN = 1u << 24, SR_TBUSY = 1u << 25, SR_SBUSY = 1u << 26,
                                   SR_CBUSY = 1u << 27, SR_REFBUF = 1u << 28, SR_BGREQ = 1u << 30;
    static constexpr unsigned kConversionCycles = 8;

    using HzSource = std::function<std::uint64_t()>;
    using MvSource = std::function<std::uint32_t()>;
    Adcife(MachineContext& ctx, HzSource gclk10_hz, HzSource pba_hz, DmaRequestSink* dma,
           unsigned irq = kIrq);
    ~Adcife() override;

    // The level on pad ADn (n < 15) or the bandgap (n = 15), in millivolts.
    void set_input_mv(unsigned channel, std::uint32_t millivolts);
    std::uint32_t input_mv(unsigned channel) const { return inputs_.at(channel); }
    // Where the internal "DAC" input (INTERNAL[0] = 1, MUXPOS 3) reads from.
    void set_dac_source(MvSource dac_mv) { dac_mv_ = std::move(dac_mv); }
    bool irq_level() const { return line_.level(); }
    bool dma_request() const { return dma_.level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void on_clock_gate(bool running) override;
    void update_irq() override;

  private:
    std::uint64_t adc_hz() const;
    Picos adc_cycles(std::uint64_t n) const;
    void trigger();
    void convert_done();
    void schedule_timer();
    void arm_conversion(Picos dt);
    void arm_timer(Picos dt);
    bool converting() const { return conv_ev_ != 0 || paused_conv_.has_value(); }
    void stop_activity();
    void maybe_continue();
    std::int64_t positive_uv();
    std::int64_t negative_uv();
    std::uint32_t result();
    bool window_hit(std::uint32_t code) const;

    MachineContext& ctx_;
    HzSource gclk10_hz_, pba_hz_;
    MvSource dac_mv_;
    OnceLog log_;
    IrqLine line_;
    DmaRequestLine dma_;
    std::array<std::uint32_t, kChannels> inputs_{};
    bool enabled_ = false, refbuf_ = false, bgreq_ = false;
    bool started_up_ = false;  // first conversion since CR.EN done (TIM.ENSTUP)
    bool lcv_unread_ = false;
    std::uint32_t flags_ = 0;
    Clock::EventId conv_ev_ = 0, timer_ev_ = 0;
    std::optional<Picos> paused_conv_, paused_timer_;  // time left while the clock is masked
};

}  // namespace tockemu::sam4l
