#pragma once
// The SAM4L clock tree as the clock models (SCIF, BSCIF, BPM, PM) publish it and the timed models
// (AST, TC, USART, SPI) consume it. Datasheet §10 (PM) "Main clock and synchronous clocks".
//
// Sources report their frequency (0 = stopped); PM selects the main clock and the CPU/PBx
// dividers; every change calls the listeners so that timed models can re-anchor.
//
// Reset reading (a deliberate choice): the silicon runs from RCSYS (115.2 kHz) out of reset.
// Bare-metal test firmware that never programs the clocks would then crawl, and the machine is
// configured with a core frequency (MachineConfig.core_hz, 48 MHz by default). So until the guest
// writes PM.MCCTRL or a divider, the CPU and all PBx clocks run at that configured frequency;
// from the first such write on, the tree is computed exactly from the registers.
//
// The tree also carries the PM clock masks (CPUMASK, HSBMASK, PBAMASK..PBDMASK; datasheet §10.5.5
// "Peripheral clock masking"): a peripheral whose mask bit is 0 is not clocked, "it ceases
// operation and its registers cannot be read or written". A ClockGate names the mask bits one
// peripheral needs (sam4l.md §1.3): its bridge's HSBMASK bit (APBA..APBD = 5..8) and its PBx bit,
// or an HSB bit for the bus masters (PDCA transfers, HSB bit 0).
#include <cstdint>
#include <functional>
#include <vector>

namespace tockemu::sam4l {

// PM.MCCTRL.MCSEL encoding.
enum class MainClock : std::uint8_t {
    RCSYS = 0,
    OSC0 = 1,
    PLL0 = 2,
    DFLL0 = 3,
    RC80M = 4,
    RCFAST = 5,
    RC1M = 6,
};

// PM bus bridges (the divider registers PBASEL..PBDSEL).
enum class Bridge : std::uint8_t { PBA = 0, PBB = 1, PBC = 2, PBD = 3 };

// The PM mask registers, in address order (PM.CPUMASK at 0x020 .. PBDMASK at 0x034).
enum class MaskReg : std::uint8_t { CPU = 0, HSB = 1, PBA = 2, PBB = 3, PBC = 4, PBD = 5 };
inline constexpr const char* kMaskRegNames[6] = {"CPUMASK", "HSBMASK", "PBAMASK",
                                                 "PBBMASK", "PBCMASK", "PBDMASK"};
// Out-of-reset values (ASF component_pm.h; confirmed by the measured Hail boot trace).
inline constexpr std::uint32_t kMaskResets[6] = {0x1, 0x1E2, 0x0, 0x1, 0x1F, 0x3F};
// HSBMASK bits of the four APB bridges.
inline constexpr unsigned kHsbBridgeBit[4] = {5, 6, 7, 8};

// The clock of one peripheral interface: mask register and bit. For a PBx register the bridge's
// HSBMASK bit is needed too (the bridge itself is clocked from the HSB).
struct ClockGate {
    MaskReg reg;
    unsigned bit;
};

inline constexpr std::uint64_t kRcsysHz = 115'200;
inline constexpr std::uint64_t kOsc0Hz = 16'000'000;  // the Hail's crystal
inline constexpr std::uint64_t k32kHz = 32'768;
inline constexpr std::uint64_t k1kHz = 1'024;
inline constexpr std::uint64_t kRc80mHz = 80'000'000;
inline constexpr std::uint64_t kRc1mHz = 1'000'000;

class ClockTree {
  public:
    using Listener = std::function<void()>;

    explicit ClockTree(std::uint64_t reset_hz = 48'000'000) : reset_hz_(reset_hz) {}

    // ---- sources (set by SCIF / BSCIF / BPM) ----
    std::uint64_t osc0_hz = 0;
    std::uint64_t pll0_hz = 0;
    std::uint64_t dfll0_hz = 0;
    std::uint64_t rc80m_hz = 0;
    std::uint64_t rcfast_hz = 0;
    std::uint64_t rc1m_hz = 0;
    std::uint64_t rc32k_hz = 0;
    std::uint64_t osc32k_hz = 0;
    bool ck32_from_rc32k = false;  // BPM.PMCON.CK32S

