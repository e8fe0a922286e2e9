// Cortex-M4 architecture layer: context switch glue, SysTick timeslice, MPU, fault decoding, ITM.
#include "arch/cortex-m/cortexm.hpp"

#include "arch/cortex-m/scs.hpp"

extern "C" {
// Set by the exception handlers in handlers.S; read after switch_to_user returns.
volatile std::uint32_t cortexm_syscall_fired;
volatile std::uint32_t cortexm_systick_fired;
struct {
    std::uint32_t cfsr, hfsr, mmfar, bfar, psp, flag;
} volatile cortexm_app_fault;

std::uint32_t switch_to_user(std::uint32_t psp, std::uint32_t* regs);
[[noreturn]] void cortexm_halt();
}

namespace cortexm {

SwitchReason switch_to_process(StoredState& state, FaultStatus& fault) {
    cortexm_syscall_fired = 0;
    cortexm_app_fault.flag = 0;
    state.psp = switch_to_user(state.psp, state.regs);
    if (cortexm_app_fault.flag != 0) {
        fault.cfsr = cortexm_app_fault.cfsr;
        fault.hfsr = cortexm_app_fault.hfsr;
        fault.mmfar = cortexm_app_fault.mmfar;
        fault.bfar = cortexm_app_fault.bfar;
        fault.psp = cortexm_app_fault.psp;
        return SwitchReason::Fault;
    }
    return cortexm_syscall_fired != 0 ? SwitchReason::Syscall : SwitchReason::Interrupted;
}

// ---- SysTick ----
// COUNTFLAG clears on every CSR read, so each read folds it into a sticky software flag.

namespace {
std::uint32_t g_ticks_per_us = 48;
bool g_expired = false;

std::uint32_t read_csr() {
    std::uint32_t csr = reg32(SYST_CSR);
    if (csr & SYST_CSR_COUNTFLAG) g_expired = true;
    return csr;
}
}  // namespace

void systick_init(std::uint32_t core_hz) {
    g_ticks_per_us = core_hz / 1'000'000;
    if (g_ticks_per_us == 0) g_ticks_per_us = 1;
}

void systick_start(std::uint32_t us) {
    std::uint32_t ticks = us * g_ticks_per_us;
    if (ticks > 0xFFFFFF) ticks = 0xFFFFFF;
    if (ticks == 0) ticks = 1;
    reg32(SYST_CSR) = 0;
    reg32(SYST_RVR) = ticks;
    reg32(SYST_CVR) = 0;  // any write clears the counter; it reloads from RVR on the next tick
    g_expired = false;
    cortexm_systick_fired = 0;
    reg32(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;
}

void systick_arm() {
    std::uint32_t csr = read_csr();
    reg32(SYST_CSR) = (csr & 0x7) | SYST_CSR_TICKINT;
}

void systick_disarm() {
    std::uint32_t csr = read_csr();
    reg32(SYST_CSR) = csr & 0x7 & ~SYST_CSR_TICKINT;
}

bool systick_expired() {
    read_csr();
    return g_expired || cortexm_systick_fired != 0;
}

std::uint32_t systick_remaining_us() {
    if (systick_expired()) return 0;
    return reg32(SYST_CVR) / g_ticks_per_us;
}

void systick_stop() {
    reg32(SYST_CSR) = 0;
    g_expired = false;
}

// ---- MPU ----

bool mpu_exact_region(std::uint32_t start, std::uint32_t len, unsigned region, std::uint32_t ap,
                      bool xn, std::uint32_t& rbar, std::uint32_t& rasr) {
    if (start % 32 != 0 || len < 32) return false;
    std::uint64_t end = std::uint64_t{start} + len;
    if (end > 0x100000000ull) return false;
    if ((len & (len - 1)) == 0 && start % len == 0) {
        rbar = mpu_rbar(start, region);
        rasr = mpu_rasr(static_cast<unsigned>(__builtin_ctz(len)), 0, ap, xn);
        return true;
    }
    // start != 0 here (start % len would be 0). Subregions need a region of 256 bytes or more,
    // which a subregion of 32 or more (start is 32-aligned) always gives.
    unsigned sub_log2 = static_cast<unsigned>(__builtin_ctz(start));
    if (sub_log2 + 3 > 31) return false;  // the region would be 4 GiB or more
    std::uint32_t sub = 1u << sub_log2;
    std::uint32_t region_size = sub * 8;
    std::uint32_t base = start & ~(region_size - 1);
    if (len % sub != 0 || end > std::uint64_t{base} + region_size) return false;
    unsigned first = (start - base) / sub, count = len / sub;
    auto enabled = static_cast<std::uint8_t>(((1u << count) - 1) << first);
    rbar = mpu_rbar(base, region);
    rasr = mpu_rasr(sub_log2 + 3, static_cast<std::uint8_t>(~enabled), ap, xn);
    return true;
}

void mpu_clear(MpuConfig& c) {
    for (unsigned i = 0; i < kMpuRegions; ++i) {
        c.rbar[i] = mpu_rbar(0, i);
        c.rasr[i] = 0;
    }
}

void mpu_apply(const MpuConfig& c) {
    reg32(MPU_CTRL) = 0;
    for (unsigned i = 0; i < kMpuRegions; ++i) {
        reg32(MPU_RBAR) = c.rbar[i];  // VALID bit selects region i
        reg32(MPU_RASR) = c.rasr[i];
    }
    reg32(MPU_CTRL) = MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA;
    dsb();
    isb();
}

void mpu_disable() {
    reg32(MPU_CTRL) = 0;
    dsb();
    isb();
}

// ---- Fault decoding ----

void decode_fault_status(std::uint32_t cfsr, std::uint32_t hfsr, void (*line)(const char*, void*),
                         void* ctx) {
    struct Bit {
        std::uint32_t mask;
        const char* text;
    };
    static constexpr Bit kCfsr[] = {
        {1u << 0, "Instruction Access Violation:       true"},   // IACCVIOL
        {1u << 1, "Data Access Violation:              true"},   // DACCVIOL
        {1u << 3, "Memory Management Unstacking Fault: true"},   // MUNSTKERR
        {1u << 4, "Memory Management Stacking Fault:   true"},   // MSTKERR
        {1u << 5, "Memory Management Lazy FP Fault:    true"},   // MLSPERR
        {1u << 8, "Instruction Bus Error:              true"},   // IBUSERR
        {1u << 9, "Precise Data Bus Error:             true"},   // PRECISERR
        {1u << 10, "Imprecise Data Bus Error:           true"},  // IMPRECISERR
        {1u << 11, "Bus Unstacking Fault:               true"},  // UNSTKERR
        {1u << 12, "Bus Stacking Fault:                 true"},  // STKERR
        {1u << 13, "Bus Lazy FP Fault:                  true"},  // LSPERR
        {1u << 16, "Undefined Instruction Usage Fault:  true"},  // UNDEFINSTR
        {1u << 17, "Invalid State Usage Fault:          true"},  // INVSTATE
        {1u << 18, "Invalid PC Load Usage Fault:        true"},  // INVPC
        {1u << 19, "No Coprocessor Usage Fault:         true"},  // NOCP
        {1u << 24, "Unaligned Access Usage Fault:       true"},  // UNALIGNED
        {1u << 25, "Divide By Zero:                     true"},  // DIVBYZERO
    };
    bool any = false;
    for (const Bit& b : kCfsr) {
        if (cfsr & b.mask) {
            line(b.text, ctx);
            any = true;
        }
    }
    if (hfsr & (1u << 1)) {
        line("Bus Fault on Vector Table Read:     true", ctx);
        any = true;
    }
    if (hfsr & (1u << 30)) {
        line("Forced Hard Fault:                  true", ctx);
        any = true;
    }
    if (!any) line("No Cortex-M faults detected.", ctx);
}

// ---- ITM ----

namespace {
bool g_itm_ready = false;

void itm_put(std::uint32_t word) {
    volatile std::uint32_t& port0 = reg32(ITM_STIM0);
    // Bit 0 of a stimulus port read is "FIFO ready"; give up rather than hang if it never is.
    for (unsigned i = 0; i < 10000; ++i) {
        if (port0 & 1u) {
            port0 = word;
            return;
        }
    }
}
}  // namespace

void itm_init() {
    reg32(SCB_DEMCR) = reg32(SCB_DEMCR) | DEMCR_TRCENA;
    reg32(ITM_LAR) = 0xC5ACCE55;          // unlock the ITM registers
    reg32(ITM_TCR) = 1u << 0 | 1u << 16;  // ITMENA, TraceBusID 1
    reg32(ITM_TER) = 0xFFFFFFFFu;
    g_itm_ready = true;
}

void itm_event(std::uint16_t type, const std::uint32_t* words, std::uint16_t n) {
    if (!g_itm_ready) return;
    itm_put(std::uint32_t{type} << 16 | n);
    for (std::uint16_t i = 0; i < n; ++i) itm_put(words[i]);
}

// ---- Misc ----

std::uint32_t read_psp() {
    std::uint32_t v;
    asm volatile("mrs %0, psp" : "=r"(v));
    return v;
}

std::uint32_t read_msp() {
    std::uint32_t v;
    asm volatile("mrs %0, msp" : "=r"(v));
    return v;
}

void system_reset() {
    dsb();
    reg32(SCB_AIRCR) = 0x05FA0000u | (1u << 2);  // VECTKEY | SYSRESETREQ
    dsb();
    for (;;) wfi();
}

void halt() {
    cortexm_halt();
}

}  // namespace cortexm
