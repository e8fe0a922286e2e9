#pragma once
// System Control Space registers the kernel uses (ARMv7-M ARM B3.2, B3.3, B3.4, B3.5; ITM C1.7).
// Only arch/cortex-m touches these.
#include <cstdint>

namespace cortexm {

inline volatile std::uint32_t& reg32(std::uint32_t addr) {
    return *reinterpret_cast<volatile std::uint32_t*>(addr);
}

// SysTick (B3.3)
constexpr std::uint32_t SYST_CSR = 0xE000E010;
constexpr std::uint32_t SYST_RVR = 0xE000E014;
constexpr std::uint32_t SYST_CVR = 0xE000E018;
constexpr std::uint32_t SYST_CSR_ENABLE = 1u << 0;
constexpr std::uint32_t SYST_CSR_TICKINT = 1u << 1;
constexpr std::uint32_t SYST_CSR_CLKSOURCE = 1u << 2;  // processor clock
constexpr std::uint32_t SYST_CSR_COUNTFLAG = 1u << 16;

// NVIC (B3.4)
constexpr std::uint32_t NVIC_ISER = 0xE000E100;
constexpr std::uint32_t NVIC_ICER = 0xE000E180;
constexpr std::uint32_t NVIC_ISPR = 0xE000E200;
constexpr std::uint32_t NVIC_ICPR = 0xE000E280;

// SCB (B3.2)
constexpr std::uint32_t SCB_ICSR = 0xE000ED04;
constexpr std::uint32_t SCB_VTOR = 0xE000ED08;
constexpr std::uint32_t SCB_AIRCR = 0xE000ED0C;
constexpr std::uint32_t SCB_SCR = 0xE000ED10;
constexpr std::uint32_t SCB_CCR = 0xE000ED14;
constexpr std::uint32_t SCB_SHCSR = 0xE000ED24;
constexpr std::uint32_t SCB_CFSR = 0xE000ED28;
constexpr std::uint32_t SCB_HFSR = 0xE000ED2C;
constexpr std::uint32_t SCB_MMFAR = 0xE000ED34;
constexpr std::uint32_t SCB_BFAR = 0xE000ED38;
constexpr std::uint32_t SCB_DEMCR = 0xE000EDFC;

// MPU (B3.5)
constexpr std::uint32_t MPU_TYPE = 0xE000ED90;
constexpr std::uint32_t MPU_CTRL = 0xE000ED94;
constexpr std::uint32_t MPU_RNR = 0xE000ED98;
constexpr std::uint32_t MPU_RBAR = 0xE000ED9C;
constexpr std::uint32_t MPU_RASR = 0xE000EDA0;
constexpr std::uint32_t MPU_CTRL_ENABLE = 1u << 0;
constexpr std::uint32_t MPU_CTRL_PRIVDEFENA = 1u << 2;

// ITM (C1.7)
constexpr std::uint32_t ITM_STIM0 = 0xE0000000;
constexpr std::uint32_t ITM_TER = 0xE0000E00;
constexpr std::uint32_t ITM_TCR = 0xE0000E80;
constexpr std::uint32_t ITM_LAR = 0xE0000FB0;
constexpr std::uint32_t DEMCR_TRCENA = 1u << 24;

inline void isb() {
    asm volatile("isb" ::: "memory");
}
inline void dsb() {
    asm volatile("dsb" ::: "memory");
}
inline void disable_interrupts() {
    asm volatile("cpsid i" ::: "memory");
}
inline void enable_interrupts() {
    asm volatile("cpsie i" ::: "memory");
}
inline void wfi() {
    asm volatile("wfi" ::: "memory");
}

}  // namespace cortexm
