// Hail board main(): clocks -> chip -> drivers -> processes -> scheduler loop
// (tock/tock: boards/hail/src/main.rs is the model).
#include <cstdint>

#include "arch/cortex-m/cortexm.hpp"
#include "boards/hail/board.hpp"
#include "core/debug.hpp"
#include "core/events.hpp"
#include "core/kernel.hpp"
#include "core/process.hpp"
#include "core/process_management.hpp"
#include "core/scheduler.hpp"

extern "C" {
extern std::uint8_t _sstack, _estack, _srelocate, _erelocate, _szero, _ezero, _sappmem, _eappmem;
extern std::uint8_t _sapps, _eapps, _stext, _etext;
}

namespace {

kernel::Kernel g_kernel;

std::uint32_t addr(const std::uint8_t& sym) {
    return reinterpret_cast<std::uint32_t>(&sym);
}
unsigned long ul(std::uint32_t v) {
    return static_cast<unsigned long>(v);
}

void print_ram_use() {
    std::uint32_t stack = addr(_estack) - addr(_sstack);
    std::uint32_t data = addr(_erelocate) - addr(_srelocate);
    std::uint32_t bss = addr(_ezero) - addr(_szero);
    std::uint32_t app = addr(_eappmem) - addr(_sappmem);
    kernel::kprintf(
        "Kernel RAM: %lu bytes (stack %lu, data %lu, bss %lu) at 0x%08lx-0x%08lx; "
        "app RAM: %lu bytes at 0x%08lx-0x%08lx\r\n",
        ul(addr(_sappmem) - 0x20000000u), ul(stack), ul(data), ul(bss), ul(0x20000000u),
        ul(addr(_sappmem)), ul(app), ul(addr(_sappmem)), ul(addr(_eappmem)));
}

}  // namespace

// Weak fallbacks so the kernel links and boots (without devices) before drivers.cpp exists.
__attribute__((weak)) std::uint32_t hail_setup_chip() {
    return 48'000'000;
}
__attribute__((weak)) void hail_setup_drivers(kernel::Kernel&) {}

namespace kernel::process_management {
void print_kernel() {
    kprintf("Kernel version: %u.%u.0 (tockemu kernel for Hail)\r\n", kKernelMajor, kKernelMinor);
    kprintf(" Kernel flash: 0x%08lx-0x%08lx (%lu bytes)\r\n", ul(addr(_stext)), ul(addr(_etext)),
            ul(addr(_etext) - addr(_stext)));
    kprintf(" Stack:    0x%08lx-0x%08lx (%lu bytes)\r\n", ul(addr(_sstack)), ul(addr(_estack)),
            ul(addr(_estack) - addr(_sstack)));
    kprintf(" Relocate: 0x%08lx-0x%08lx (%lu bytes)\r\n", ul(addr(_srelocate)),
            ul(addr(_erelocate)), ul(addr(_erelocate) - addr(_srelocate)));
    kprintf(" BSS:      0x%08lx-0x%08lx (%lu bytes)\r\n", ul(addr(_szero)), ul(addr(_ezero)),
            ul(addr(_ezero) - addr(_szero)));
    kprintf(" App RAM:  0x%08lx-0x%08lx, app flash 0x%08lx-0x%08lx\r\n", ul(addr(_sappmem)),
            ul(addr(_eappmem)), ul(addr(_sapps)), ul(addr(_eapps)));
}
}  // namespace kernel::process_management

int main() {
    cortexm::itm_init();
    std::uint32_t core_hz = hail_setup_chip();
    kernel::policy_init();
    cortexm::systick_init(core_hz);
    hail_setup_drivers(g_kernel);
    g_kernel.freeze_grants();

    kernel::kprintf("Hail: tockemu Tock-compatible kernel %u.%u.0, %u process slots\r\n",
                    kernel::kKernelMajor, kernel::kKernelMinor, kernel::kMaxProcesses);
    print_ram_use();
    std::uint32_t boot_ev[4] = {0x20000000u, addr(_sappmem) - 0x20000000u, addr(_sappmem),
                                addr(_eappmem)};
    cortexm::itm_event(kernel::kEvBoot, boot_ev, 4);

    kernel::load_processes(addr(_sapps), addr(_eapps), addr(_sappmem), addr(_eappmem));
    kernel::kprintf("Initialization complete. Entering main loop.\r\n");
    kernel::kernel_loop(g_kernel);
}
