// The Hail board: the SAM4L peripheral table and the loop that wires it (STYLE.md "the board is
// data"). Each row is {name, base, size, first IRQ, IRQ count, factory}; the loop builds every
// model, maps it on the bus and hands it its interrupt lines. Every SAM4L peripheral that has no
// model is a named UnimplementedDevice, so no guest access to the peripheral window hits an
// unmapped hole.
#include "emu/board/hail_board.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "emu/periph/sam4l/adcife.hpp"
#include "emu/periph/sam4l/ast.hpp"
#include "emu/periph/sam4l/bpm.hpp"
#include "emu/periph/sam4l/bscif.hpp"
#include "emu/periph/sam4l/clock_tree.hpp"
#include "emu/periph/sam4l/crccu.hpp"
#include "emu/periph/sam4l/dacc.hpp"
#include "emu/periph/sam4l/eic.hpp"
#include "emu/periph/sam4l/flashcalw.hpp"
#include "emu/periph/sam4l/gpio.hpp"
#include "emu/periph/sam4l/i2c_fxos8700.hpp"
#include "emu/periph/sam4l/i2c_isl29035.hpp"
#include "emu/periph/sam4l/i2c_si7021.hpp"
#include "emu/periph/sam4l/pdca.hpp"
#include "emu/periph/sam4l/pm.hpp"
#include "emu/periph/sam4l/scif.hpp"
#include "emu/periph/sam4l/spi.hpp"
#include "emu/periph/sam4l/spi_device.hpp"
#include "emu/periph/sam4l/spi_flash.hpp"
#include "emu/periph/sam4l/tc.hpp"
#include "emu/periph/sam4l/trng.hpp"
#include "emu/periph/sam4l/twim.hpp"
#include "emu/periph/sam4l/unimplemented.hpp"
#include "emu/periph/sam4l/usart.hpp"
#include "emu/periph/sam4l/wdt.hpp"

namespace tockemu {

using namespace sam4l;

namespace {
struct GatedDmaRequests;

// What the factories of the table see: the machine context, the clock tree and typed views of
// the models the host side talks to.
struct BoardParts {
    MachineContext& ctx;
    std::uint64_t rng_seed;
    ClockTree clocks;
    std::vector<std::unique_ptr<Device>> devices;
    std::vector<std::string> names;     // mapping order, for reports
    std::vector<std::string> warnings;  // board-level reports (flash wait states)
    bool warned_wait_states = false;
    std::string_view sleep_mode;  // "" while awake
    bool sleep_deep = false;
    std::uint64_t reported_hz = 0;  // last CPU frequency given to on_core_clock_change

    // Typed views of the models the host side talks to.
    Pm* pm = nullptr;
    Scif* scif = nullptr;
    Bscif* bscif = nullptr;
    Bpm* bpm = nullptr;
    Ast* ast = nullptr;
    Flashcalw* flash = nullptr;
    Hcache* hcache = nullptr;
    std::array<GpioPort*, 3> gpio{};

    // Every mapped model behind its PM clock mask, and the DMA handshakes behind theirs.
    std::vector<std::unique_ptr<ClockGatedDevice>> gates;
    std::unique_ptr<GatedDmaRequests> dma_gate;
    DmaRequestSink* dma = nullptr;  // what request-line owners are given (the gate, or null)

    // ---- I/O side state (periphio) ----
    Pdca* pdca = nullptr;  // built first: the USARTs and the SPI drive its request lines
    std::array<Usart*, Usart::kCount> usarts{};
    Spi* spi = nullptr;
    // CLK_USART / CLK_SPI: the PBA clock as PM currently divides it.
    std::function<std::uint64_t()> pba_hz() {
        return [this] { return clocks.pba_hz(); };
    }
    // ---- end of the I/O side state ----

