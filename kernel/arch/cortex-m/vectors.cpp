// Reset and the SAM4L vector table: 16 system exceptions + 80 peripheral interrupts
// (tock-abi.md 8.1). Placed first in the kernel image at 0x10000 by boards/hail/layout.ld.
#include <cstdint>

#include "arch/cortex-m/scs.hpp"
#include "core/debug.hpp"

extern "C" {
extern std::uint32_t _estack, _etext, _srelocate, _erelocate, _szero, _ezero;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern void (*const cortexm_vectors[])();

void svc_handler();
void systick_handler();
void generic_isr();
void hard_fault_handler();
void unhandled_handler();
int main();

[[noreturn]] void reset_handler() {
    // The SAM4L bootloader jumps here with VTOR possibly still at 0: point it at our table.
    cortexm::reg32(cortexm::SCB_VTOR) = reinterpret_cast<std::uint32_t>(cortexm_vectors);
    const std::uint32_t* src = &_etext;
    for (std::uint32_t* dst = &_srelocate; dst < &_erelocate;) *dst++ = *src++;
    for (std::uint32_t* dst = &_szero; dst < &_ezero;) *dst++ = 0;
    for (auto* f = __init_array_start; f < __init_array_end; ++f) (*f)();
    main();
    KERNEL_PANIC("main returned");
}

[[noreturn]] void cortexm_kernel_hard_fault(const std::uint32_t* frame, std::uint32_t exc_return) {
    std::uint32_t cfsr = cortexm::reg32(cortexm::SCB_CFSR);
    std::uint32_t hfsr = cortexm::reg32(cortexm::SCB_HFSR);
    std::uint32_t mmfar = cortexm::reg32(cortexm::SCB_MMFAR);
    std::uint32_t bfar = cortexm::reg32(cortexm::SCB_BFAR);
    bool stack_ok = (exc_return & 4) == 0 && reinterpret_cast<std::uint32_t>(frame) >=
                                                 reinterpret_cast<std::uint32_t>(&_estack) - 0x1000;
    ::kernel::panic_at(__FILE__, __LINE__,
                       "Kernel HardFault.\r\n\tKernel version 2.2\r\n"
                       "\tCFSR 0x%08lx HFSR 0x%08lx MMFAR 0x%08lx BFAR 0x%08lx\r\n"
                       "\tr0 0x%08lx r1 0x%08lx r2 0x%08lx r3 0x%08lx r12 0x%08lx\r\n"
                       "\tlr 0x%08lx pc 0x%08lx xpsr 0x%08lx",
                       static_cast<unsigned long>(cfsr), static_cast<unsigned long>(hfsr),
                       static_cast<unsigned long>(mmfar), static_cast<unsigned long>(bfar),
                       static_cast<unsigned long>(stack_ok ? frame[0] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[1] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[2] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[3] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[4] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[5] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[6] : 0xBAD00BAD),
                       static_cast<unsigned long>(stack_ok ? frame[7] : 0xBAD00BAD));
}

[[noreturn]] void cortexm_unhandled_exception(std::uint32_t ipsr) {
    ::kernel::panic_at(__FILE__, __LINE__, "Unhandled Interrupt. ISR %lu is active.",
                       static_cast<unsigned long>(ipsr & 0x1FF));
}

using Vector = void (*)();

__attribute__((section(".vectors"), used)) extern void (*const cortexm_vectors[])() = {
    reinterpret_cast<Vector>(&_estack),  // 0: initial MSP
    reset_handler,                       // 1
    unhandled_handler,                   // 2 NMI
    hard_fault_handler,                  // 3 HardFault
    unhandled_handler,                   // 4 MemManage (never enabled: escalates to HardFault)
    unhandled_handler,                   // 5 BusFault
    unhandled_handler,                   // 6 UsageFault
    nullptr,                             // 7-10 reserved
    nullptr,
    nullptr,
    nullptr,
    svc_handler,        // 11 SVCall
    unhandled_handler,  // 12 DebugMonitor
    nullptr,            // 13 reserved
    unhandled_handler,  // 14 PendSV
    systick_handler,    // 15 SysTick
    // 16..95: the SAM4L's 80 peripheral interrupts
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
    generic_isr,
};
static_assert(sizeof(cortexm_vectors) / sizeof(cortexm_vectors[0]) == 96);
}
