#pragma once
// Process: one loaded TBF, its RAM block, saved CPU context, upcall queue and grant pointers.
// Internal to the core (capsules use ProcessId + grants; the console uses process_management).
//
// RAM block of one process (power of two, >= 512 bytes, aligned to half its size; covered by MPU
// regions 0 and 1 of half the block each, 8 subregions per region):
//
//   memory_start + memory_size  +-----------------------------+
//                               | grant allocations           |  kernel-owned, grows down
//   kernel_break  ------------> +-----------------------------+
//                               | free                        |
//   app_break  ---------------> +-----------------------------+  MPU: subregions up to here
//                               | heap / .bss / .data / .got  |  enabled (rounded up)
//                               | stack (grows down)          |
//   memory_start  ------------> +-----------------------------+
//
// Flash: the whole TBF [flash_start, flash_start + flash_size) is MPU region 2, read + execute,
// unprivileged read-only. MPU regions 3-7 map buffers other processes shared with this one over
// IPC (Tock's extra "add_mpu_region" regions; core/ipc.hpp), read-write, execute-never.
#include <cstddef>
#include <cstdint>

#include "arch/cortex-m/cortexm.hpp"
#include "core/board_config.hpp"
#include "core/error_code.hpp"
#include "core/kernel.hpp"
#include "core/process_id.hpp"
#include "core/process_management.hpp"
#include "core/tbf.hpp"

namespace kernel {

constexpr unsigned kMaxProcesses = 8;
constexpr unsigned kTaskQueueLen = 10;        // Tock's CALLBACK_LEN
constexpr std::uint32_t kInitialAppBrk = 32;  // one exception frame
constexpr unsigned kFirstSharedRegion = 3;    // MPU regions 3.. map other processes' buffers
constexpr unsigned kSharedRegions = cortexm::kMpuRegions - kFirstSharedRegion;

struct Task {
    // Ipc: a notification from another process (Tock's Task::IPC), turned into an upcall when
    // the process dequeues it (core/ipc.cpp); it is never taken by Yield-WaitFor.
    enum class Kind : std::uint8_t { FunctionCall, ReturnValue, Ipc };
    Kind kind;
    std::uint32_t driver;
    std::uint32_t subscribe;
    std::uint32_t fn;  // FunctionCall only
    std::uint32_t appdata;
    std::uint32_t args[3];
};

// Every member defaults to zero so the process table lives in .bss, not as a 6 KiB .data image
// in flash; an unused slot is recognised by `used` alone.
struct Process {
    bool used = false;
    ProcessState state = ProcessState::Running;
    ProcessState stopped_from = ProcessState::Running;
    ProcessId id{0, 0};

    TbfInfo tbf;

    std::uint32_t memory_start = 0, memory_size = 0;
    std::uint32_t app_break = 0, kernel_break = 0, allow_high_water = 0;
    std::uint32_t stack_hint = 0, heap_hint = 0;

    cortexm::StoredState ctx = {};
    cortexm::MpuConfig mpu = {};
    unsigned ram_region_log2 = 0;  // log2 of each of the two RAM regions (half the block)
    // Run identifier of the process whose buffer MPU region kFirstSharedRegion + i maps (valid
    // while that region is enabled). Identifiers are unique across all slots and runs.
    std::uint32_t shared_owner[kSharedRegions] = {};

    std::uint32_t yield_for_driver = 0, yield_for_subscribe = 0;
    Task tasks[kTaskQueueLen] = {};
    unsigned task_head = 0, task_count = 0;

    std::uint32_t grant_ptrs[Kernel::kMaxGrants] = {};

    // Statistics and diagnostics.
    std::uint32_t restart_count = 0;
    std::uint32_t syscall_count = 0;
    std::uint32_t timeslice_expirations = 0;
    std::uint32_t dropped_upcalls = 0;
    std::uint32_t timeslice_left_us = 0;  // when preempted by kernel work
    std::uint32_t last_syscall[5] = {};   // class, r0-r3
    bool has_last_syscall = false;
    bool has_completion_code = false;
    std::uint32_t completion_code = 0;
    cortexm::FaultStatus last_fault = {};
    bool has_fault = false;              // last_fault holds a hardware fault
    const char* fault_reason = nullptr;  // why the kernel faulted it when !has_fault

    // ---- memory ----
    bool in_app_ram(std::uint32_t addr, std::uint32_t len) const;    // [memory_start, app_break)
    bool in_app_flash(std::uint32_t addr, std::uint32_t len) const;  // after protected region
    std::uint32_t enabled_ram_end() const;  // end of the last MPU subregion covering app_break
    Status brk(std::uint32_t new_break);
    void rebuild_mpu();

    // ---- tasks ----
    bool enqueue(const Task& t);  // false when full (dropped, counted)
    bool dequeue(Task& out);
    bool take_matching(std::uint32_t driver, std::uint32_t subscribe, Task& out);
    void remove_function_calls(std::uint32_t driver, std::uint32_t subscribe);
    bool ready() const;

    bool alive() const {
        return used && state != ProcessState::Terminated && state != ProcessState::Faulted;
    }
    std::uint32_t block_end() const { return memory_start + memory_size; }
};

// The process table and lifecycle (core/process.cpp).
Process* process_slot(unsigned slot);
Process* process_lookup(ProcessId pid);  // nullptr if stale or not alive
Status process_create(unsigned slot, const TbfInfo& tbf, std::uint32_t& ram_cursor,
                      std::uint32_t ram_end);
void process_reset(Process& p);  // fresh run over the same RAM block, init function queued
void process_terminate(Process& p, bool has_code, std::uint32_t code);
// exit-restart passes its completion code; a fault restart has none.
void process_restart(Process& p, bool has_code = false, std::uint32_t code = 0);
// Applies the board's fault policy after printing the fault report.
void process_fault(Process& p);

// Shared memory (IPC): maps [start, start + len) of `owner`'s RAM into `target`'s MPU as a
// read-write, execute-never region, replacing the one `owner` already has there. Nothing to do
// (ok) when the range is `target`'s own memory. INVAL when no MPU region covers exactly that
// range, NOMEM when regions 3-7 are all in use.
Status process_map_shared(Process& target, ProcessId owner, std::uint32_t start, std::uint32_t len);
// Removes what `owner` (that run) shared with `target`; with target == nullptr, from every process.
void process_unmap_shared(ProcessId owner, Process* target);

// Fills the stacked frame with an upcall (tock-abi.md 1.5). False if the stack is not writable.
bool process_push_upcall(Process& p, const Task& t);
// Writes syscall return registers into the stacked frame.
bool process_set_return(Process& p, const std::uint32_t* words, unsigned count);

// Fault reports and overview printing (core/report.cpp).
void print_process_report(const Process& p, bool with_fault);
void print_process_overview(const Process& p);  // "App: name - [State]" and counters

// Number of grants the board created (Tock's "grant regions defined").
unsigned registered_grant_count();

// Policy chosen at boot from the board config block.
struct PolicyConfig {
    FaultPolicy policy;
    std::uint32_t threshold;
    std::uint32_t timeslice_us;
};
const PolicyConfig& policy_config();
void policy_init();

}  // namespace kernel