    BoardParts(MachineContext& c, std::uint64_t seed)
        : ctx(c), rng_seed(seed), clocks(c.clock.core_hz()) {}
};

struct Row;
using Factory = std::function<std::unique_ptr<Device>(BoardParts& b, const Row& row)>;

struct Row {
    std::string_view name;
    std::uint32_t base;
    std::uint32_t size;
    int irq;        // first NVIC line, -1 = none
    unsigned irqs;  // number of consecutive lines
    Factory make;   // null = named unimplemented device
};

// ---- Clock masks (periph2) -------------------------------------------------------------------
// The PM mask bit that clocks each peripheral's bus interface (sam4l.md §1.3, ASF
// component_pm.h), by board name. PBx bits also need their bridge's HSBMASK bit (ClockTree).
// Two readings: the PDCA's registers sit behind PBBMASK bit 3 and its transfers need HSBMASK
// bit 0 (GatedDmaRequests); HFLASHC/HCACHE registers sit behind PBBMASK bits 0/1 while flash
// reads by the core are never gated (a masked flash controller would stop the program).
struct NamedGate {
    std::string_view name;
    ClockGate gate;
};
constexpr NamedGate kClockGates[] = {
    {"IISC", {MaskReg::PBA, 0}},    {"SPI", {MaskReg::PBA, 1}},      {"TC0", {MaskReg::PBA, 2}},
    {"TC1", {MaskReg::PBA, 3}},     {"TWIM0", {MaskReg::PBA, 4}},    {"TWIS0", {MaskReg::PBA, 5}},
    {"TWIM1", {MaskReg::PBA, 6}},   {"TWIS1", {MaskReg::PBA, 7}},    {"USART0", {MaskReg::PBA, 8}},
    {"USART1", {MaskReg::PBA, 9}},  {"USART2", {MaskReg::PBA, 10}},  {"USART3", {MaskReg::PBA, 11}},
    {"ADCIFE", {MaskReg::PBA, 12}}, {"DACC", {MaskReg::PBA, 13}},    {"ACIFC", {MaskReg::PBA, 14}},
    {"GLOC", {MaskReg::PBA, 15}},   {"ABDACB", {MaskReg::PBA, 16}},  {"TRNG", {MaskReg::PBA, 17}},
    {"PARC", {MaskReg::PBA, 18}},   {"CATB", {MaskReg::PBA, 19}},    {"TWIM2", {MaskReg::PBA, 21}},
    {"TWIM3", {MaskReg::PBA, 22}},  {"LCDCA", {MaskReg::PBA, 23}},   {"HFLASHC", {MaskReg::PBB, 0}},
    {"HCACHE", {MaskReg::PBB, 1}},  {"HMATRIX", {MaskReg::PBB, 2}},  {"PDCA", {MaskReg::PBB, 3}},
    {"CRCCU", {MaskReg::PBB, 4}},   {"USBC", {MaskReg::PBB, 5}},     {"PEVC", {MaskReg::PBB, 6}},
    {"AESA", {MaskReg::HSB, 9}},    {"PM", {MaskReg::PBC, 0}},       {"CHIPID", {MaskReg::PBC, 1}},
    {"SCIF", {MaskReg::PBC, 2}},    {"FREQM", {MaskReg::PBC, 3}},    {"GPIO_PA", {MaskReg::PBC, 4}},
    {"GPIO_PB", {MaskReg::PBC, 4}}, {"GPIO_PC", {MaskReg::PBC, 4}},  {"BPM", {MaskReg::PBD, 0}},
    {"BSCIF", {MaskReg::PBD, 1}},   {"AST", {MaskReg::PBD, 2}},      {"WDT", {MaskReg::PBD, 3}},
    {"EIC", {MaskReg::PBD, 4}},     {"PICOUART", {MaskReg::PBD, 5}},
};
constexpr ClockGate kPdcaTransfers{MaskReg::HSB, 0};

const ClockGate* clock_gate_of(std::string_view name) {
    for (const NamedGate& g : kClockGates) {
        if (g.name == name) return &g.gate;
    }
    return nullptr;  // SMAP: not behind a mask
}

// The clock of the peripheral that owns a PDCA request line (dma_request.hpp PIDs): USARTn,
// SPI, TWIMn (PIDs 5..8 RX, 23..26 TX), ADCIFE (11, 29), DACC (35).
std::optional<ClockGate> clock_gate_of_pid(unsigned p) {
    static constexpr unsigned kTwimBit[4] = {4, 6, 21, 22};
    if (p < 4) return ClockGate{MaskReg::PBA, 8 + p};
    if (p >= 18 && p < 22) return ClockGate{MaskReg::PBA, 8 + (p - 18)};
    if (p == pid::kSpiRx || p == pid::kSpiTx) return ClockGate{MaskReg::PBA, 1};
    if (p >= 5 && p <= 8) return ClockGate{MaskReg::PBA, kTwimBit[p - 5]};
    if (p >= 23 && p <= 26) return ClockGate{MaskReg::PBA, kTwimBit[p - 23]};
    if (p == 11 || p == 29) return ClockGate{MaskReg::PBA, 12};  // ADCIFE RX / TX
    if (p == 35) return ClockGate{MaskReg::PBA, 13};             // DACC TX
    return std::nullopt;
}

// Between the peripherals' PDCA request lines and the PDCA: a request reaches the PDCA only
// while the PDCA's transfer clock (HSBMASK bit 0) and the requesting peripheral's clock both
// run, so a masked PDCA moves nothing and a masked USART/SPI is never written by DMA. The lines'
// true levels are kept and re-forwarded when the clocks come back.
struct GatedDmaRequests final : DmaRequestSink {
    GatedDmaRequests(const ClockTree& c, DmaRequestSink& p) : clocks(c), pdca(p) {}
    void set_dma_request(unsigned p, bool level) override {
        if (p >= raised.size()) return;
        raised[p] = level;
        forward(p);
    }
    void clocks_changed() {
        for (unsigned p = 0; p < raised.size(); ++p) forward(p);
    }

