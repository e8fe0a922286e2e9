#include "emu/periph/sam4l/pm.hpp"

#include <array>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

namespace {
constexpr std::uint32_t kStatusBits = Pm::kCFD | Pm::kCKRDY | Pm::kWAKE | Pm::kAE;

constexpr Reg kRegs[] = {
    {Pm::MCCTRL, "MCCTRL", Access::RW, 0x0, 0x7},
    {Pm::CPUSEL, "CPUSEL", Access::RW, 0x0, 0x87},
    {Pm::PBASEL, "PBASEL", Access::RW, 0x0, 0x87},
    {Pm::PBBSEL, "PBBSEL", Access::RW, 0x0, 0x87},
    {Pm::PBCSEL, "PBCSEL", Access::RW, 0x0, 0x87},
    {Pm::PBDSEL, "PBDSEL", Access::RW, 0x0, 0x87},
    {Pm::CPUMASK, "CPUMASK", Access::RW, 0x1, 0x1},
    {Pm::HSBMASK, "HSBMASK", Access::RW, 0x1E2, 0x3FF},
    {Pm::PBAMASK, "PBAMASK", Access::RW, 0x0, 0x00EF'FFFF},
    {Pm::PBBMASK, "PBBMASK", Access::RW, 0x1, 0x7F},
    {Pm::PBCMASK, "PBCMASK", Access::RW, 0x1F, 0x1F},
    {Pm::PBDMASK, "PBDMASK", Access::RW, 0x3F, 0x3F},
    {Pm::PBADIVMASK, "PBADIVMASK", Access::RW, 0x0, 0x7F},
    {Pm::CFDCTRL, "CFDCTRL", Access::RW, 0x0, 0x8000'0001},
    {Pm::UNLOCK, "UNLOCK", Access::WO, 0, 0xFF00'03FF},
    {Pm::IER, "IER", Access::WO, 0, kStatusBits, Action::Set, Pm::IMR},
    {Pm::IDR, "IDR", Access::WO, 0, kStatusBits, Action::Clear, Pm::IMR},
    {Pm::IMR, "IMR", Access::RO},
    {Pm::ISR, "ISR", Access::RO},
    {Pm::ICR, "ICR", Access::WO, 0, kStatusBits, Action::Clear, Pm::ISR},
    // CKRDY and PERRDY read 1: dividers and peripherals are settled at once in the model.
    {Pm::SR, "SR", Access::RO, Pm::kCKRDY | Pm::kPERRDY},
    {Pm::PPCR, "PPCR", Access::RW, 0x1FE, 0x7FF},
    {Pm::RCAUSE, "RCAUSE", Access::RO, 0x1},  // POR
    {Pm::WCAUSE, "WCAUSE", Access::RO},
    {Pm::AWEN, "AWEN", Access::RW, 0, 0xFF},
    {Pm::OBS, "OBS", Access::RW},
    {Pm::FASTSLEEP, "FASTSLEEP", Access::RW, 0, 0x011F'0101},
    {Pm::CONFIG, "CONFIG", Access::RO, 0xF},
    {Pm::VERSION, "VERSION", Access::RO, 0x441},
};

// Divider exponent of a xSEL value: CPUDIV/PBDIV (bit 7) = 1 divides by 2^(SEL+1).
unsigned divider_exponent(std::uint32_t sel) {
    return (sel & 0x80) ? (sel & 0x7) + 1 : 0;
}

constexpr std::array<const char*, 8> kMainNames = {"RCSYS", "OSC0",   "PLL0", "DFLL0",
                                                   "RC80M", "RCFAST", "RC1M", "reserved"};
}  // namespace

Pm::Pm(ClockTree& clocks, InterruptSink* irq, unsigned irq_number)
    : ProtectedBlock("PM", kRegs, 0x400, UNLOCK,
                     {MCCTRL, CPUSEL, PBASEL, PBBSEL, PBCSEL, PBDSEL, HSBMASK, PBAMASK, PBBMASK,
                      PBCMASK, PBDMASK}),
      clocks_(clocks),
      line_(irq, irq_number) {
    reset();
}

void Pm::on_reset() {
    last_cpu_hz_ = 0;
    for (unsigned i = 0; i < 6; ++i) clocks_.mask[i] = reg(CPUMASK + 4 * i);
}

void Pm::on_access_error() {
    reg_ref(SR) |= kAE;
    reg_ref(ISR) |= kAE;
}

void Pm::on_write(std::size_t index, std::uint32_t value) {
    const std::uint32_t off = def(index).offset;
    switch (off) {
        case MCCTRL: {
            const unsigned sel = value & 0x7;
            const auto src = static_cast<MainClock>(sel);
            if (sel == 7 || clocks_.source_hz(src) == 0) {
                spdlog::warn("PM.MCCTRL: main clock {} selected but not running; ignored",
                             kMainNames[sel]);
                reg_ref(MCCTRL) = static_cast<std::uint32_t>(clocks_.main_select);
                return;
            }
            clocks_.main_select = src;
            clocks_.guest_programmed = true;
            publish_clocks();
            break;
        }
        case CPUSEL:
            apply_divider(0, value);
            break;
        case PBASEL:
            apply_divider(1, value);
            break;
        case PBBSEL:
            apply_divider(2, value);
            break;
        case PBCSEL:
            apply_divider(3, value);
            break;
        case PBDSEL:
            apply_divider(4, value);
            break;
        case CPUMASK:
        case HSBMASK:
        case PBAMASK:
        case PBBMASK:
        case PBCMASK:
        case PBDMASK:
            // The masks gate the peripherals' clocks (ClockGate); listeners re-read them.
            clocks_.mask[(off - CPUMASK) / 4] = reg(off);
            clocks_.changed();
            break;
        case ICR:
            // AE in SR follows its ISR flag.
            if (value & kAE) reg_ref(SR) &= ~kAE;
            break;
        default:
            break;
    }
}

void Pm::apply_divider(unsigned domain, std::uint32_t value) {
    clocks_.div_exp[domain] = divider_exponent(value);
    clocks_.guest_programmed = true;
    // The divider is settled immediately: CKRDY stays 1 and its ISR flag is raised.
    reg_ref(ISR) |= kCKRDY;
    publish_clocks();
}

void Pm::publish_clocks() {
    clocks_.changed();
    const std::uint64_t hz = clocks_.cpu_hz();
    if (hz != last_cpu_hz_) {
        last_cpu_hz_ = hz;
        if (on_cpu_clock) on_cpu_clock(hz);
    }
}

void Pm::update_irq() {
    line_.set((reg(ISR) & reg(IMR)) != 0);
}

}  // namespace tockemu::sam4l

namespace tockemu::sam4l {

ClockGatedDevice::ClockGatedDevice(Device& model, const ClockTree& clocks, ClockGate gate,
                                   std::function<void(bool running)> on_change)
    : model_(model),
      clocks_(clocks),
      gate_(gate),
      on_change_(std::move(on_change)),
      running_(clocks.clocked(gate)) {}

void ClockGatedDevice::update() {
    const bool running = clocks_.clocked(gate_);
    if (running == running_) return;
    running_ = running;
    if (on_change_) on_change_(running);
}

std::uint32_t ClockGatedDevice::read(std::uint32_t offset, unsigned size) {
    if (running_) return model_.read(offset, size);
    masked_access();
    return 0;
}

void ClockGatedDevice::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    if (running_) return model_.write(offset, value, size);
    masked_access();
}

void ClockGatedDevice::masked_access() {
    if (!report_.empty()) return;
    // Name the bit that is actually 0: the peripheral's own, or its bridge's in HSBMASK.
    const bool own = (clocks_.mask_of(gate_.reg) >> gate_.bit & 1u) != 0;
    if (!own) {
        report_ = fmt::format("access to {} with its clock masked (PM.{} bit {})", model_.name(),
                              kMaskRegNames[static_cast<unsigned>(gate_.reg)], gate_.bit);
    } else {
        const unsigned bridge =
            static_cast<unsigned>(gate_.reg) - static_cast<unsigned>(MaskReg::PBA);
        report_ =
            fmt::format("access to {} with its clock masked (PM.HSBMASK bit {}, bridge APB{})",
                        model_.name(), kHsbBridgeBit[bridge], static_cast<char>('A' + bridge));
    }
    if (auto log = spdlog::get("guest")) {
        log->info("{}", report_);
    } else {
        spdlog::debug("[guest] {}", report_);
    }
}

}  // namespace tockemu::sam4l
