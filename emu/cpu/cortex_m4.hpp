#pragma once
// The Cortex-M4 core: Unicorn 2.0.1 as the instruction interpreter (ARMv7-M, Thumb-2, no FPU as
// on the SAM4L) and everything Unicorn does not do for M-profile done here, by hand, per the
// ARMv7-M ARM: exception entry/return (B1.5.6-B1.5.8), tail-chaining, priorities and masking,
// fault status and escalation, lockup, WFI, semihosting, virtual time (docs/0002-virtual-time.md,
// docs/0004-exceptions.md). Pitfalls of Unicorn this code works around are in
// shared/reference/unicorn.md (cited as "unicorn.md §n").
//
// Time: one block hook counts the instructions of each translation block (decoded once with
// Capstone and cached); the hot path is "compare one integer, add one integer". Interrupts,
// clock events and stops happen at translation-block boundaries, which are deterministic.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emu/bus/bus.hpp"
#include "emu/core/clock.hpp"
#include "emu/core/context.hpp"
#include "emu/core/events.hpp"
#include "emu/cpu/exceptions.hpp"
#include "emu/cpu/run_types.hpp"
#include "emu/cpu/scs.hpp"

struct uc_struct;

namespace tockemu {

class Mpu;

struct CoreState;      // registers gathered for an exception entry/return
struct AlignSiteHook;  // an alignment-checked instruction with a code hook

class CortexM4 {
  public:
    CortexM4(MachineContext& ctx, ExceptionState& exceptions, Scs& scs, Mpu& mpu);
    ~CortexM4();
    CortexM4(const CortexM4&) = delete;
    CortexM4& operator=(const CortexM4&) = delete;

    // Maps every memory and device of the bus into Unicorn. Call once, after the board has put
    // its devices on the bus.
    void map_bus();
    // Core reset from the vector table at `vtor` (ARMv7-M B1.5.5 TakeReset).
    void reset(std::uint32_t vtor);

    // Runs until virtual time `deadline`, an instruction limit, or a stop condition.
    RunResult run_until(Picos deadline, std::uint64_t max_instructions = UINT64_MAX);
    // One instruction, or one exception entry; asleep, the wait for the wake-up event (no
    // further than `deadline`) and its entry.
    RunResult step(Picos deadline = ~Picos{0});
    // The instruction at PC alone, without the boundary work step() does first.
    RunResult step_one();
    void request_stop() {
        stop_requested_ = true;
        force_boundary();
    }

    std::uint32_t reg(CoreReg r);
    void set_reg(CoreReg r, std::uint32_t value);
    std::uint64_t instructions() const { return executed_; }
    std::uint64_t slow_stores() const;  // see Machine::slow_stores
    const std::uint64_t* instruction_counter() const { return &executed_; }
    bool locked_up() const { return locked_up_; }
    bool sleeping() const { return sleeping_; }

    // Semihosting output (fd 1 stdout, 2 stderr); default: the process's stdout/stderr.
    std::function<void(int fd, std::string_view text)> semihosting_output;
    // AIRCR.SYSRESETREQ: performs a whole-system reset (set by the Machine).
    std::function<void()> system_reset;
    // Names addresses in fault/lockup messages.
    std::function<std::string(std::uint32_t)> symbolize;
    // The core goes to sleep (WFI, WFE, sleep-on-exit; SCR.SLEEPDEEP given) and wakes up again:
    // always called in pairs (the board stops and restarts the clocks of its sleep mode).
    std::function<void(bool sleepdeep)> on_sleep;
    std::function<void()> on_wake;
    // A halting debugger is attached: a BKPT (other than semihosting's 0xAB) halts the core
    // (StopReason::Breakpoint, PC at the BKPT, DFSR.BKPT) instead of being a debug event for
    // the DebugMonitor or HardFault.
    void set_debugger_attached(bool attached) { debugger_attached_ = attached; }
    // A system reset requested by the board (watchdog): done at the next boundary, as
    // AIRCR.SYSRESETREQ is, never from inside the caller.
    void request_system_reset();

    void add_breakpoint(std::uint32_t addr);
    void remove_breakpoint(std::uint32_t addr);
    void add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind);
    void remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind);

    // Something changed that may let an exception be taken or move the next deadline: look at
    // it at the next translation-block boundary.
    void force_boundary() { stop_at_ = 0; }
    // The MPU configuration changed: re-decide at the next block whether checks are needed.
    void mpu_changed();
    // A flash/RAM range was rewritten behind Unicorn's back (flash controller page write).
    void invalidate_code(std::uint32_t addr, std::uint32_t len);

    // Hooks (public for the C trampolines).
    void on_block(std::uint64_t addr, std::uint32_t size);
    void on_interrupt(std::uint32_t intno);
    bool on_unmapped(int type, std::uint64_t addr, int size, std::int64_t value);
    bool on_write_prot(std::uint64_t addr, int size, std::int64_t value);
    void on_trap(std::uint64_t addr);
    void on_watch(int type, std::uint64_t addr, int size);
    void on_mpu_access(int type, std::uint64_t addr, int size);
    void on_align_access(int type, std::uint64_t addr, int size);
    void on_align_site(const AlignSiteHook* site);
    std::uint64_t mmio_read(std::uint32_t addr, unsigned size);
    void mmio_write(std::uint32_t addr, unsigned size, std::uint64_t value);

  private:
    // on_block's rare cases; false when emulation was stopped at this block.
    [[gnu::noinline]] bool on_block_slow(std::uint32_t addr, std::uint32_t size);

    struct Impl;
    std::unique_ptr<Impl> impl_;

    std::uint64_t executed_ = 0;  // retired instructions (= core cycles)
    std::uint64_t stop_at_ = 0;   // the block hook looks closer once executed_ reaches this
    bool stop_requested_ = false;
    bool locked_up_ = false;
    bool sleeping_ = false;
    bool debugger_attached_ = false;
};

}  // namespace tockemu
