// Kernel loop and round-robin scheduler.
#include "core/scheduler.hpp"

#include "arch/cortex-m/nvic.hpp"
#include "arch/cortex-m/scs.hpp"
#include "core/debug.hpp"
#include "core/deferred_call.hpp"
#include "core/events.hpp"
#include "core/ipc.hpp"
#include "core/process.hpp"
#include "core/syscall.hpp"

namespace kernel {
namespace {

constexpr std::uint32_t kMinQuantaUs = 500;  // Tock's MIN_QUANTA_THRESHOLD_US
unsigned g_next = 0;                         // round-robin position

bool kernel_work_pending() {
    return cortexm::nvic_has_pending() || DeferredCall::has_pending();
}

void service_kernel_work() {
    if (cortexm::nvic_has_pending()) cortexm::nvic_service_pending();
    while (!cortexm::nvic_has_pending() && DeferredCall::has_pending()) {
        DeferredCall::service_all();
    }
}

enum class Outcome { Done, Preempted };

// Runs one process for (the rest of) its timeslice. Time the kernel spends on its syscalls is
// charged to it, as in Tock.
Outcome do_process(Kernel& k, Process& p) {
    std::uint32_t slice = policy_config().timeslice_us;
    std::uint32_t budget = p.timeslice_left_us != 0 ? p.timeslice_left_us : slice;
    p.timeslice_left_us = 0;
    cortexm::systick_start(budget);
    for (;;) {
        if (cortexm::systick_remaining_us() < kMinQuantaUs) {
            ++p.timeslice_expirations;
            return Outcome::Done;
        }
        if (kernel_work_pending()) {
            p.timeslice_left_us = cortexm::systick_remaining_us();
            return Outcome::Preempted;
        }
        switch (p.state) {
            case ProcessState::Running: {
                cortexm::mpu_apply(p.mpu);
                cortexm::systick_arm();
                cortexm::FaultStatus fault{};
                cortexm::SwitchReason why = cortexm::switch_to_process(p.ctx, fault);
                cortexm::systick_disarm();
                cortexm::mpu_disable();
                if (why == cortexm::SwitchReason::Fault) {
                    p.last_fault = fault;
                    p.has_fault = true;
                    process_fault(p);
                    return Outcome::Done;
                }
                if (why == cortexm::SwitchReason::Syscall && !handle_syscall(k, p)) {
                    p.last_fault = cortexm::FaultStatus{};
                    p.has_fault = false;
                    p.fault_reason = "invalid system call (class > 7, bad yield variant) or stack";
                    process_fault(p);
                    return Outcome::Done;
                }
                break;
            }
            case ProcessState::Yielded: {
                Task t;
                if (!p.dequeue(t)) return Outcome::Done;
                if (t.kind == Task::Kind::ReturnValue) break;  // discarded outside Yield-WaitFor
                if (t.kind == Task::Kind::Ipc) {
                    ipc_deliver(p, t);  // queues the upcall behind the tasks already queued
                    break;
                }
                if (!process_push_upcall(p, t)) {
                    p.has_fault = false;
                    p.fault_reason = "stack outside app memory when delivering an upcall";
                    process_fault(p);
                    return Outcome::Done;
                }
                p.state = ProcessState::Running;
                break;
            }
            case ProcessState::YieldedFor: {
                Task t;
                if (!p.take_matching(p.yield_for_driver, p.yield_for_subscribe, t)) {
                    return Outcome::Done;
                }
                // Only r0-r2 change: libtock-c's yield_wait_for() clobbers nothing else.
                if (!process_set_return(p, t.args, 3)) {
                    p.has_fault = false;
                    p.fault_reason = "stack outside app memory when returning from yield-wait-for";
                    process_fault(p);
                    return Outcome::Done;
                }
                p.state = ProcessState::Running;
                break;
            }
            default:
                return Outcome::Done;
        }
    }
}

// Next ready process in round-robin order, or nullptr.
Process* pick_next() {
    for (unsigned i = 0; i < kMaxProcesses; ++i) {
        unsigned slot = (g_next + i) % kMaxProcesses;
        Process* p = process_slot(slot);
        if (p->used && p->ready()) {
            g_next = slot;
            return p;
        }
    }
    return nullptr;
}

}  // namespace

unsigned load_processes(std::uint32_t apps_start, std::uint32_t apps_end, std::uint32_t ram_start,
                        std::uint32_t ram_end) {
    unsigned slot = 0;
    std::uint32_t addr = apps_start, ram = ram_start;
    while (slot < kMaxProcesses && addr < apps_end) {
        TbfInfo info;
        const char* why = "";
        TbfWalk w = tbf_examine(addr, apps_end - addr, info, why);
        if (w == TbfWalk::Stop) break;
        if (w == TbfWalk::Load) {
            Status s = process_create(slot, info, ram, ram_end);
            if (s.is_ok()) {
                Process* p = process_slot(slot);
                kprintf("Loaded process %.*s: flash 0x%05lx-0x%05lx, RAM 0x%08lx-0x%08lx\r\n",
                        static_cast<int>(info.name_len), info.name ? info.name : "",
                        static_cast<unsigned long>(info.flash_start),
                        static_cast<unsigned long>(info.flash_start + info.total_size),
                        static_cast<unsigned long>(p->memory_start),
                        static_cast<unsigned long>(p->block_end()));
                ++slot;
            } else {
                kprintf(
                    "Could not load process %.*s at 0x%05lx: error %lu (needs %lu bytes RAM)\r\n",
                    static_cast<int>(info.name_len), info.name ? info.name : "",
                    static_cast<unsigned long>(addr), static_cast<unsigned long>(to_u32(s.error())),
                    static_cast<unsigned long>(info.minimum_ram));
                std::uint32_t ev[2] = {addr, to_u32(s.error())};
                cortexm::itm_event(kEvLoadFailed, ev, 2);
            }
        }
        addr += info.total_size;
    }
    return slot;
}

void kernel_loop(Kernel& k) {
    cortexm::enable_interrupts();
    // Boot messages go out before any process runs, so app output never splits them. Bounded:
    // without a console (no DebugOutput installed) the bytes stay queued and we move on.
    for (unsigned spins = 0; debug_output_installed() && debug_pending() != 0 && spins < 100000;
         ++spins) {
        if (kernel_work_pending()) {
            service_kernel_work();
        } else {
            cortexm::disable_interrupts();
            if (!kernel_work_pending()) cortexm::wfi();
            cortexm::enable_interrupts();
        }
    }
    for (;;) {
        if (kernel_work_pending()) {
            service_kernel_work();
            continue;
        }
        Process* p = pick_next();
        if (p != nullptr) {
            if (do_process(k, *p) == Outcome::Done) g_next = (g_next + 1) % kMaxProcesses;
            cortexm::systick_stop();
            continue;
        }
        // Sleep. With PRIMASK set, a newly pending interrupt still wakes WFI; it is taken once
        // interrupts are enabled again, so none is lost between the check and the WFI.
        cortexm::disable_interrupts();
        if (!kernel_work_pending()) cortexm::wfi();
        cortexm::enable_interrupts();
    }
}

}  // namespace kernel
