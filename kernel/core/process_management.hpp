#pragma once
// What the process console (and the ProcessInfo-style tools) may do with processes: iterate,
// describe, and change state (Tock's ProcessManagementCapability + process_console.rs).
// Slots are 0..slot_count()-1; empty slots report false from summary().
#include <cstddef>
#include <cstdint>

#include "core/error_code.hpp"
#include "core/process_id.hpp"

namespace kernel {

enum class ProcessState : std::uint8_t {
    Running,     // has code to run
    Yielded,     // in Yield-Wait/No-Wait; ready when an upcall is queued
    YieldedFor,  // in Yield-WaitFor; ready when the awaited upcall is queued
    Stopped,     // suspended by the console; `start` resumes the previous state
    Faulted,     // faulted and stopped by the policy
    Terminated,  // exited or terminated; `boot` runs it again
};

// Tock's names as printed by the process console and fault reports.
const char* process_state_name(ProcessState s);

struct ProcessSummary {
    ProcessId id;
    const char* name;  // package name from the TBF (not NUL-terminated)
    std::uint32_t name_len;
    std::uint32_t short_id;  // 0 = none
    ProcessState state;      // Stopped has `stopped_from` as the previous state
    ProcessState stopped_from;
    std::uint32_t timeslice_expirations;
    std::uint32_t syscall_count;
    std::uint32_t restart_count;
    std::uint32_t dropped_upcalls;
    std::uint32_t upcalls_queued;
    std::uint32_t grants_used, grants_total;
    std::uint32_t flash_start, flash_size;  // whole TBF
    std::uint32_t memory_start, memory_size;
    std::uint32_t app_break, kernel_break;
    bool has_completion_code;
    std::uint32_t completion_code;
};

namespace process_management {

unsigned slot_count();
bool summary(unsigned slot, ProcessSummary& out);
// Slot of the process named `name` (exact match), or -1.
int find_by_name(const char* name, std::size_t len);

Status stop(unsigned slot);       // Running/Yielded/YieldedFor -> Stopped(prev)
Status resume(unsigned slot);     // Stopped(prev) -> prev  (console `start`)
Status fault(unsigned slot);      // apply the fault policy as if the process faulted
Status terminate(unsigned slot);  // -> Terminated, grants reclaimed
Status boot(unsigned slot);       // Terminated/Faulted -> fresh run from flash

// Output through the kernel debug writer (kprintf).
void print_process(unsigned slot);  // memory map, registers, MPU regions (fault-report format)
void print_kernel();                // version and kernel memory map
std::uint32_t total_timeslice_expirations();

[[noreturn]] void reset_board();  // SCB AIRCR SYSRESETREQ
[[noreturn]] void panic_now();    // console `panic`

}  // namespace process_management
}  // namespace kernel
