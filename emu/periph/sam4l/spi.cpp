#include "emu/periph/sam4l/spi.hpp"

namespace tockemu::sam4l {

namespace {

// Datasheet register summary, in address order (sam4l.md §12).
constexpr Reg kRegs[] = {
    {0x00, "CR", Access::WO},
    {0x04, "MR", Access::RW, 0, 0xFF0F'00F7},  // DLYBCS, PCS, LLB..MSTR
    {0x08, "RDR", Access::RO},                 // RD[15:0], PCS[19:16]; reading clears RDRF
    {0x0C, "TDR", Access::WO},                 // TD[15:0], PCS[19:16], LASTXFER[24]
    {0x10, "SR", Access::RO, 0x0000'00F0},     // computed in on_read()
    {0x14, "IER", Access::WO, 0, 0x0000'07FF, Action::Set, 0x1C},
    {0x18, "IDR", Access::WO, 0, 0x0000'07FF, Action::Clear, 0x1C},
    {0x1C, "IMR", Access::RO},
    {0x30, "CSR0", Access::RW},
    {0x34, "CSR1", Access::RW},
    {0x38, "CSR2", Access::RW},
    {0x3C, "CSR3", Access::RW},
    {0xE4, "WPCR", Access::RW},
    {0xE8, "WPSR", Access::RO},
    // NCS = 4 chip selects, CSNAATIMPL: our reading; the ASF header gives no reset value.
    {0xF8, "FEATURES", Access::RO, 0x0002'0004},
    {0xFC, "VERSION", Access::RO, 0x211},
};
constexpr std::size_t kIdxCR = 0, kIdxMR = 1, kIdxRDR = 2, kIdxTDR = 3, kIdxSR = 4;

// SR[7:4]: ENDRX/ENDTX/RXBUFF/TXBUFE of the PDC the SAM4L does not have (ASF reset value 0xF0).
constexpr std::uint32_t kLegacyPdcBits = 0xF0;

constexpr std::uint32_t pcs_field(std::uint32_t v) {
    return (v >> 16) & 0xF;
}

}  // namespace

Spi::Spi(MachineContext& ctx, ClockHz pba_hz, DmaRequestSink* dma)
    : RegisterBlock("SPI", kRegs, kSize),
      ctx_(ctx),
      log_("SPI"),
      pba_hz_(std::move(pba_hz)),
      irq_(&ctx.irq, kIrq),
      dma_rx_(dma, pid::kSpiRx),
      dma_tx_(dma, pid::kSpiTx) {
    reset();
}

Spi::~Spi() {
    ctx_.clock.cancel(event_);
}

void Spi::attach(unsigned chip_select, std::unique_ptr<SpiDevice> device) {
    if (chip_select >= kChipSelects) return;
    if (asserted_ == static_cast<int>(chip_select)) release_cs();
    devices_[chip_select] = std::move(device);
}

SpiDevice* Spi::device(unsigned chip_select) const {
    return chip_select < kChipSelects ? devices_[chip_select].get() : nullptr;
}

void Spi::on_reset() {
    ctx_.clock.cancel(event_);
    if (asserted_ >= 0) release_cs();
    enabled_ = disable_pending_ = tdr_full_ = busy_ = false;
    release_after_ = lastxfer_pending_ = false;
    tdr_ = shifter_ = rdr_ = sticky_ = 0;
    shifter_cs_ = -1;
}

std::uint32_t Spi::status() const {
    std::uint32_t s = sticky_ | kLegacyPdcBits;
    // After SPIDIS the character in flight finishes, but TDR takes no new one.
    const bool accepting = enabled_ && !disable_pending_;
    if (enabled_) s |= SR_SPIENS;
    if (accepting && !tdr_full_) s |= SR_TDRE;
    if (accepting && !tdr_full_ && !busy_) s |= SR_TXEMPTY;
    return s;
}

void Spi::update_irq() {
    const std::uint32_t s = status();
    set_reg(SR, s);
    irq_.set((s & ~kLegacyPdcBits & reg(IMR)) != 0);
    dma_rx_.set((s & SR_RDRF) != 0);
    dma_tx_.set((s & SR_TDRE) != 0);
}

std::uint32_t Spi::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    if (index == kIdxSR) {
        const std::uint32_t s = status();
        if (side_effects && (sticky_ & (SR_MODF | SR_OVRES))) {
            sticky_ &= ~(SR_MODF | SR_OVRES);
            update_irq();
        }
        return s;
    }
    if (index == kIdxRDR) {
        if (side_effects && (sticky_ & SR_RDRF)) {
            sticky_ &= ~SR_RDRF;
            try_start();  // MR.WDRBT may have been holding a character back
            update_irq();
        }
        return rdr_;
    }
    return stored;
}

void Spi::on_write(std::size_t index, std::uint32_t value) {
    if (index == kIdxCR) {
        command(value);
    } else if (index == kIdxTDR) {
        write_tdr(value);
    } else if (index == kIdxMR) {
        const std::uint32_t mr = reg(MR);
        if (!(mr & MR_MSTR)) log_.model_gap("MR.MSTR = 0: slave mode is not modelled");
        if (mr & MR_RXFIFOEN) log_.model_gap("MR.RXFIFOEN: receive FIFO not modelled");
        try_start();
    }
    // CSRn writes take effect at the next character. Clearing CSAAT while NPCS is held does not
    // release it: only LASTXFER, a character for another chip select, SPIDIS or SWRST do (datasheet
    // "Peripheral Deselection"). Tock's release_low() clears CSAAT; its transfer_done() wrote
    // SPIDIS already, which is what raises NPCS on silicon.
}

void Spi::command(std::uint32_t cr) {
    if (cr & CR_SWRST) {
        reset();  // registers to reset values, NPCS released; the devices stay attached
        return;
    }
    if (cr & CR_FLUSHFIFO) log_.model_gap("CR.FLUSHFIFO: receive FIFO not modelled");
    if (cr & CR_LASTXFER) {
        if (busy_) {
            release_after_ = true;
        } else if (tdr_full_) {
            lastxfer_pending_ = true;
        } else if (asserted_ >= 0) {
            release_cs();
        }
    }
    if (cr & CR_SPIDIS) {
        if (busy_) {
            disable_pending_ = true;
        } else {
            enabled_ = false;
            tdr_full_ = false;
            if (asserted_ >= 0) release_cs();
        }
    } else if (cr & CR_SPIEN) {
        enabled_ = true;
        disable_pending_ = false;
        try_start();
    }
}

void Spi::write_tdr(std::uint32_t value) {
    if (!enabled_ || disable_pending_) {
        log_.guest_error("wrote TDR with the SPI disabled (ignored)");
        return;
    }
    if (tdr_full_) log_.guest_error("overwrote TDR before TDRE (character lost)");
    tdr_ = value;
    tdr_full_ = true;
    try_start();
}

int Spi::decode_pcs(std::uint32_t pcs) const {
    if (reg(MR) & MR_PCSDEC) return pcs == 0xF ? -1 : static_cast<int>(pcs);
    // xxx0 -> NPCS0, xx01 -> NPCS1, x011 -> NPCS2, 0111 -> NPCS3, 1111 -> none.
    for (int i = 0; i < 4; ++i) {
        if (!(pcs & (1u << i))) return i;
    }
    return -1;
}

int Spi::chip_select_for(std::uint32_t tdr) const {
    const std::uint32_t mr = reg(MR);
    return decode_pcs(mr & MR_PS ? pcs_field(tdr) : pcs_field(mr));
}

std::uint32_t Spi::csr_of(int cs) const {
    // With PCSDEC, NPCS values 0..15 are decoded externally and CSRn serves 4n..4n+3; with no
    // chip select decoded the SPCK still runs with CSR0's settings.
    const auto n = static_cast<unsigned>(cs < 0 ? 0 : (reg(MR) & MR_PCSDEC) ? cs / 4 : cs);
    return reg(CSR0 + 4 * n);
}

unsigned Spi::bits_of(int cs) const {
    const unsigned field = (csr_of(cs) >> 4) & 0xF;
    return field <= 8 ? 8 + field : 8;  // 9..15 are reserved
}

Spi::Timing Spi::timing(int cs) const {
    const std::uint64_t f = pba_hz_ ? pba_hz_() : ctx_.clock.core_hz();
    if (f == 0) return {0, 0, 0};
    // With no chip select decoded the SPCK still runs with CSR0's settings.
    const std::uint32_t csr = csr_of(cs);
    std::uint64_t scbr = (csr >> 8) & 0xFF;
    if (scbr == 0) scbr = 1;  // forbidden by the datasheet (logged by try_start); read as 1
    const std::uint64_t dlybs = (csr >> 16) & 0xFF;
    const std::uint64_t dlybct = (csr >> 24) & 0xFF;
    Timing t{};
    // DLYBS = 0 means half a SPCK period.
    t.setup = dlybs ? picos_for_ticks(dlybs, f) : picos_for_ticks(scbr, 2 * f);
    t.bits = picos_for_ticks(bits_of(cs) * scbr, f);
    t.trailer = picos_for_ticks(32 * dlybct, f);
    return t;
}

void Spi::try_start() {
    if (busy_ || !tdr_full_ || !enabled_) return;
    if (!(reg(MR) & MR_MSTR)) return;
    if ((reg(MR) & MR_WDRBT) && (sticky_ & SR_RDRF)) return;
    const int cs = chip_select_for(tdr_);
    if ((csr_of(cs) & 0xFF00) == 0)
        log_.guest_error("transfer with CSR.SCBR = 0 (forbidden; SPCK taken as CLK_SPI)");
    const Timing t = timing(cs);
    if (t.bits == 0) return;  // no CLK_SPI
    Picos delay = t.bits;
    if (cs != asserted_) {
        if (asserted_ >= 0) release_cs();
        if (cs >= 0) assert_cs(cs);
        delay += t.setup;
    }
    shifter_ = tdr_;
    shifter_cs_ = cs;
    release_after_ = lastxfer_pending_ || ((reg(MR) & MR_PS) && (tdr_ & TDR_LASTXFER));
    lastxfer_pending_ = false;
    tdr_full_ = false;
    busy_ = true;
    event_ = ctx_.clock.schedule_in(
        delay, [this] { bits_done(); }, "spi-xfer");
}

void Spi::bits_done() {
    const unsigned bits = bits_of(shifter_cs_);
    const auto mask = static_cast<std::uint16_t>((1u << bits) - 1);
    const auto mosi = static_cast<std::uint16_t>(shifter_ & mask);
    std::uint16_t miso = mask;  // nothing drives MISO: all ones
    if (reg(MR) & MR_LLB) {
        miso = mosi;
    } else if (shifter_cs_ >= 0 && shifter_cs_ < static_cast<int>(kChipSelects) &&
               devices_[static_cast<unsigned>(shifter_cs_)]) {
        miso = devices_[static_cast<unsigned>(shifter_cs_)]->exchange(mosi, bits) & mask;
    }
    if (sticky_ & SR_RDRF) sticky_ |= SR_OVRES;
    rdr_ = miso;
    if (reg(MR) & MR_PS) rdr_ |= shifter_ & 0xF'0000;  // PCS of the character
    sticky_ |= SR_RDRF;
    const Picos trailer = timing(shifter_cs_).trailer;
    if (trailer > 0) {
        event_ = ctx_.clock.schedule_in(
            trailer, [this] { transfer_done(); }, "spi-dlybct");
        update_irq();
    } else {
        transfer_done();
    }
}

void Spi::transfer_done() {
    busy_ = false;
    const int cs = shifter_cs_;
    const std::uint32_t csr = cs >= 0 ? csr_of(cs) : 0;
    const bool more = tdr_full_ && enabled_ && !disable_pending_;
    const bool next_same_cs = more && chip_select_for(tdr_) == cs;
    bool release = release_after_ || (csr & CSR_CSNAAT) || disable_pending_;
    if (!more && !(csr & CSR_CSAAT)) release = true;
    if (more && !next_same_cs) release = true;
    if (release && asserted_ >= 0) release_cs();
    if (disable_pending_) {
        disable_pending_ = false;
        enabled_ = false;
        tdr_full_ = false;
    }
    try_start();
    update_irq();
}

void Spi::assert_cs(int cs) {
    asserted_ = cs;
    if (cs < static_cast<int>(kChipSelects) && devices_[static_cast<unsigned>(cs)])
        devices_[static_cast<unsigned>(cs)]->select();
}

void Spi::release_cs() {
    const int cs = asserted_;
    asserted_ = -1;
    if (cs >= 0 && cs < static_cast<int>(kChipSelects) && devices_[static_cast<unsigned>(cs)])
        devices_[static_cast<unsigned>(cs)]->deselect();
}

}  // namespace tockemu::sam4l
