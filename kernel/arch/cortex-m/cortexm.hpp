#pragma once
// The Cortex-M architecture layer seen by the kernel core: process context switch, SysTick
// timeslice, MPU register images, fault status decoding, ITM kernel events, halt.
#include <cstdint>

namespace cortexm {

// ---- Context switch (handlers.S) ----

// What the kernel keeps for a process between runs (Tock's CortexMStoredState). r0-r3, r12, lr,
// pc and xPSR live in the hardware frame on the process stack at `psp`.
struct StoredState {
    std::uint32_t regs[8];   // r4-r11
    std::uint32_t yield_pc;  // stacked PC of the last svc (address after it)
    std::uint32_t psr;       // stacked xPSR of the last svc
    std::uint32_t psp;
};

enum class SwitchReason { Syscall, Interrupted, Fault };

// Fault status captured by the HardFault handler when a process faulted.
struct FaultStatus {
    std::uint32_t cfsr, hfsr, mmfar, bfar, psp;
};

// Runs the process until it traps back. MPU and SysTick must be set up by the caller.
SwitchReason switch_to_process(StoredState& state, FaultStatus& fault);

// ---- SysTick timeslice (B3.3) ----
void systick_init(std::uint32_t core_hz);
void systick_start(std::uint32_t us);  // counter running, interrupt disarmed
void systick_arm();                    // interrupt on expiry (while a process runs)
void systick_disarm();
bool systick_expired();
std::uint32_t systick_remaining_us();
void systick_stop();

// ---- MPU (B3.5) ----
constexpr unsigned kMpuRegions = 8;
struct MpuConfig {
    std::uint32_t rbar[kMpuRegions];
    std::uint32_t rasr[kMpuRegions];
};
constexpr std::uint32_t kApFullAccess = 0b011;    // privileged RW, unprivileged RW
constexpr std::uint32_t kApUserReadOnly = 0b010;  // privileged RW, unprivileged RO
// RASR for a region of 2^size_log2 bytes (size_log2 >= 5); `srd` bit i disables subregion i.
constexpr std::uint32_t mpu_rasr(unsigned size_log2, std::uint8_t srd, std::uint32_t ap, bool xn) {
    return (xn ? 1u << 28 : 0u) | (ap << 24) | (std::uint32_t{srd} << 8) | ((size_log2 - 1) << 1) |
           1u;
}
constexpr std::uint32_t mpu_rbar(std::uint32_t base, unsigned region) {
    return (base & ~0x1Fu) | (1u << 4) | region;
}
// The region that covers exactly [start, start + len), chosen as Tock's `allocate_region`
// (tock/tock: arch/cortex-m/src/mpu.rs) chooses one for an IPC buffer: start 32-byte aligned and
// len >= 32; either a power of two aligned to itself, or a run of whole subregions of one region
// whose subregion size is the largest power of two dividing start. Every other buffer would be
// rounded past its own end by that algorithm, so it has no region: false.
bool mpu_exact_region(std::uint32_t start, std::uint32_t len, unsigned region, std::uint32_t ap,
                      bool xn, std::uint32_t& rbar, std::uint32_t& rasr);
void mpu_clear(MpuConfig& c);        // every region disabled
void mpu_apply(const MpuConfig& c);  // MPU off, write all regions, MPU on (PRIVDEFENA)
void mpu_disable();

// ---- Fault decoding (B3.2.15) ----
// Calls `line(text)` for each set CFSR/HFSR bit, using Tock's wording.
void decode_fault_status(std::uint32_t cfsr, std::uint32_t hfsr,
                         void (*line)(const char* text, void* ctx), void* ctx);

// ---- ITM kernel events (docs/0005-kernel.md) ----
void itm_init();
// Writes one event on stimulus port 0: header (type << 16 | n) then n words.
void itm_event(std::uint16_t type, const std::uint32_t* words, std::uint16_t n);

// ---- Misc ----
std::uint32_t read_psp();
std::uint32_t read_msp();
[[noreturn]] void system_reset();
[[noreturn]] void halt();  // architectural lockup (handlers.S cortexm_halt)

}  // namespace cortexm