  private:
    void forward(unsigned p) {
        const auto gate = clock_gate_of_pid(p);
        const bool level =
            raised[p] && clocks.clocked(kPdcaTransfers) && (!gate || clocks.clocked(*gate));
        if (level == forwarded[p]) return;
        forwarded[p] = level;
        pdca.set_dma_request(p, level);
    }

    const ClockTree& clocks;
    DmaRequestSink& pdca;
    std::array<bool, pid::kCount> raised{}, forwarded{};
};

}  // namespace

struct HailBoard::Impl : BoardParts {
    using BoardParts::BoardParts;
};

namespace {

Factory make_gpio(unsigned port) {
    return [port](BoardParts& b, const Row& r) {
        auto d = std::make_unique<GpioPort>(b.ctx, port, static_cast<unsigned>(r.irq));
        b.gpio[port] = d.get();
        return std::unique_ptr<Device>(std::move(d));
    };
}

Factory make_tc(unsigned gclk) {
    return [gclk](BoardParts& b, const Row& r) {
        Scif* scif = b.scif;
        ClockTree* clocks = &b.clocks;
        return std::make_unique<Tc>(
            std::string(r.name), b.ctx.clock, [scif, gclk] { return scif->gclk_hz(gclk); },
            [clocks] { return clocks->pba_hz(); }, &b.ctx.irq, static_cast<unsigned>(r.irq));
    };
}

// ---- System peripherals (periphsys) ----------------------------------------------------------
// Bases, sizes and IRQs: sam4l.md §1.3 and §2 (ASF sam4lc8c.h).
std::vector<Row> system_rows() {
    return {
        {"PM", 0x400E'0000, 0x400, 22, 1,
         [](BoardParts& b, const Row& r) {
             auto d = std::make_unique<Pm>(b.clocks, &b.ctx.irq, static_cast<unsigned>(r.irq));
             b.pm = d.get();
             return std::unique_ptr<Device>(std::move(d));
         }},
        {"SCIF", 0x400E'0800, 0x400, 23, 1,
         [](BoardParts& b, const Row& r) {
             auto d = std::make_unique<Scif>(b.clocks, b.ctx.clock, &b.ctx.irq,
                                             static_cast<unsigned>(r.irq));
             b.scif = d.get();
             return std::unique_ptr<Device>(std::move(d));
         }},
        {"BPM", 0x400F'0000, 0x400, 37, 1,
         [](BoardParts& b, const Row& r) {
             auto d = std::make_unique<Bpm>(b.clocks, &b.ctx.irq, static_cast<unsigned>(r.irq));
             b.bpm = d.get();
             return std::unique_ptr<Device>(std::move(d));
         }},
        {"BSCIF", 0x400F'0400, 0x400, 38, 1,
         [](BoardParts& b, const Row& r) {
             auto d = std::make_unique<Bscif>(b.clocks, b.ctx.clock, &b.ctx.irq,
                                              static_cast<unsigned>(r.irq));
             b.bscif = d.get();
             return std::unique_ptr<Device>(std::move(d));
         }},
        {"CHIPID", 0x400E'0400, 0x400, -1, 0,
         [](BoardParts&, const Row&) { return std::make_unique<ChipId>(); }},
        {"HFLASHC", 0x400A'0000, 0x400, 0, 1,
         [](BoardParts& b, const Row& r) -> std::unique_ptr<Device> {
             Memory* flash = b.ctx.bus.memory_at(0);
             if (flash == nullptr) {
                 spdlog::warn("board: no flash mapped at 0; HFLASHC is an unimplemented device");
                 return std::make_unique<UnimplementedDevice>("HFLASHC", r.base, r.size);
             }
             auto d = std::make_unique<Flashcalw>(*flash, b.ctx.clock, &b.ctx.irq,
                                                  static_cast<unsigned>(r.irq));
             b.flash = d.get();
             return d;
         }},
        {"HCACHE", 0x400A'0400, 0x400, -1, 0,
         [](BoardParts& b, const Row&) {
             auto d = std::make_unique<Hcache>();
             b.hcache = d.get();
             return d;
         }},
        {"AST", 0x400F'0800, 0x400, 39, 5,
         [](BoardParts& b, const Row& r) {
             Scif* scif = b.scif;
             auto d = std::make_unique<Ast>(
                 b.ctx.clock, b.clocks, [scif] { return scif->gclk_hz(2); }, &b.ctx.irq,
                 static_cast<unsigned>(r.irq));
             b.ast = d.get();
             return std::unique_ptr<Device>(std::move(d));
         }},
        {"GPIO_PA", 0x400E'1000, 0x200, 25, 4, make_gpio(0)},
        {"GPIO_PB", 0x400E'1200, 0x200, 29, 4, make_gpio(1)},
        {"GPIO_PC", 0x400E'1400, 0x200, 33, 4, make_gpio(2)},
        {"TRNG", 0x4006'8000, 0x4000, 73, 1,
         [](BoardParts& b, const Row& r) {
             ClockTree* clocks = &b.clocks;
             return std::make_unique<Trng>(
                 b.ctx.clock, [clocks] { return clocks->pba_hz(); }, b.rng_seed, &b.ctx.irq,
                 static_cast<unsigned>(r.irq));
         }},
        // TIMER_CLOCK1 is GCLK5 for TC0 and GCLK8 for TC1.
        {"TC0", 0x4001'0000, 0x4000, 55, 3, make_tc(5)},
        {"TC1", 0x4001'4000, 0x4000, 58, 3, make_tc(8)},
        // Named, not modelled (reads return 0 or the listed reset value).
        {"IISC", 0x4000'4000, 0x4000, 53, 1, nullptr},
        {"TWIS0", 0x4001'8400, 0x3C00, 62, 1, nullptr},
        {"TWIS1", 0x4001'C400, 0x3C00, 64, 1, nullptr},
        {"ACIFC", 0x4004'0000, 0x4000, 71, 1, nullptr},
        {"GLOC", 0x4006'0000, 0x4000, -1, 0, nullptr},
        {"ABDACB", 0x4006'4000, 0x4000, 72, 1, nullptr},
        {"PARC", 0x4006'C000, 0x4000, 74, 1, nullptr},
        {"CATB", 0x4007'0000, 0x4000, 75, 1, nullptr},
        {"LCDCA", 0x4008'0000, 0x4000, 79, 1, nullptr},
        {"HMATRIX", 0x400A'1000, 0x1000, -1, 0, nullptr},
        {"SMAP", 0x400A'3000, 0x1000, -1, 0, nullptr},
        {"USBC", 0x400A'5000, 0x1000, 18, 1, nullptr},
        {"PEVC", 0x400A'6000, 0x1000, 19, 2, nullptr},
        {"AESA", 0x400B'0000, 0x4000, 21, 1, nullptr},
        {"FREQM", 0x400E'0C00, 0x400, 24, 1, nullptr},
        {"PICOUART", 0x400F'1400, 0x400, -1, 0, nullptr},
    };
}

// ---- I/O peripherals (periphio) ----
// The periphio engineer owns this section: USART0-3, SPI, PDCA rows and the host-side functions
// set_uart_sink / inject_uart_rx / attach_spi_device below.
template <class Model>
std::unique_ptr<Device> keep(std::unique_ptr<Model> model, Model*& view) {
    view = model.get();
    return model;
}

std::unique_ptr<Device> make_usart(BoardParts& b, unsigned n) {
    return keep(std::make_unique<Usart>(b.ctx, n, b.pba_hz(), b.dma), b.usarts[n]);
}

std::vector<Row> io_rows() {
    // IRQs: USARTn 65+n, SPI 54, PDCA channel n -> 1+n (sam4l.md §2); the models own their
    // numbers, the columns here say the same for the board report.
    return {
        {"PDCA", Pdca::kBase, Pdca::kSize, Pdca::kFirstIrq, Pdca::kChannels,
         [](BoardParts& b, const Row&) {
             auto pdca = keep(std::make_unique<Pdca>(b.ctx), b.pdca);
             b.dma_gate = std::make_unique<GatedDmaRequests>(b.clocks, *b.pdca);
             b.dma = b.dma_gate.get();
             return pdca;
         }},
        {"USART0", Usart::kBase[0], Usart::kSize, 65, 1,
         [](BoardParts& b, const Row&) { return make_usart(b, 0); }},
        {"USART1", Usart::kBase[1], Usart::kSize, 66, 1,
         [](BoardParts& b, const Row&) { return make_usart(b, 1); }},
        {"USART2", Usart::kBase[2], Usart::kSize, 67, 1,
         [](BoardParts& b, const Row&) { return make_usart(b, 2); }},
        {"USART3", Usart::kBase[3], Usart::kSize, 68, 1,
         [](BoardParts& b, const Row&) { return make_usart(b, 3); }},
        {"SPI", Spi::kBase, Spi::kSize, Spi::kIrq, 1,
         [](BoardParts& b, const Row&) {
             auto spi = keep(std::make_unique<Spi>(b.ctx, b.pba_hz(), b.dma), b.spi);
             // Parts fitted on the emulated Hail's SPI header (a real Hail has none): a wire from
             // MOSI to MISO on NPCS0, the chip select Tock's SPI syscall driver uses, and a
             // W25Q80DV NOR flash on NPCS1. attach_spi_device() replaces either.
             b.spi->attach(0, std::make_unique<SpiLoopbackDevice>());
             b.spi->attach(1, std::make_unique<SpiFlashW25Q80>(b.ctx.clock));
             return spi;
         }},
    };
}
// ---- end of the I/O peripherals section ----

// ---- I2C (i2c) -------------------------------------------------------------------------------
// TWIM0..3 (sam4l.md §1.3, §15.5). Built after the PDCA so their request lines reach it (through
// the clock-gated sink). The Hail's three sensors sit on TWIM1 (PB00 SDA / PB01 SCL); the
// FXOS8700CQ's INT1 output drives PA09 (active low, idle high).
constexpr unsigned kFxosInt1Port = 0, kFxosInt1Pin = 9;

Factory make_twim(unsigned n) {
    return [n](BoardParts& b, const Row&) -> std::unique_ptr<Device> {
        auto twim = std::make_unique<Twim>(b.ctx, n, b.pba_hz(), b.dma);
        if (n == HailBoard::kSensorTwim) {
            twim->attach(Si7021::kAddress, std::make_unique<Si7021>(b.ctx.clock));
            twim->attach(Isl29035::kAddress, std::make_unique<Isl29035>(b.ctx.clock));
            GpioPort* port = b.gpio[kFxosInt1Port];
            twim->attach(Fxos8700::kAddress,
                         std::make_unique<Fxos8700>(b.ctx.clock, [port](bool level) {
                             if (port) port->set_input(kFxosInt1Pin, level);
                         }));
        }
        return twim;
    };
}

std::vector<Row> i2c_rows() {
    std::vector<Row> rows;
    static constexpr std::string_view kNames[Twim::kCount] = {"TWIM0", "TWIM1", "TWIM2", "TWIM3"};
    for (unsigned n = 0; n < Twim::kCount; ++n)
        rows.push_back({kNames[n], Twim::kBase[n], Twim::kSize[n], static_cast<int>(Twim::kIrq[n]),
                        1, make_twim(n)});
    return rows;
}

Twim* twim_of(const HailBoard& board, unsigned n, const char* who) {
    static constexpr std::string_view kNames[Twim::kCount] = {"TWIM0", "TWIM1", "TWIM2", "TWIM3"};
    auto* twim = n < Twim::kCount ? dynamic_cast<Twim*>(board.device(kNames[n])) : nullptr;
    if (twim == nullptr) throw std::out_of_range(fmt::format("{}: no TWIM{} (TWIM0..3)", who, n));
    return twim;
}

template <class Sensor>
Sensor& sensor_at(const HailBoard& board, std::uint8_t address, const char* what) {
    auto* s = dynamic_cast<Sensor*>(
        twim_of(board, HailBoard::kSensorTwim, "set_sensors")->device(address));
    if (s == nullptr)
        throw std::runtime_error(fmt::format(
            "set_sensors: no {} at I2C address {:#04x} on TWIM1 (replaced by attach_i2c_device?)",
            what, address));
    return *s;
}
// ---- end of the I2C section ----

// ---- analog (analog) -------------------------------------------------------------------------
// ADCIFE, DACC, CRCCU, WDT, EIC (sam4l.md §1.3, §2, §15.2-15.4). Built after the PDCA so the ADC
// and DAC request lines (PIDs 11 and 35) reach it through the clock-gated sink. CLK_ADC comes
// from GCLK10 or the PBA clock, CLK_DACC from the PBA clock; the CRCCU masters the bus itself.
std::vector<Row> analog_rows() {
    return {
        {"ADCIFE", Adcife::kBase, Adcife::kSize, static_cast<int>(Adcife::kIrq), 1,
         [](BoardParts& b, const Row&) -> std::unique_ptr<Device> {
             Scif* scif = b.scif;
             return std::make_unique<Adcife>(
                 b.ctx, [scif] { return scif->gclk_hz(10); }, b.pba_hz(), b.dma);
         }},
        {"DACC", Dacc::kBase, Dacc::kSize, static_cast<int>(Dacc::kIrq), 1,
         [](BoardParts& b, const Row&) -> std::unique_ptr<Device> {
             return std::make_unique<Dacc>(b.ctx, b.pba_hz(), b.dma);
         }},
        {"CRCCU", Crccu::kBase, Crccu::kSize, static_cast<int>(Crccu::kIrq), 1,
         [](BoardParts& b, const Row&) -> std::unique_ptr<Device> {
             return std::make_unique<Crccu>(b.ctx);
         }},
        {"WDT", Wdt::kBase, Wdt::kSize, static_cast<int>(Wdt::kIrq), 1,
         [](BoardParts& b, const Row&) -> std::unique_ptr<Device> {
             return std::make_unique<Wdt>(b.ctx.clock, &b.ctx.irq);
         }},
        {"EIC", Eic::kBase, Eic::kSize, static_cast<int>(Eic::kFirstIrq), 8,
         [](BoardParts& b, const Row&) -> std::unique_ptr<Device> {
             return std::make_unique<Eic>(&b.ctx.irq);
         }},
    };
}

template <class Model>
Model& analog_model(const HailBoard& board, std::string_view name) {
    auto* m = dynamic_cast<Model*>(board.device(name));
    if (m == nullptr) throw std::logic_error(fmt::format("board: {} is not modelled", name));
    return *m;
}
// ---- end of the analog section ----

}  // namespace

// ---- I2C (i2c) ----
void HailBoard::attach_i2c_device(unsigned twim, std::uint8_t address,
                                  std::unique_ptr<I2cDevice> device) {
    if (address > 0x7F)
        throw std::out_of_range(
            fmt::format("attach_i2c_device: address {:#x} is not a 7-bit I2C address", address));
    twim_of(*this, twim, "attach_i2c_device")->attach(address, std::move(device));
}

void HailBoard::set_sensors(const SensorValues& v) {
    if (v.temperature || v.humidity) {
        auto& si = sensor_at<Si7021>(*this, Si7021::kAddress, "SI7021");
        if (v.temperature) si.set_temperature(*v.temperature);
        if (v.humidity) si.set_humidity(*v.humidity);
    }
    if (v.light) sensor_at<Isl29035>(*this, Isl29035::kAddress, "ISL29035").set_lux(*v.light);
    if (v.accel || v.magnetic) {
        auto& fx = sensor_at<Fxos8700>(*this, Fxos8700::kAddress, "FXOS8700CQ");
        if (v.accel) fx.set_acceleration(*v.accel);
        if (v.magnetic) fx.set_magnetic_field(*v.magnetic);
    }
}
// ---- end of the I2C section ----

// ---- analog (analog) ----
void HailBoard::set_adc_input(unsigned channel, std::uint32_t millivolts) {
    if (channel >= Adcife::kChannels)
        throw std::out_of_range(fmt::format(
            "set_adc_input: no ADC channel {} (AD0..AD14 are 0..14, the bandgap is 15)", channel));
    analog_model<Adcife>(*this, "ADCIFE").set_input_mv(channel, millivolts);
}

std::uint32_t HailBoard::dac_output() const {
    return analog_model<Dacc>(*this, "DACC").output_mv();
}

void HailBoard::set_external_interrupt(unsigned line, bool level) {
    if (line >= Eic::kLines)
        throw std::out_of_range(
            fmt::format("set_external_interrupt: no EIC line {} (NMI 0, EXTINT1..8)", line));
    analog_model<Eic>(*this, "EIC").set_input(line, level);
}

unsigned HailBoard::watchdog_resets() const {
    return analog_model<Wdt>(*this, "WDT").resets();
}

// The analog models that talk to each other or to the machine: the ADC's internal DAC input
// reads the DAC, and a watchdog time-out asks for a system reset.
void HailBoard::wire_analog() {
    Dacc* dac = &analog_model<Dacc>(*this, "DACC");
    analog_model<Adcife>(*this, "ADCIFE").set_dac_source([dac] { return dac->output_mv(); });
    analog_model<Wdt>(*this, "WDT").on_system_reset = [this] {
        if (on_system_reset_request) {
            on_system_reset_request();
        } else {
            spdlog::warn("WDT time-out: no system reset handler attached to the board");
        }
    };
}
// ---- end of the analog section ----

void HailBoard::set_uart_sink(unsigned usart, std::function<void(std::uint8_t)> sink) {
    // ---- I/O peripherals (periphio) ----
    if (usart >= Usart::kCount)
        throw std::out_of_range(fmt::format("set_uart_sink: no USART{}", usart));
    impl_->usarts[usart]->set_sink(std::move(sink));
    // ---- end of the I/O peripherals section ----
}

void HailBoard::inject_uart_rx(unsigned usart, std::span<const std::uint8_t> bytes) {
    // ---- I/O peripherals (periphio) ----
    if (usart >= Usart::kCount)
        throw std::out_of_range(fmt::format("inject_uart_rx: no USART{}", usart));
    impl_->usarts[usart]->inject_rx(bytes);
    // ---- end of the I/O peripherals section ----
}

void HailBoard::inject_uart_rx_error(unsigned usart, UartRxError kind, std::uint8_t ch) {
    if (usart >= Usart::kCount)
        throw std::out_of_range(fmt::format("inject_uart_rx_error: no USART{}", usart));
    static constexpr Usart::RxError kKinds[] = {Usart::RxError::Parity, Usart::RxError::Framing,
                                                Usart::RxError::Overrun, Usart::RxError::Break};
    impl_->usarts[usart]->inject_rx_error(kKinds[static_cast<unsigned>(kind)], ch);
}

void HailBoard::attach_spi_device(unsigned chip_select, std::unique_ptr<SpiDevice> device) {
    // ---- I/O peripherals (periphio) ----
    if (chip_select >= Spi::kChipSelects)
        throw std::out_of_range(
            fmt::format("attach_spi_device: chip select {} (NPCS0..3 exist)", chip_select));
    impl_->spi->attach(chip_select, std::move(device));
    // ---- end of the I/O peripherals section ----
}

HailBoard::HailBoard(MachineContext& ctx) : HailBoard(ctx, 0) {}

HailBoard::HailBoard(MachineContext& ctx, std::uint64_t rng_seed)
    : impl_(std::make_unique<Impl>(ctx, rng_seed)) {
    std::vector<Row> rows = system_rows();
    for (Row& r : io_rows()) rows.push_back(std::move(r));
    for (Row& r : i2c_rows()) rows.push_back(std::move(r));     // after the PDCA (i2c)
    for (Row& r : analog_rows()) rows.push_back(std::move(r));  // after the PDCA (analog)
    for (const Row& r : rows) {
        std::unique_ptr<Device> dev =
            r.make ? r.make(*impl_, r)
                   : std::make_unique<UnimplementedDevice>(std::string(r.name), r.base, r.size,
                                                           sam4l_known_registers(r.name));
        Device* mapped = dev.get();
        if (const ClockGate* gate = clock_gate_of(r.name)) {
            // The model learns when its interface clock stops, so its own activity can stop.
            auto* block = dynamic_cast<RegisterBlock*>(dev.get());
            auto on_change = [block](bool running) {
                if (block) block->set_clock_running(running);
            };
            impl_->gates.push_back(
                std::make_unique<ClockGatedDevice>(*dev, impl_->clocks, *gate, on_change));
            if (block) block->set_clock_running(impl_->gates.back()->running());
            mapped = impl_->gates.back().get();
        }
        ctx.bus.map_device(r.base, r.size, *mapped);
        impl_->names.emplace_back(r.name);
        impl_->devices.push_back(std::move(dev));
    }
    wire_analog();  // (analog)
    impl_->clocks.subscribe([this] { clocks_changed(); });
    // External parts: the user button on PA16 is active low with a pull-up on the board, so the
    // pin reads 1 until the host presses it (set_gpio_input(0, 16, false)).
    impl_->gpio[0]->set_input(kButtonPin, true);
    // The machine owns the core clock (it knows where the current instruction batch ends); a
    // board used without a machine (unit tests) changes the clock itself.
    impl_->reported_hz = impl_->clocks.cpu_hz();
    impl_->pm->on_cpu_clock = [this](std::uint64_t hz) { core_clock_changed(hz); };
    if (impl_->flash) {
        impl_->flash->on_flash_changed = [this](std::uint32_t address, std::uint32_t length) {
            if (on_flash_programmed) on_flash_programmed(address, length);
        };
    }
}

HailBoard::~HailBoard() = default;

void HailBoard::clocks_changed() {
    for (auto& g : impl_->gates) g->update();
    if (impl_->dma_gate) impl_->dma_gate->clocks_changed();
}

void HailBoard::enter_sleep(bool sleepdeep) {
    if (!impl_->sleep_mode.empty()) return;  // already asleep
    const Bpm& bpm = *impl_->bpm;
    static constexpr std::string_view kLevels[4] = {"SLEEP0", "SLEEP1", "SLEEP2", "SLEEP3"};
    std::string_view mode = kLevels[bpm.sleep_level()];
    if (sleepdeep) mode = bpm.backup() ? "BACKUP" : bpm.retention() ? "RETENTION" : "WAIT";
    if (sleepdeep && bpm.backup()) {
        spdlog::debug("BACKUP mode entered: its wake-up through a reset is not modelled");
    }
    impl_->sleep_mode = mode;
    impl_->sleep_deep = sleepdeep;
    const unsigned level = sleepdeep ? 4 : bpm.sleep_level();
    impl_->clocks.sleep_stops_hsb = level >= 1;
    impl_->clocks.sleep_stops_pb = level >= 2;
    impl_->clocks.changed();
    impl_->ast->set_deep_sleep(sleepdeep);
    impl_->ctx.publish(SleepEvent{std::string(mode), sleepdeep, true});
}

void HailBoard::leave_sleep() {
    if (impl_->sleep_mode.empty()) return;
    const std::string mode(impl_->sleep_mode);
    impl_->sleep_mode = {};
    impl_->clocks.sleep_stops_hsb = impl_->clocks.sleep_stops_pb = false;
    impl_->clocks.changed();
    impl_->ast->set_deep_sleep(false);
    impl_->ctx.publish(SleepEvent{mode, impl_->sleep_deep, false});
}

std::string_view HailBoard::sleep_mode() const {
    return impl_->sleep_mode;
}

std::vector<std::string> HailBoard::masked_accesses() const {
    std::vector<std::string> out;
    for (const auto& g : impl_->gates) {
        if (!g->report().empty()) out.push_back(g->report());
    }
    return out;
}

void HailBoard::core_clock_changed(std::uint64_t hz) {
    impl_->reported_hz = hz;
    check_flash_wait_states(hz);
    if (on_core_clock_change) {
        on_core_clock_change(hz);
    } else {
        impl_->ctx.clock.set_core_hz(hz);
    }
}

// The flash reads wrong data above a frequency that depends on the power-scaling mode and the
// wait states (ASF flash driver limits, sam4l.md §7). The model cannot misread, so it reports
// the guest bug by name once instead.
void HailBoard::check_flash_wait_states(std::uint64_t hz) {
    if (!impl_->flash || !impl_->bpm || impl_->warned_wait_states) return;
    static constexpr std::uint64_t kLimit[3][2] = {
        {18'000'000, 36'000'000}, {8'000'000, 12'000'000}, {24'000'000, 48'000'000}};
    const unsigned ps = std::min(impl_->bpm->power_scaling(), 2u);
    const unsigned fws = impl_->flash->wait_states();
    if (hz <= kLimit[ps][fws]) return;
    impl_->warned_wait_states = true;
    impl_->warnings.push_back(fmt::format(
        "HFLASHC.FCR.FWS = {} with the CPU at {} Hz in power scaling PS{}: flash reads need {} "
        "(limit {} Hz)",
        fws, hz, ps, fws == 0 && hz <= kLimit[ps][1] ? "FWS = 1" : "a lower clock",
        kLimit[ps][fws]));
    spdlog::warn("{}", impl_->warnings.back());
}

void HailBoard::reset() {
    impl_->clocks.reset();
    impl_->sleep_mode = {};
    impl_->ast->set_deep_sleep(false);
    for (auto& d : impl_->devices) d->reset();
    clocks_changed();  // the masks are back at their reset values
    impl_->warned_wait_states = false;
    // Back to the reset clock (the configured frequency until the guest programs the PM).
    if (impl_->reported_hz != impl_->clocks.cpu_hz()) core_clock_changed(impl_->clocks.cpu_hz());
}

void HailBoard::set_gpio_input(unsigned port, unsigned pin, bool level) {
    if (port >= impl_->gpio.size())
        throw std::out_of_range(fmt::format("set_gpio_input: no GPIO port {}", port));
    impl_->gpio[port]->set_input(pin, level);
}

bool HailBoard::gpio_output(unsigned port, unsigned pin) const {
    if (port >= impl_->gpio.size() || pin >= 32)
        throw std::out_of_range(fmt::format("gpio_output: no pin {} on port {}", pin, port));
    return impl_->gpio[port]->level(pin);
}

std::vector<std::string> HailBoard::warnings() const {
    std::vector<std::string> out = impl_->warnings;
    for (const auto* list :
         {&impl_->scif->warnings(), &impl_->bscif->warnings(), &impl_->hcache->warnings(),
          &impl_->pm->readback_warnings(), &impl_->scif->readback_warnings(),
          &impl_->bscif->readback_warnings(), &impl_->bpm->readback_warnings()})
        out.insert(out.end(), list->begin(), list->end());
    return out;
}

Device* HailBoard::device(std::string_view name) const {
    for (std::size_t i = 0; i < impl_->names.size(); ++i) {
        if (impl_->names[i] == name) return impl_->devices[i].get();
    }
    return nullptr;
}

}  // namespace tockemu
