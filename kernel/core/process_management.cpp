// Process management for the process console (see process_management.hpp).
#include "core/process_management.hpp"

#include "arch/cortex-m/cortexm.hpp"
#include "core/debug.hpp"
#include "core/process.hpp"

namespace kernel {

const char* process_state_name(ProcessState s) {
    switch (s) {
        case ProcessState::Running:
            return "Running";
        case ProcessState::Yielded:
            return "Yielded";
        case ProcessState::YieldedFor:
            return "YieldedFor";
        case ProcessState::Stopped:
            return "Stopped";
        case ProcessState::Faulted:
            return "Faulted";
        default:
            return "Terminated";
    }
}

namespace process_management {
namespace {
Process* used_slot(unsigned slot) {
    Process* p = process_slot(slot);
    return p != nullptr && p->used ? p : nullptr;
}
}  // namespace

unsigned slot_count() {
    return kMaxProcesses;
}

bool summary(unsigned slot, ProcessSummary& out) {
    const Process* p = used_slot(slot);
    if (p == nullptr) return false;
    out = ProcessSummary{};
    out.id = p->id;
    out.name = p->tbf.name != nullptr ? p->tbf.name : "";
    out.name_len = p->tbf.name_len;
    out.short_id = p->tbf.short_id;
    out.state = p->state;
    out.stopped_from = p->stopped_from;
    out.timeslice_expirations = p->timeslice_expirations;
    out.syscall_count = p->syscall_count;
    out.restart_count = p->restart_count;
    out.dropped_upcalls = p->dropped_upcalls;
    out.upcalls_queued = p->task_count;
    for (auto g : p->grant_ptrs) out.grants_used += g != 0;
    out.grants_total = registered_grant_count();
    out.flash_start = p->tbf.flash_start;
    out.flash_size = p->tbf.total_size;
    out.memory_start = p->memory_start;
    out.memory_size = p->memory_size;
    out.app_break = p->app_break;
    out.kernel_break = p->kernel_break;
    out.has_completion_code = p->has_completion_code;
    out.completion_code = p->completion_code;
    return true;
}

int find_by_name(const char* name, std::size_t len) {
    for (unsigned slot = 0; slot < kMaxProcesses; ++slot) {
        const Process* p = used_slot(slot);
        if (p == nullptr || p->tbf.name_len != len) continue;
        bool same = true;
        for (std::size_t i = 0; i < len && same; ++i) same = p->tbf.name[i] == name[i];
        if (same) return static_cast<int>(slot);
    }
    return -1;
}

Status stop(unsigned slot) {
    Process* p = used_slot(slot);
    if (p == nullptr) return ErrorCode::INVAL;
    switch (p->state) {
        case ProcessState::Running:
        case ProcessState::Yielded:
        case ProcessState::YieldedFor:
            p->stopped_from = p->state;
            p->state = ProcessState::Stopped;
            return Status::ok();
        default:
            return ErrorCode::ALREADY;
    }
}

Status resume(unsigned slot) {
    Process* p = used_slot(slot);
    if (p == nullptr) return ErrorCode::INVAL;
    if (p->state != ProcessState::Stopped) return ErrorCode::ALREADY;
    p->state = p->stopped_from;
    return Status::ok();
}

Status fault(unsigned slot) {
    Process* p = used_slot(slot);
    if (p == nullptr) return ErrorCode::INVAL;
    if (!p->alive()) return ErrorCode::OFF;
    p->has_fault = false;
    p->fault_reason = "requested by the process console";
    process_fault(*p);
    return Status::ok();
}

Status terminate(unsigned slot) {
    Process* p = used_slot(slot);
    if (p == nullptr) return ErrorCode::INVAL;
    if (p->state == ProcessState::Terminated) return ErrorCode::ALREADY;
    process_terminate(*p, false, 0);
    return Status::ok();
}

Status boot(unsigned slot) {
    Process* p = used_slot(slot);
    if (p == nullptr) return ErrorCode::INVAL;
    if (p->state != ProcessState::Terminated && p->state != ProcessState::Faulted) {
        return ErrorCode::ALREADY;
    }
    process_reset(*p);
    return Status::ok();
}

void print_process(unsigned slot) {
    const Process* p = used_slot(slot);
    if (p != nullptr) print_process_report(*p, false);
}

std::uint32_t total_timeslice_expirations() {
    std::uint32_t n = 0;
    for (unsigned slot = 0; slot < kMaxProcesses; ++slot) {
        if (const Process* p = used_slot(slot)) n += p->timeslice_expirations;
    }
    return n;
}

void reset_board() {
    cortexm::system_reset();
}

void panic_now() {
    KERNEL_PANIC("Process Console forced a kernel panic.");
}

}  // namespace process_management
}  // namespace kernel
