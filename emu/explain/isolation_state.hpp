#pragma once
// What explain mode and the memory-map pictures know about each process's memory, learnt only
// from the event stream `--trace` uses (machine events + the Tock view's events), never from the
// kernel's data structures, so it works for our kernel and, with less detail, for upstream Tock:
//   - RAM block, initial break: ProcessStarted (the Cortex-M process entry convention);
//   - stack top and heap start: the libtock-c crt0 hints, memop 10 and 11;
//   - app break: memop brk/sbrk and their results;
//   - grant region (kernel-owned top of the block): our kernel's grant_alloc ITM messages
//     (docs/0005-kernel.md), replaying the kernel's own arithmetic (break - size, 8-aligned);
//   - the MPU regions in force for a process: the last MPU configuration before it was resumed;
//   - the deepest stack pointer seen on exception entry from that process;
//   - stack and heap high-water marks (tock::StackWatermarks, with read-only scans of RAM).
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "emu/core/events.hpp"
#include "emu/tock/stack_watermarks.hpp"
#include "emu/tock/tock_view.hpp"

namespace tockemu::explain {

struct GrantRecord {
    std::uint32_t driver = 0;
    std::uint32_t bytes = 0;
    std::uint32_t address = 0;  // start of the allocation (the kernel break after it)
};

struct ProcessMemory {
    std::uint32_t block_start = 0, block_end = 0;  // [start, end) of the RAM block
    std::uint32_t stack_top = 0;                   // 0 = unknown
    std::uint32_t heap_start = 0;                  // 0 = unknown
    std::uint32_t app_break = 0;
    std::uint32_t kernel_break = 0;  // lowest grant allocation; block_end when none
    std::uint32_t lowest_sp = 0;     // deepest PSP seen on an exception entry; 0 = none
    std::vector<GrantRecord> grants;
    std::optional<MpuConfigEvent> mpu;  // configuration in force when it last ran
    bool known() const { return block_end > block_start; }
};

// The kernel's boot report (our kernel only): where its RAM and the process RAM pool are.
struct KernelRamLayout {
    bool known = false;
    std::uint32_t ram_start = 0, ram_bytes = 0, app_ram_start = 0, app_ram_end = 0;
};

class IsolationTracker {
  public:
    // `read` (guest memory, read only) lets the watermarks scan stacks; without it they rely
    // on exception-entry frames alone.
    explicit IsolationTracker(const tock::TockView& view, tock::MemoryReader read = {})
        : view_(view),
          marks_(
              view, read ? read : [](std::uint32_t, std::span<std::uint8_t>) { return false; }) {}

    // Feed every machine event, then the Tock events the view derived from it.
    void on_machine(const Event& e);
    void on_tock(const tock::TockEvent& e);

    const ProcessMemory* memory(int proc) const;
    const std::optional<MpuConfigEvent>& latest_mpu() const { return latest_mpu_; }
    const KernelRamLayout& kernel_ram() const { return kernel_ram_; }
    // View process index for a kernel slot number (from the kernel's process_loaded message);
    // the slot itself when the kernel never said.
    int proc_for_slot(std::uint32_t slot) const;
    const tock::TockView& view() const { return view_; }
    const tock::StackWatermarks& marks() const { return marks_; }
    void set_kernel_stack(std::uint32_t start, std::uint32_t end) {
        marks_.set_kernel_stack(start, end);
    }
    // The run is over and the machine still exists: last stack scans.
    void take_final_readings() { marks_.finish(); }

  private:
    ProcessMemory& mem(int proc) { return memory_[proc]; }
    void on_kernel_message(const tock::KernelMessage& k);
    void on_syscall_made(const tock::SyscallMade& s);
    void on_syscall_returned(const tock::SyscallReturned& s);

    const tock::TockView& view_;
    tock::StackWatermarks marks_;
    std::map<int, ProcessMemory> memory_;
    std::map<std::uint32_t, int> slot_to_proc_;
    std::optional<MpuConfigEvent> latest_mpu_;
    KernelRamLayout kernel_ram_;
};

}  // namespace tockemu::explain