    // ---- selection (set by PM) ----
    MainClock main_select = MainClock::RCSYS;
    // Divider exponent per domain: 0 = undivided, n = divided by 2^n. Index 0 = CPU, 1..4 = PBA..D.
    unsigned div_exp[5] = {0, 0, 0, 0, 0};
    bool guest_programmed = false;  // see the header comment

    // ---- clock masks (set by PM) ----
    std::uint32_t mask[6] = {kMaskResets[0], kMaskResets[1], kMaskResets[2],
                             kMaskResets[3], kMaskResets[4], kMaskResets[5]};
    std::uint32_t mask_of(MaskReg r) const { return mask[static_cast<unsigned>(r)]; }
    // ---- sleep (set by the board while the core sleeps; datasheet "Power save modes") ----
    // SLEEP1 and deeper stop the HSB clocks (bus masters such as the PDCA; the APB bridges keep
    // running), SLEEP2 and deeper stop the PBx clocks too, WAIT/RETENTION/BACKUP stop all of them.
    bool sleep_stops_hsb = false;
    bool sleep_stops_pb = false;

    // Whether `gate` delivers a clock: its own bit and, for a PBx bit, its bridge's HSBMASK bit,
    // unless the current sleep mode stops that clock domain.
    bool clocked(ClockGate gate) const {
        if (!(mask_of(gate.reg) >> gate.bit & 1u)) return false;
        if (gate.reg == MaskReg::HSB && sleep_stops_hsb) return false;
        if (gate.reg < MaskReg::PBA) return true;
        if (sleep_stops_pb) return false;
        const unsigned bridge =
            static_cast<unsigned>(gate.reg) - static_cast<unsigned>(MaskReg::PBA);
        return (mask_of(MaskReg::HSB) >> kHsbBridgeBit[bridge] & 1u) != 0;
    }

    std::uint64_t source_hz(MainClock src) const {
        switch (src) {
            case MainClock::RCSYS:
                return kRcsysHz;
            case MainClock::OSC0:
                return osc0_hz;
            case MainClock::PLL0:
                return pll0_hz;
            case MainClock::DFLL0:
                return dfll0_hz;
            case MainClock::RC80M:
                return rc80m_hz;
            case MainClock::RCFAST:
                return rcfast_hz;
            case MainClock::RC1M:
                return rc1m_hz;
        }
        return 0;
    }
    std::uint64_t main_hz() const { return guest_programmed ? source_hz(main_select) : reset_hz_; }
    std::uint64_t cpu_hz() const { return main_hz() >> div_exp[0]; }
    std::uint64_t pb_hz(Bridge b) const {
        return main_hz() >> div_exp[1 + static_cast<unsigned>(b)];
    }
    std::uint64_t pba_hz() const { return pb_hz(Bridge::PBA); }
    // The 32 kHz clock of the backup domain (BPM.PMCON.CK32S picks OSC32K or RC32K).
    std::uint64_t clk32k_hz() const { return ck32_from_rc32k ? rc32k_hz : osc32k_hz; }

    void subscribe(Listener l) { listeners_.push_back(std::move(l)); }
    // Called by the model that changed something; listeners re-read what they need.
    void changed() const {
        for (const auto& l : listeners_) l();
    }
    void reset() {
        osc0_hz = pll0_hz = dfll0_hz = rc80m_hz = rcfast_hz = rc1m_hz = rc32k_hz = osc32k_hz = 0;
        ck32_from_rc32k = false;
        main_select = MainClock::RCSYS;
        for (auto& d : div_exp) d = 0;
        guest_programmed = false;
        for (unsigned i = 0; i < 6; ++i) mask[i] = kMaskResets[i];
        sleep_stops_hsb = sleep_stops_pb = false;
    }

  private:
    std::uint64_t reset_hz_;
    std::vector<Listener> listeners_;
};

}  // namespace tockemu::sam4l
