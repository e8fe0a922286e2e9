#pragma once
// System Control Space, 0xE000E000-0xE000EFFF (ARMv7-M B3.2-B3.4; SAM4L reference §17):
// SCnSCB (ICTR, ACTLR), SysTick, NVIC (ISER/ICER/ISPR/ICPR/IABR/IPR/STIR for 80 lines),
// SCB (CPUID, ICSR, VTOR, AIRCR, SCR, CCR, SHPR1-3, SHCSR, CFSR, HFSR, DFSR, MMFAR, BFAR, AFSR,
// ID registers, CPACR), the MPU registers (forwarded to emu/mpu Mpu) and CoreDebug.
//
// Not modelled (read as zero, writes ignored, logged once): the FPU block (the SAM4L has no FPU,
// so CPACR is RAZ/WI), the CoreDebug halting registers, AIRCR.VECTRESET/VECTCLRACTIVE (debug
// only). Privilege is checked by the core before it dispatches here (unprivileged SCS accesses
// other than STIR with CCR.USERSETMPEND are BusFaults).
#include <cstdint>
#include <functional>
#include <set>

#include "emu/bus/device.hpp"
#include "emu/cpu/exceptions.hpp"
#include "emu/cpu/systick.hpp"

namespace tockemu {

class Mpu;

namespace scb {
inline constexpr std::uint32_t kCpuid = 0x410FC241;  // Cortex-M4 r0p1
// CFSR bits
inline constexpr std::uint32_t IACCVIOL = 1u << 0, DACCVIOL = 1u << 1, MUNSTKERR = 1u << 3,
                               MSTKERR = 1u << 4, MMARVALID = 1u << 7, IBUSERR = 1u << 8,
                               PRECISERR = 1u << 9, UNSTKERR = 1u << 11, STKERR = 1u << 12,
                               BFARVALID = 1u << 15, UNDEFINSTR = 1u << 16, INVSTATE = 1u << 17,
                               INVPC = 1u << 18, NOCP = 1u << 19, UNALIGNED = 1u << 24,
                               DIVBYZERO = 1u << 25;
// HFSR bits
inline constexpr std::uint32_t VECTTBL = 1u << 1, FORCED = 1u << 30, DEBUGEVT = 1u << 31;
// DFSR bits (C1.6.1)
inline constexpr std::uint32_t DFSR_HALTED = 1u << 0, DFSR_BKPT = 1u << 1;
// DEMCR bits (C1.6.5): the DebugMonitor controls
inline constexpr std::uint32_t MON_EN = 1u << 16, MON_PEND = 1u << 17, MON_STEP = 1u << 18,
                               MON_REQ = 1u << 19;
// SCR bits (B3.2.7)
inline constexpr std::uint32_t SLEEPONEXIT = 1u << 1, SLEEPDEEP = 1u << 2, SEVONPEND = 1u << 4;
// CCR bits
inline constexpr std::uint32_t NONBASETHRDENA = 1u << 0, USERSETMPEND = 1u << 1,
                               UNALIGN_TRP = 1u << 3, DIV_0_TRP = 1u << 4, BFHFNMIGN = 1u << 8,
                               STKALIGN = 1u << 9;
}  // namespace scb

struct FaultStatus {
    std::uint32_t cfsr = 0, hfsr = 0, dfsr = 0, mmfar = 0, bfar = 0, afsr = 0;
};

class Scs : public Device {
  public:
    static constexpr std::uint32_t kBase = 0xE000E000;
    static constexpr std::uint32_t kSize = 0x1000;

    Scs(ExceptionState& exceptions, SysTick& systick, Mpu& mpu)
        : exc_(exceptions), systick_(systick), mpu_(mpu) {}

    std::string_view name() const override { return "SCS"; }
    std::uint32_t read(std::uint32_t offset, unsigned size) override;
    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    std::uint32_t peek(std::uint32_t offset, unsigned size) override;
    void reset() override;

    std::uint32_t vtor() const { return vtor_; }
    void set_vtor(std::uint32_t v) { vtor_ = v & 0xFFFFFF80u; }
    std::uint32_t ccr() const { return ccr_; }
    std::uint32_t scr() const { return scr_; }
    std::uint32_t demcr() const;
    FaultStatus& faults() { return faults_; }

    // Supplied by the core: IPSR (for ICSR.VECTACTIVE/RETTOBASE).
    std::function<unsigned()> current_exception;
    // AIRCR.SYSRESETREQ written with the key.
    std::function<void()> on_system_reset;
    // CCR changed (the core re-arms the instruction traps for DIV_0_TRP/UNALIGN_TRP).
    std::function<void()> on_ccr_change;

  private:
    std::uint32_t read_word(std::uint32_t offset, bool side_effects);
    void write_word(std::uint32_t offset, std::uint32_t value);
    std::uint32_t read_icsr() const;
    void write_icsr(std::uint32_t v);
    std::uint32_t read_shcsr() const;
    void write_shcsr(std::uint32_t v);
    void unmodelled(std::uint32_t offset, bool write);

    ExceptionState& exc_;
    SysTick& systick_;
    Mpu& mpu_;
    FaultStatus faults_;
    std::uint32_t vtor_ = 0, scr_ = 0, ccr_ = scb::STKALIGN, actlr_ = 0, demcr_ = 0;
    std::set<std::uint32_t> logged_;
};

}  // namespace tockemu
