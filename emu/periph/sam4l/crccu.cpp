#include "emu/periph/sam4l/crccu.hpp"

#include <algorithm>
#include <array>

namespace tockemu::sam4l {

namespace {
using C = Crccu;
constexpr Reg kRegs[] = {
    {C::DSCR, "DSCR", Access::RW, 0, 0xFFFF'FE00},
    {C::DMAEN, "DMAEN", Access::WO},
    {C::DMADIS, "DMADIS", Access::WO},
    {C::DMASR, "DMASR", Access::RO},
    {C::DMAIER, "DMAIER", Access::WO, 0, C::kDma, Action::Set, C::DMAIMR},
    {C::DMAIDR, "DMAIDR", Access::WO, 0, C::kDma, Action::Clear, C::DMAIMR},
    {C::DMAIMR, "DMAIMR", Access::RO},
    {C::DMAISR, "DMAISR", Access::RC},
    {C::CR, "CR", Access::WO},
    {C::MR, "MR", Access::RW, 0, 0x0000'00FF},
    {C::SR, "SR", Access::RO, 0xFFFF'FFFF},
    {C::IER, "IER", Access::WO, 0, C::kErr, Action::Set, C::IMR},
    {C::IDR, "IDR", Access::WO, 0, C::kErr, Action::Clear, C::IMR},
    {C::IMR, "IMR", Access::RO},
    {C::ISR, "ISR", Access::RC},
    {C::VERSION, "VERSION", Access::RO, 0x202},
};

struct PolySpec {
    std::uint32_t poly;
    unsigned width;
};
constexpr std::array<PolySpec, 3> kPolys = {{{0x04C1'1DB7, 32}, {0x1EDC'6F41, 32}, {0x1021, 16}}};

constexpr unsigned kTransferBytes[4] = {1, 2, 4, 0};  // TRWIDTH 3 is reserved
}  // namespace

Crccu::Crccu(MachineContext& ctx, unsigned irq)
    : RegisterBlock("CRCCU", kRegs, kSize), ctx_(ctx), log_("CRCCU"), line_(&ctx.irq, irq) {
    reset();
}

Crccu::~Crccu() {
    if (done_ev_) ctx_.clock.cancel(done_ev_);
}

std::uint32_t Crccu::update(std::uint32_t crc, Polynomial p, const std::uint8_t* data,
                            std::size_t n) {
    const PolySpec spec = kPolys[static_cast<unsigned>(p)];
    const std::uint32_t top = 1u << (spec.width - 1);
    const std::uint32_t keep = spec.width == 32 ? 0xFFFF'FFFFu : (1u << spec.width) - 1;
    std::uint32_t reg = crc & keep;
    for (std::size_t i = 0; i < n; ++i) {
        // The unit takes each byte least significant bit first.
        for (unsigned bit = 0; bit < 8; ++bit) {
            const bool in = (data[i] >> bit) & 1u;
            const bool out = (reg & top) != 0;
            reg = (reg << 1) & keep;
            if (in != out) reg ^= spec.poly;
        }
    }
    // Bits above the polynomial's width keep what the register held (16-bit CCITT).
    return (crc & ~keep) | reg;
}

void Crccu::on_reset() {
    if (done_ev_) ctx_.clock.cancel(done_ev_);
    done_ev_ = 0;
    paused_.reset();
    addr_ = ctrl_ = ref_crc_ = 0;
}

void Crccu::on_write(std::size_t index, std::uint32_t value) {
    switch (def(index).offset) {
        case DMAEN:
            if (value & kDma) start();
            break;
        case DMADIS:
            if (value & kDma) stop();
            break;
        case CR:
            if (value & CR_RESET) set_reg(SR, 0xFFFF'FFFF);
            break;
        case MR:
            if (((value >> 2) & 3u) == 3u)
                log_.guest_error("MR.PTYPE = 3 is reserved (CCITT16 used)");
            break;
        default:
            break;
    }
}

void Crccu::start() {
    if (reg(DMASR) & kDma) return;  // already running: DMAEN has no further effect
    const std::uint32_t dscr = reg(DSCR);
    const BusResult a = ctx_.bus.read(dscr + TR_ADDR, 4, Initiator::Dma);
    const BusResult c = ctx_.bus.read(dscr + TR_CTRL, 4, Initiator::Dma);
    const BusResult r = ctx_.bus.read(dscr + TR_CRC, 4, Initiator::Dma);
    if (!a.ok || !c.ok || !r.ok) {
        log_.guest_error("descriptor at DSCR is not in mapped memory (bus error, DMA not started)");
        return;
    }
    addr_ = a.value;
    ctrl_ = c.value;
    ref_crc_ = r.value;
    if (kTransferBytes[(ctrl_ >> 24) & 3u] == 0) {
        log_.guest_error("TR_CTRL.TRWIDTH = 3 is reserved (DMA not started)");
        return;
    }
    set_reg(DMASR, kDma);
    // One transfer per 2^DIVIDER HSB cycles; the HSB runs at the CPU clock on the SAM4L.
    const std::uint64_t transfers = ctrl_ & 0xFFFFu;
    const std::uint64_t cycles = transfers << ((reg(MR) >> 4) & 0xFu);
    const std::uint64_t hz = ctx_.clock.core_hz();
    schedule_done(picos_for_ticks(cycles, hz));
}

void Crccu::schedule_done(Picos dt) {
    done_ev_ = ctx_.clock.schedule_in(
        dt,
        [this] {
            done_ev_ = 0;
            finish();
        },
        "CRCCU transfer done");
}

void Crccu::on_clock_gate(bool running) {
    if (!running) {
        const auto at = done_ev_ ? ctx_.clock.time_of(done_ev_) : std::nullopt;
        if (!at) return;
        ctx_.clock.cancel(done_ev_);
        done_ev_ = 0;
        paused_ = *at - ctx_.clock.now();
        return;
    }
    if (!paused_) return;
    const Picos left = *paused_;
    paused_.reset();
    schedule_done(left);
}

void Crccu::stop() {
    if (done_ev_) ctx_.clock.cancel(done_ev_);
    done_ev_ = 0;
    paused_.reset();
    set_reg(DMASR, 0);
}

void Crccu::finish() {
    const unsigned width = kTransferBytes[(ctrl_ >> 24) & 3u];
    const std::uint32_t transfers = ctrl_ & 0xFFFFu;
    const bool enabled = reg(MR) & MR_ENABLE;
    const auto poly = static_cast<Polynomial>(std::min((reg(MR) >> 2) & 3u, 2u));
    std::uint32_t crc = reg(SR);
    bool failed = false;
    for (std::uint32_t i = 0; i < transfers && !failed; ++i) {
        const BusResult d = ctx_.bus.read(addr_ + i * width, width, Initiator::Dma);
        if (!d.ok) {
            log_.guest_error(
                "buffer at TR_ADDR runs into unmapped memory (bus error, DMA stopped)");
            failed = true;
            break;
        }
        if (!enabled) continue;
        std::array<std::uint8_t, 4> bytes{};
        for (unsigned b = 0; b < width; ++b)
            bytes[b] = static_cast<std::uint8_t>(d.value >> (8 * b));
        crc = update(crc, poly, bytes.data(), width);
    }
    set_reg(SR, crc);
    set_reg(DMASR, 0);
    if (!failed) {
        if (!(ctrl_ & TR_CTRL_IEN)) set_reg(DMAISR, kDma);
        if ((reg(MR) & MR_COMPARE) && crc != ref_crc_) set_reg(ISR, kErr);
    }
    update_irq();
}

void Crccu::update_irq() {
    line_.set((reg(DMAISR) & reg(DMAIMR) & kDma) || (reg(ISR) & reg(IMR) & kErr));
}

}  // namespace tockemu::sam4l
