#pragma once
// SAM4L SPI in master mode, four chip selects. Datasheet §27 "SPI"; register facts sam4l.md §12;
// executable spec: tock/tock chips/sam4l/src/spi.rs.
//
// Modelled:
//  - CR: SPIEN, SPIDIS (a character in flight completes first, then NPCS is released), SWRST,
//    LASTXFER (release NPCS after the current character, or at once when idle).
//  - Master transfers: TDR -> shifter (TDRE returns to 1 at once when the shifter is free) ->
//    the character of CSRn.BITS bits is exchanged with the device on the selected chip select ->
//    RDR, RDRF (OVRES if RDRF was still set). Timing per chip select from CSRn: DLYBS before the
//    first SPCK edge when NPCS is newly asserted (0 = half a SPCK period), BITS x SCBR cycles of
//    CLK_SPI (the PBA clock), then DLYBCT x 32 cycles before the next character; TXEMPTY = 1 when
//    TDR and shifter are empty and DLYBCT has elapsed.
//  - Fixed (MR.PCS) and variable (TDR.PCS, TDR.LASTXFER) peripheral select; PCS decoding with and
//    without MR.PCSDEC; CSRn.CSAAT keeps NPCS asserted after the last character, CSRn.CSNAAT
//    releases it between characters; NPCS also rises when the next character is for another
//    chip select, on SPIDIS and on SWRST. Clearing CSAAT while NPCS is held does not raise it
//    (silicon waits for LASTXFER or another chip select; Tock's transfer_done writes SPIDIS).
//  - MR.LLB local loopback (MISO = MOSI, the device sees nothing), MR.WDRBT (no transfer starts
//    while RDRF = 1).
//  - SR: MODF and OVRES are cleared by reading SR. IRQ line 54 = (SR & IMR) != 0; PDCA requests
//    RX = RDRF (PID 4), TX = TDRE (PID 22).
//  - Chip select with no device attached: MISO reads all ones (pulled up).
// Not modelled: slave mode (MR.MSTR = 0: transfers do not start; logged), mode fault (there is no
// external NSS driver, so MODF never sets), RXFIFOEN, DLYBCS, write protection (WPCR stored, not
// enforced). The legacy PDC bits SR[7:4] read 1 as the ASF reset value says and never interrupt.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/dma_request.hpp"
#include "emu/periph/sam4l/model_log.hpp"
#include "emu/periph/sam4l/spi_device.hpp"

namespace tockemu::sam4l {

class Spi final : public RegisterBlock {
  public:
    static constexpr std::uint32_t kBase = 0x4000'8000;
    static constexpr std::uint32_t kSize = 0x4000;
    static constexpr unsigned kIrq = 54;
    static constexpr unsigned kChipSelects = 4;

    static constexpr std::uint32_t CR = 0x00, MR = 0x04, RDR = 0x08, TDR = 0x0C, SR = 0x10,
                                   IER = 0x14, IDR = 0x18, IMR = 0x1C, CSR0 = 0x30, WPCR = 0xE4,
                                   WPSR = 0xE8, FEATURES = 0xF8, VERSION = 0xFC;
    static constexpr std::uint32_t CR_SPIEN = 1u << 0, CR_SPIDIS = 1u << 1, CR_SWRST = 1u << 7,
                                   CR_FLUSHFIFO = 1u << 8, CR_LASTXFER = 1u << 24;
    static constexpr std::uint32_t MR_MSTR = 1u << 0, MR_PS = 1u << 1, MR_PCSDEC = 1u << 2,
                                   MR_MODFDIS = 1u << 4, MR_WDRBT = 1u << 5, MR_RXFIFOEN = 1u << 6,
                                   MR_LLB = 1u << 7;
    static constexpr std::uint32_t SR_RDRF = 1u << 0, SR_TDRE = 1u << 1, SR_MODF = 1u << 2,
                                   SR_OVRES = 1u << 3, SR_TXEMPTY = 1u << 9, SR_SPIENS = 1u << 16;
    static constexpr std::uint32_t CSR_CPOL = 1u << 0, CSR_NCPHA = 1u << 1, CSR_CSNAAT = 1u << 2,
                                   CSR_CSAAT = 1u << 3;
    static constexpr std::uint32_t TDR_LASTXFER = 1u << 24;

    using ClockHz = std::function<std::uint64_t()>;

    Spi(MachineContext& ctx, ClockHz pba_hz, DmaRequestSink* dma = nullptr);
    ~Spi() override;

    // The device on NPCSn (replaces any previous one; null detaches).
    void attach(unsigned chip_select, std::unique_ptr<SpiDevice> device);
    SpiDevice* device(unsigned chip_select) const;
    // Chip select whose NPCS line is asserted (low), or -1.
    int asserted_chip_select() const { return asserted_; }
    bool irq_level() const { return irq_.level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;

  private:
    struct Timing {
        Picos setup;    // DLYBS
        Picos bits;     // the character on SPCK
        Picos trailer;  // DLYBCT
    };

    std::uint32_t status() const;
    void command(std::uint32_t cr);
    void write_tdr(std::uint32_t value);
    int decode_pcs(std::uint32_t pcs) const;
    int chip_select_for(std::uint32_t tdr) const;
    std::uint32_t csr_of(int cs) const;  // the CSRn that governs chip select `cs`
    unsigned bits_of(int cs) const;
    Timing timing(int cs) const;
    void try_start();
    void bits_done();
    void transfer_done();
    void assert_cs(int cs);
    void release_cs();

    MachineContext& ctx_;
    OnceLog log_;
    ClockHz pba_hz_;
    IrqLine irq_;
    DmaRequestLine dma_rx_, dma_tx_;
    std::array<std::unique_ptr<SpiDevice>, kChipSelects> devices_;

    bool enabled_ = false;
    bool disable_pending_ = false;  // SPIDIS while a character is in flight
    bool tdr_full_ = false;
    std::uint32_t tdr_ = 0;
    bool busy_ = false;  // shifter (or its DLYBCT trailer) in use
    std::uint32_t shifter_ = 0;
    int shifter_cs_ = -1;
    bool release_after_ = false;     // LASTXFER for the character in the shifter
    bool lastxfer_pending_ = false;  // CR.LASTXFER
    int asserted_ = -1;
    std::uint32_t rdr_ = 0;
    std::uint32_t sticky_ = 0;  // RDRF, MODF, OVRES
    Clock::EventId event_ = 0;
};

}  // namespace tockemu::sam4l
