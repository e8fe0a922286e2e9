#include "emu/periph/sam4l/pdca.hpp"

#include <optional>

#include <spdlog/spdlog.h>

#include "emu/periph/sam4l/spi.hpp"
#include "emu/periph/sam4l/usart.hpp"

namespace tockemu::sam4l {

namespace {

// One channel's registers (datasheet "PDCA register summary"), repeated every 0x40 bytes.
constexpr Reg kChannelRegs[] = {
    {0x00, "MAR", Access::RW},
    {0x04, "PSR", Access::RW, 0, 0x0000'00FF},  // PID[7:0]; Tock uses byte accesses
    {0x08, "TCR", Access::RW, 0, 0x0000'FFFF},
    {0x0C, "MARR", Access::RW},
    {0x10, "TCRR", Access::RW, 0, 0x0000'FFFF},
    {0x14, "CR", Access::WO},                  // TEN[0], TDIS[1], ECLR[8]
    {0x18, "MR", Access::RW, 0, 0x0000'000F},  // SIZE[1:0], ETRIG[2], RING[3]
    {0x1C, "SR", Access::RO},                  // TEN[0]
    {0x20, "IER", Access::WO, 0, 0x7, Action::Set, 0x28},
    {0x24, "IDR", Access::WO, 0, 0x7, Action::Clear, 0x28},
    {0x28, "IMR", Access::RO},
    {0x2C, "ISR", Access::RO, 0x3},  // RCZ[0], TRC[1], TERR[2]; computed in update_irq()
};

// Global registers after the 16 channels.
constexpr Reg kGlobalRegs[] = {
    {0x800, "PCONTROL", Access::RW, 0, 0x3F3F'0333},
    {0x804, "PRDATA0", Access::RO},
    {0x808, "PRSTALL0", Access::RO},
    {0x80C, "PRLAT0", Access::RO},
    {0x810, "PWDATA0", Access::RO},
    {0x814, "PWSTALL0", Access::RO},
    {0x818, "PWLAT0", Access::RO},
    {0x81C, "PRDATA1", Access::RO},
    {0x820, "PRSTALL1", Access::RO},
    {0x824, "PRLAT1", Access::RO},
    {0x828, "PWDATA1", Access::RO},
    {0x82C, "PWSTALL1", Access::RO},
    {0x830, "PWLAT1", Access::RO},
    {0x834, "VERSION", Access::RO, 0x124},
};

constexpr std::size_t kPerChannel = std::size(kChannelRegs);
constexpr std::size_t kTableSize = Pdca::kChannels * kPerChannel + std::size(kGlobalRegs);

// The full table: kChannelRegs laid out for channel 0..15, then the globals. Set/clear actions
// are relocated to the channel's own IMR.
constexpr std::array<Reg, kTableSize> kRegs = [] {
    std::array<Reg, kTableSize> t{};
    std::size_t i = 0;
    for (unsigned ch = 0; ch < Pdca::kChannels; ++ch) {
        for (Reg r : kChannelRegs) {
            r.offset += ch * Pdca::kChannelStride;
            if (r.action != Action::None) r.target += ch * Pdca::kChannelStride;
            t[i++] = r;
        }
    }
    for (const Reg& r : kGlobalRegs) t[i++] = r;
    return t;
}();

// TWIM0..3 (sam4l.md §1.3, §15.5; Tock's i2c.rs moves every TWIM byte by PDCA): RX = PID 5 + n at
// RHR, TX = PID 23 + n at THR. Kept here rather than taken from twim.hpp so the routing table stays
// one list of datasheet facts.
constexpr std::uint32_t kTwimBase[] = {0x4001'8000, 0x4001'C000, 0x4007'8000, 0x4007'C000};
constexpr unsigned kTwimCount = 4, kTwimRx0 = 5, kTwimTx0 = 23;
constexpr std::uint32_t kTwimRhr = 0x14, kTwimThr = 0x18;

// ADCIFE RX = PID 11 reads LCV (its last converted value); DACC TX = PID 35 writes CDR.
constexpr unsigned kAdcifeRx = 11, kDaccTx = 35;
constexpr std::uint32_t kAdcifeLcv = 0x4003'8000 + 0x2C, kDaccCdr = 0x4003'C000 + 0x08;

// The data register the PDCA accesses for each PID with a model (sam4l.md §11.1).
struct Route {
    std::uint32_t address;
    bool to_memory;  // RX: peripheral -> memory
};

std::optional<Route> route_of(unsigned pid) {
    if (pid < pid::kUsartRx0 + Usart::kCount)
        return Route{Usart::kBase[pid - pid::kUsartRx0] + Usart::RHR, true};
    if (pid == pid::kSpiRx) return Route{Spi::kBase + Spi::RDR, true};
    if (pid >= pid::kUsartTx0 && pid < pid::kUsartTx0 + Usart::kCount)
        return Route{Usart::kBase[pid - pid::kUsartTx0] + Usart::THR, false};
    if (pid == pid::kSpiTx) return Route{Spi::kBase + Spi::TDR, false};
    if (pid >= kTwimRx0 && pid < kTwimRx0 + kTwimCount)
        return Route{kTwimBase[pid - kTwimRx0] + kTwimRhr, true};
    if (pid >= kTwimTx0 && pid < kTwimTx0 + kTwimCount)
        return Route{kTwimBase[pid - kTwimTx0] + kTwimThr, false};
    if (pid == kAdcifeRx) return Route{kAdcifeLcv, true};
    if (pid == kDaccTx) return Route{kDaccCdr, false};
    return std::nullopt;
}

}  // namespace

Pdca::Pdca(MachineContext& ctx) : RegisterBlock("PDCA", kRegs, kSize), ctx_(ctx), log_("PDCA") {
    for (unsigned ch = 0; ch < kChannels; ++ch) irqs_[ch] = IrqLine(&ctx.irq, kFirstIrq + ch);
    reset();
}

Pdca::~Pdca() {
    ctx_.clock.cancel(service_event_);
}

void Pdca::on_reset() {
    ctx_.clock.cancel(service_event_);
    terr_.fill(false);
    // Request lines are driven by the peripherals and survive a reset of the PDCA.
}

std::uint32_t Pdca::isr(unsigned ch) const {
    const std::uint32_t tcr = channel_reg(ch, TCR), tcrr = channel_reg(ch, TCRR);
    std::uint32_t s = 0;
    if (tcrr == 0) s |= ISR_RCZ;
    if (tcr == 0 && tcrr == 0) s |= ISR_TRC;
    if (terr_[ch]) s |= ISR_TERR;
    return s;
}

void Pdca::update_irq() {
    for (unsigned ch = 0; ch < kChannels; ++ch) {
        const std::uint32_t s = isr(ch);
        chreg(ch, ISR) = s;
        irqs_[ch].set((s & channel_reg(ch, IMR)) != 0);
    }
}

void Pdca::on_write(std::size_t index, std::uint32_t value) {
    const std::uint32_t offset = def(index).offset;
    if (offset >= kChannels * kChannelStride) return;  // globals: stored only
    const unsigned ch = offset / kChannelStride;
    switch (offset % kChannelStride) {
        case TCR:
        case TCRR:
            reload(ch);
            break;
        case CR:
            if (value & CR_ECLR) terr_[ch] = false;
            if (value & CR_TDIS) {
                chreg(ch, SR) = 0;
            } else if (value & CR_TEN) {
                chreg(ch, SR) = SR_TEN;
                if (!route_of(channel_reg(ch, PSR)))
                    log_.model_gap("channel enabled for a PID without a modelled peripheral");
            }
            break;
        case MR:
            if (value & MR_ETRIG) log_.model_gap("MR.ETRIG (event-triggered transfers)");
            break;
        default:
            break;
    }
    schedule_service();
}

void Pdca::reload(unsigned ch) {
    if (channel_reg(ch, TCR) != 0 || channel_reg(ch, TCRR) == 0) return;
    chreg(ch, MAR) = channel_reg(ch, MARR);
    chreg(ch, TCR) = channel_reg(ch, TCRR);
    if (!(channel_reg(ch, MR) & MR_RING)) chreg(ch, TCRR) = 0;
}

void Pdca::set_dma_request(unsigned pid, bool level) {
    if (pid >= requests_.size()) return;
    requests_[pid] = level;
    if (level) schedule_service();
}

bool Pdca::ready(unsigned ch) const {
    const unsigned pid = channel_reg(ch, PSR);
    return (channel_reg(ch, SR) & SR_TEN) && !terr_[ch] && channel_reg(ch, TCR) != 0 &&
           pid < requests_.size() && requests_[pid] && route_of(pid).has_value();
}

void Pdca::schedule_service() {
    if (ctx_.clock.pending(service_event_)) return;
    bool any = false;
    for (unsigned ch = 0; ch < kChannels && !any; ++ch) any = ready(ch);
    if (!any) return;
    // One beat per core clock cycle: the guest keeps running between beats.
    service_event_ = ctx_.clock.schedule_in(
        picos_for_ticks(1, ctx_.clock.core_hz()), [this] { service(); }, "pdca");
}

void Pdca::service() {
    for (unsigned ch = 0; ch < kChannels; ++ch) {
        if (ready(ch)) beat(ch);
    }
    update_irq();
    schedule_service();
}

void Pdca::beat(unsigned ch) {
    const Route route = *route_of(channel_reg(ch, PSR));
    const std::uint32_t size_field = channel_reg(ch, MR) & 0x3;
    if (size_field == 3) log_.guest_error("MR.SIZE = 3 is reserved (word)");
    const unsigned size = size_field >= 2 ? 4 : 1u << size_field;
    const std::uint32_t mar = channel_reg(ch, MAR);
    // Safety: MAR is guest-controlled. Both accesses go through the bus, which range-checks them
    // against the emulated memories and devices; a miss is a transfer error, never a host access.
    const std::uint32_t from = route.to_memory ? route.address : mar;
    const std::uint32_t to = route.to_memory ? mar : route.address;
    const BusResult r = ctx_.bus.read(from, size, Initiator::Dma);
    if (!r.ok) return fail(ch, from, "read");
    if (!ctx_.bus.write(to, r.value, size, Initiator::Dma)) return fail(ch, to, "write");
    chreg(ch, MAR) = mar + size;
    chreg(ch, TCR) = channel_reg(ch, TCR) - 1;
    reload(ch);
}

void Pdca::fail(unsigned ch, std::uint32_t address, const char* side) {
    terr_[ch] = true;
    chreg(ch, SR) = 0;
    log_.guest_error("DMA access to an address with nothing mapped (TERR)");
    spdlog::debug("PDCA channel {}: bus error on DMA {} at {:#010x} (TERR)", ch, side, address);
}

}  // namespace tockemu::sam4l
