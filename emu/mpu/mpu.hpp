#pragma once
// PMSAv7 MPU of the Cortex-M4 (ARMv7-M ARM B3.5): register file plus the pure access decision.
// The CPU's System Control Space forwards 0xE000ED90-0xE000EDB7 here; the enforcer in emu/cpu
// calls check() for the accesses it must check (docs/0003-mpu.md). Implemented by the MPU issue.
#include <array>
#include <cstdint>
#include <functional>
#include <string>

namespace tockemu {

enum class AccessKind : std::uint8_t { Read, Write, Execute };

struct MpuRegion {
    std::uint32_t rbar = 0;  // as read back (ADDR | region number)
    std::uint32_t rasr = 0;
    bool enabled() const { return rasr & 1u; }
    std::uint32_t size_bytes() const;  // 2^(SIZE+1)
    std::uint32_t base() const;        // aligned to the region size
    std::uint8_t srd() const { return static_cast<std::uint8_t>(rasr >> 8); }
    std::uint8_t ap() const { return static_cast<std::uint8_t>((rasr >> 24) & 7u); }
    bool xn() const { return rasr & (1u << 28); }
};

struct MpuDecision {
    bool allowed = true;
    // Region that decided: 0..7, kBackground (default map / PRIVDEFENA), kNotChecked (MPU off,
    // or an address the MPU never covers: PPB/System Control Space, vector table reads).
    int region = kNotChecked;
    static constexpr int kBackground = -1;
    static constexpr int kNotChecked = -2;
    const char* reason = "";  // short why, for the trace ("AP=010 denies unprivileged write")
};

class Mpu {
public:
    static constexpr std::uint32_t kBase = 0xE000ED90;  // MPU_TYPE
    static constexpr std::uint32_t kSize = 0x28;        // through RASR_A3 (0xE000EDB4)

    Mpu();
    std::uint32_t read(std::uint32_t offset) const;  // offset from kBase
    void write(std::uint32_t offset, std::uint32_t value);
    void reset();

    // `exec_priority` is the current execution priority (-1 HardFault/FAULTMASK, -2 NMI, else
    // >= 0, 256 = thread mode with no boost); it matters for HFNMIENA.
    MpuDecision check(std::uint32_t addr, AccessKind kind, bool privileged,
                      int exec_priority) const;

    bool enabled() const { return ctrl_ & 1u; }
    std::uint32_t ctrl() const { return ctrl_; }
    const std::array<MpuRegion, 8>& regions() const { return regions_; }
    // True when some privileged access could be denied (MPU on and PRIVDEFENA off, or a region
    // grants privileged code less than full access): the enforcer then checks privileged code too.
    bool privileged_checks_needed() const;
    // Bumped on every change of the effective configuration.
    std::uint64_t generation() const { return generation_; }
    // Called after every register write that changed the configuration (for the trace).
    std::function<void()> on_change;

private:
    void changed();
    std::uint32_t ctrl_ = 0;
    std::uint32_t rnr_ = 0;
    std::array<MpuRegion, 8> regions_{};
    std::uint64_t generation_ = 0;
};

}  // namespace tockemu
