// Fuzz target: a whole Machine fed random flash contents and so random guest code. The input is
// the flash image from address 0 (vector table: initial SP, reset vector, ...); the machine
// resets and runs 20000 instructions or 2 ms of virtual time. The guest may fault, lock up or
// exit through semihosting; the host must never crash, and a run must stop where asked.
#include <cstdint>
#include <span>
#include <string_view>

#include "emu/machine/machine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tockemu;
    constexpr std::size_t kFlash = 512 * 1024;
    constexpr std::uint64_t kInstructions = 20000;
    constexpr Picos kBudget = 2'000'000'000;  // 2 ms
    if (size > kFlash) return 0;
    Machine m;
    m.set_semihosting_output([](int, std::string_view) {});
    if (size > 0 && !m.write_memory(0, std::span(data, size))) __builtin_trap();
    m.reset();
    const std::uint64_t before = m.instructions();
    const RunResult r = m.run_until(kBudget, kInstructions);
    // Stops land on block boundaries: a block is at most a page of Thumb code past the limit.
    if (r.reason == StopReason::InstructionLimit &&
        m.instructions() - before > kInstructions + 4096)
        __builtin_trap();
    if (m.clock().now() > kBudget + 1'000'000'000) __builtin_trap();
    (void)m.reg(CoreReg::PC);
    return 0;
}
