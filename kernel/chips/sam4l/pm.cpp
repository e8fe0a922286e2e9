#include "chips/sam4l/pm.hpp"

#include "chips/sam4l/mmio.hpp"

namespace sam4l::pm {
namespace {

// PM (0x400E_0000), sam4l.md §4. Mask and clock-select registers are lock-protected: each write
// must directly follow UNLOCK = 0xAA << 24 | offset.
constexpr std::uintptr_t kPmBase = 0x400E'0000;
constexpr std::uint32_t kMcctrl = 0x000;
constexpr std::uint32_t kHsbmask = 0x024;
constexpr std::uint32_t kPbamask = 0x028;
constexpr std::uint32_t kPbbmask = 0x02C;
constexpr std::uint32_t kPbdmask = 0x034;
constexpr std::uint32_t kPmUnlock = 0x058;
constexpr std::uint32_t kMcctrlMcselPll0 = 2;

// BPM (0x400F_0000), §7.
constexpr std::uintptr_t kBpmBase = 0x400F'0000;
constexpr Reg kBpmSr{kBpmBase + 0x14};
constexpr Reg kBpmUnlock{kBpmBase + 0x18};
constexpr std::uint32_t kPmcon = 0x1C;
constexpr std::uint32_t kBpmSrPsok = 1u << 0;
constexpr std::uint32_t kPmconPs2 = 2u << 0;
constexpr std::uint32_t kPmconPscreq = 1u << 2;
constexpr std::uint32_t kPmconPscm = 1u << 3;
constexpr std::uint32_t kPmconCk32sRc32k = 1u << 16;

// BSCIF (0x400F_0400), §6.
constexpr std::uintptr_t kBscifBase = 0x400F'0400;
constexpr Reg kBscifUnlock{kBscifBase + 0x18};
constexpr std::uint32_t kRc32kcr = 0x24;
constexpr std::uint32_t kRc32ktune = 0x28;
constexpr std::uint32_t kRc32kcrEn = 1u << 0;
constexpr std::uint32_t kRc32kcrTcen = 1u << 1;
constexpr std::uint32_t kRc32kcrEn32k = 1u << 2;
// Factory-style tuning Tock writes (COARSE 0x1D, FINE 0x15).
constexpr std::uint32_t kRc32ktuneValue = 0x001D'0015;

// FLASHCALW (0x400A_0000) and its PicoCache controller at +0x400, §8.
constexpr std::uintptr_t kFlashBase = 0x400A'0000;
constexpr Reg kFcr{kFlashBase + 0x00};
constexpr Reg kFcmd{kFlashBase + 0x04};
constexpr Reg kFsr{kFlashBase + 0x08};
constexpr Reg kHcacheCtrl{kFlashBase + 0x408};
constexpr Reg kHcacheSr{kFlashBase + 0x40C};
constexpr std::uint32_t kFcrFws = 1u << 6;
constexpr std::uint32_t kFcmdKey = 0xA5u << 24;
constexpr std::uint32_t kFcmdKeyAndCmdMask = 0xFF00'003F;
constexpr std::uint32_t kFcmdHsen = 16;
constexpr std::uint32_t kFsrFrdy = 1u << 0;
constexpr std::uint32_t kHcacheCen = 1u << 0;
constexpr std::uint32_t kHcacheCsts = 1u << 0;

// SCIF (0x400E_0800), §5.
constexpr std::uintptr_t kScifBase = 0x400E'0800;
constexpr Reg kPclksr{kScifBase + 0x14};
constexpr Reg kScifUnlock{kScifBase + 0x18};
constexpr std::uint32_t kOscctrl0 = 0x20;
constexpr std::uint32_t kPll0 = 0x24;
constexpr std::uint32_t kPclksrOsc0rdy = 1u << 0;
constexpr std::uint32_t kPclksrPll0lock = 1u << 6;
// OSCEN | STARTUP=14 (~8.9 ms) | MODE=crystal; Hail has a 16 MHz crystal on OSC0.
constexpr std::uint32_t kOscctrl0Crystal16Mhz = (1u << 16) | (14u << 8) | (1u << 0);
// PLLCOUNT=63 | PLLMUL=5 | PLLDIV=1 | PLLOPT=divide-by-2 | PLLOSC=OSC0 | PLLEN:
// 16 MHz x (5+1) / 1 = 96 MHz VCO, /2 = 48 MHz.
constexpr std::uint32_t kPll0Value =
    (0x3Fu << 24) | (5u << 16) | (1u << 8) | (0b010u << 3) | (0u << 1) | (1u << 0);

constexpr std::uint32_t kUnlockKey = 0xAAu << 24;

void write_locked(std::uintptr_t base, Reg unlock, std::uint32_t offset, std::uint32_t value) {
    unlock.write(kUnlockKey | offset);
    Reg{base + offset}.write(value);
}

// Read first, then unlock and write: a read between UNLOCK and the write would also be legal
// (Tock does that), but this order needs nothing special from the lock model.
void set_pm_mask_bit(std::uint32_t offset, unsigned bit) {
    const Reg mask{kPmBase + offset};
    const std::uint32_t value = mask.read();
    if ((value & (1u << bit)) != 0) return;
    write_locked(kPmBase, Reg{kPmBase + kPmUnlock}, offset, value | (1u << bit));
}

void clear_pm_mask_bit(std::uint32_t offset, unsigned bit) {
    const Reg mask{kPmBase + offset};
    const std::uint32_t value = mask.read();
    if ((value & (1u << bit)) == 0) return;
    write_locked(kPmBase, Reg{kPmBase + kPmUnlock}, offset, value & ~(1u << bit));
}

void modify_pmcon(std::uint32_t set) {
    const std::uint32_t value = Reg{kBpmBase + kPmcon}.read();
    write_locked(kBpmBase, kBpmUnlock, kPmcon, value | set);
}

}  // namespace

const char* setup_48mhz_pll() {
    // Steps whose ready bit never comes are recorded and skipped, so one missing status bit does
    // not leave the chip on the 115 kHz reset clock; only a PLL that does not lock keeps it there.
    const char* failure = nullptr;
    auto check = [&failure](bool ok, const char* what) {
        if (!ok && failure == nullptr) failure = what;
        return ok;
    };

    // PS2 allows 48 MHz with one flash wait state. PSOK must be 1 before a new request.
    check(poll(kBpmSr, kBpmSrPsok, kBpmSrPsok), "BPM.SR.PSOK");
    modify_pmcon(kPmconPs2 | kPmconPscm | kPmconPscreq);

    // RC32K drives the 32 kHz clock of the AST; enabling it reads back EN once running.
    const std::uint32_t rc32k = Reg{kBscifBase + kRc32kcr}.read();
    write_locked(kBscifBase, kBscifUnlock, kRc32kcr,
                 rc32k | kRc32kcrEn32k | kRc32kcrTcen | kRc32kcrEn);
    check(poll(Reg{kBscifBase + kRc32kcr}, kRc32kcrEn, kRc32kcrEn), "BSCIF.RC32KCR.EN");
    write_locked(kBscifBase, kBscifUnlock, kRc32ktune, kRc32ktuneValue);

    enable(HsbClock::kFlashcalwPicocache);
    enable(PbbClock::kHramc1);
    kHcacheCtrl.write(kHcacheCen);
    check(poll(kHcacheSr, kHcacheCsts, kHcacheCsts), "HCACHE.SR.CSTS");

    kFcr.set_bits(kFcrFws);
    kFcmd.write((kFcmd.read() & ~kFcmdKeyAndCmdMask) | kFcmdKey | kFcmdHsen);
    check(poll(kFsr, kFsrFrdy, kFsrFrdy), "FLASHCALW.FSR.FRDY");

    write_locked(kScifBase, kScifUnlock, kOscctrl0, kOscctrl0Crystal16Mhz);
    if (!check(poll(kPclksr, kPclksrOsc0rdy, kPclksrOsc0rdy), "SCIF.PCLKSR.OSC0RDY")) {
        return failure;
    }
    write_locked(kScifBase, kScifUnlock, kPll0, kPll0Value);
    if (!check(poll(kPclksr, kPclksrPll0lock, kPclksrPll0lock), "SCIF.PCLKSR.PLL0LOCK")) {
        return failure;
    }

    kFcr.set_bits(kFcrFws);
    write_locked(kPmBase, Reg{kPmBase + kPmUnlock}, kMcctrl, kMcctrlMcselPll0);

    modify_pmcon(kPmconCk32sRc32k);
    return failure;
}

std::uint32_t main_clock_hz() {
    constexpr std::uint32_t kRcsysHz = 115'200;
    const std::uint32_t mcsel = Reg{kPmBase + kMcctrl}.read() & 0x7;
    return mcsel == kMcctrlMcselPll0 ? kSystemClockHz : kRcsysHz;
}

void enable(HsbClock clock) {
    set_pm_mask_bit(kHsbmask, static_cast<unsigned>(clock));
}
void enable(PbaClock clock) {
    set_pm_mask_bit(kPbamask, static_cast<unsigned>(clock));
}
void disable(PbaClock clock) {
    clear_pm_mask_bit(kPbamask, static_cast<unsigned>(clock));
}
void enable(PbbClock clock) {
    set_pm_mask_bit(kPbbmask, static_cast<unsigned>(clock));
}
void enable(PbdClock clock) {
    set_pm_mask_bit(kPbdmask, static_cast<unsigned>(clock));
}

bool is_enabled(PbaClock clock) {
    return Reg{kPmBase + kPbamask}.any(1u << static_cast<unsigned>(clock));
}

bool deep_sleep_allowed() {
    // HSB: PDCA, FLASHCALW, PicoCache and the four APB bridges may stay on. PBA: only TWIS0/1.
    // PBB: FLASHCALW, HRAMC1, PDCA.
    constexpr std::uint32_t kHsbDeepSleepOk = 0x1E7;
    constexpr std::uint32_t kPbaDeepSleepOk = (1u << 5) | (1u << 7);
    constexpr std::uint32_t kPbbDeepSleepOk = 0xB;
    return (Reg{kPmBase + kHsbmask}.read() & ~kHsbDeepSleepOk) == 0 &&
           (Reg{kPmBase + kPbamask}.read() & ~kPbaDeepSleepOk) == 0 &&
           (Reg{kPmBase + kPbbmask}.read() & ~kPbbDeepSleepOk) == 0;
}

}  // namespace sam4l::pm
