#pragma once
// The Machine API (docs/ARCHITECTURE): the one small interface the CLI, the scenario runner and
// the GDB stub drive. A SAM4L "Hail": Cortex-M4 core (Unicorn + our exception model), System
// Control Space, MPU, flash 512 KiB at 0, SRAM 64 KiB at 0x20000000, the Hail peripherals.
//
// CONTRACT for all issues: members may be added; these signatures stay.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emu/bus/bus.hpp"
#include "emu/core/clock.hpp"
#include "emu/core/events.hpp"
#include "emu/cpu/run_types.hpp"

namespace tockemu {

class Mpu;
class HailBoard;

struct MachineConfig {
    std::uint64_t core_hz = 48'000'000;  // until the guest's clock set-up changes it
    std::uint64_t rng_seed = 0;          // TRNG sequence
};

// Error in user-supplied input (ELF/TBF/flash image): message names the file and the problem.
struct LoadError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Machine {
  public:
    explicit Machine(MachineConfig config = {});
    ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // ---- Loading (throw LoadError) ----
    // PT_LOAD segments into flash/RAM; symbols kept for traces and fault reports.
    void load_elf(const std::filesystem::path& elf);
    // Extension: the same from bytes in memory; `source` names them in errors.
    void load_elf_bytes(std::span<const std::uint8_t> bytes, const std::string& source);
    void load_flash_image(const std::filesystem::path& bin, std::uint32_t address = 0);
    // A TBF, or a TAB (the cortex-m4 TBF is taken); placed in app flash from 0x30000 as
    // tockloader lays them out. Returns the flash address the app was placed at.
    std::uint32_t load_app(const std::filesystem::path& tbf_or_tab);
    // Reset: SP/PC from the vector table at VTOR; bootloader hand-off when flash at 0 is erased.
    void reset();

    // ---- Running ----
    RunResult run_until(Picos deadline);
    RunResult step();  // exactly one instruction (or one exception entry)
    // The same, but a sleeping core waits for its wake-up event only until `deadline` (then
    // TimeLimit, as run_until(deadline) would stop there).
    RunResult step(Picos deadline);
    void request_stop();
    // Extension: also stop after `max_instructions` more retired instructions
    // (StopReason::InstructionLimit). Stops land on translation-block boundaries.
    RunResult run_until(Picos deadline, std::uint64_t max_instructions);
    // Extension: where semihosting output goes (fd 1 = stdout, 2 = stderr). Default: the
    // process's stdout/stderr.
    void set_semihosting_output(std::function<void(int fd, std::string_view text)> sink);

    // ---- State (debugger-safe: banked registers read correctly in every mode) ----
    std::uint32_t reg(CoreReg r);
    void set_reg(CoreReg r, std::uint32_t value);
    bool read_memory(std::uint32_t addr, std::span<std::uint8_t> out);  // debugger view
    bool write_memory(std::uint32_t addr, std::span<const std::uint8_t> in);
    std::uint64_t instructions() const;
    // Guest stores that took Unicorn's notdirty slow path so far (counted only while the Unicorn
    // 2.0.1 fast path of emu/cpu/uc_fastpath.hpp is on; with it, only stores to code pages).
    std::uint64_t slow_stores() const;
    Clock& clock();
    Bus& bus();
    Mpu& mpu();
    HailBoard& board();
    EventHub& events();
    // Symbol lookup from loaded ELFs (for traces, fault reports, gdb tests).
    std::optional<std::uint32_t> symbol(const std::string& name) const;
    std::string symbolize(std::uint32_t addr) const;  // "func+0x12" or ""

    // ---- Debug ----
    void add_breakpoint(std::uint32_t addr);
    void remove_breakpoint(std::uint32_t addr);
    using WatchKind = tockemu::WatchKind;  // (emu/cpu/run_types.hpp)
    void add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind);
    void remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind);
    // Extension: a halting debugger (the GDB stub) is attached: a guest BKPT (other than
    // semihosting's 0xAB) stops the run with StopReason::Breakpoint at the BKPT instead of
    // being taken by the DebugMonitor or escalating to HardFault.
    void set_debugger_attached(bool attached);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tockemu
