#include "emu/explain/isolation_state.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace tockemu::explain {

namespace {
// Memop operations (tock-abi.md §1, TRD104 memop table).
constexpr std::uint32_t kMemopBrk = 0;
constexpr std::uint32_t kMemopSbrk = 1;
constexpr std::uint32_t kMemopStackTopHint = 10;
constexpr std::uint32_t kMemopHeapStartHint = 11;
}  // namespace

const ProcessMemory* IsolationTracker::memory(int proc) const {
    auto it = memory_.find(proc);
    return it == memory_.end() ? nullptr : &it->second;
}

int IsolationTracker::proc_for_slot(std::uint32_t slot) const {
    auto it = slot_to_proc_.find(slot);
    return it == slot_to_proc_.end() ? static_cast<int>(slot) : it->second;
}

void IsolationTracker::on_machine(const Event& e) {
    marks_.on_machine(e);
    if (const auto* c = std::get_if<MpuConfigEvent>(&e.payload)) {
        latest_mpu_ = *c;
    } else if (const auto* x = std::get_if<ExceptionEntryEvent>(&e.payload)) {
        // The frame of a process lies at its PSP: the deepest one is its stack high-water mark.
        const int proc = view_.current();
        if (!x->from_psp || proc == tock::kNoProcess) return;
        ProcessMemory& m = mem(proc);
        if (m.lowest_sp == 0 || x->frame_address < m.lowest_sp) m.lowest_sp = x->frame_address;
    }
}

void IsolationTracker::on_tock(const tock::TockEvent& e) {
    marks_.on_tock(e);
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, tock::ProcessStarted>) {
                // A (re)start hands the whole block back: no grants, break at its first value.
                ProcessMemory& m = mem(p.proc);
                const auto mpu = m.mpu;
                m = ProcessMemory{};
                m.mpu = mpu;
                m.block_start = p.memory_start;
                m.block_end = p.memory_start + p.memory_len;
                m.app_break = p.initial_break;
                m.kernel_break = m.block_end;
            } else if constexpr (std::is_same_v<T, tock::ContextSwitch>) {
                if (p.to != tock::kNoProcess && latest_mpu_) mem(p.to).mpu = latest_mpu_;
            } else if constexpr (std::is_same_v<T, tock::SyscallMade>) {
                on_syscall_made(p);
            } else if constexpr (std::is_same_v<T, tock::SyscallReturned>) {
                on_syscall_returned(p);
            } else if constexpr (std::is_same_v<T, tock::KernelMessage>) {
                on_kernel_message(p);
            }
        },
        e.payload);
}

void IsolationTracker::on_syscall_made(const tock::SyscallMade& s) {
    if (s.call.cls != tock::SyscallClass::Memop) return;
    ProcessMemory& m = mem(s.proc);
    if (s.call.number == kMemopStackTopHint) m.stack_top = s.call.args[1];
    if (s.call.number == kMemopHeapStartHint) m.heap_start = s.call.args[1];
}

void IsolationTracker::on_syscall_returned(const tock::SyscallReturned& s) {
    if (s.call.cls != tock::SyscallClass::Memop || !s.ret.is_success()) return;
    ProcessMemory& m = mem(s.proc);
    if (s.call.number == kMemopBrk) m.app_break = s.call.args[1];
    // sbrk returns the previous break; the increment may be negative.
    if (s.call.number == kMemopSbrk) m.app_break = s.ret.r[1] + s.call.args[1];
}

void IsolationTracker::on_kernel_message(const tock::KernelMessage& k) {
    if (k.port != 0) return;
    const auto& w = k.words;
    switch (k.type) {
        case tock::kKmBoot:
            if (w.size() >= 4) kernel_ram_ = {true, w[0], w[1], w[2], w[3]};
            break;
        case tock::kKmProcessLoaded:  // slot, flash start, RAM start, RAM size
            if (w.size() >= 4) {
                const auto& procs = view_.processes();
                auto it = std::find_if(procs.begin(), procs.end(), [&](const tock::Process& p) {
                    return p.image.flash_start == w[1];
                });
                if (it == procs.end()) break;
                slot_to_proc_[w[0]] = it->index;
                ProcessMemory& m = mem(it->index);
                if (!m.known()) {
                    m.block_start = w[2];
                    m.block_end = w[2] + w[3];
                    m.app_break = w[2];
                    m.kernel_break = m.block_end;
                }
            }
            break;
        case tock::kKmGrantAlloc:  // slot, driver, bytes, bytes still free
            if (w.size() >= 4) {
                ProcessMemory& m = mem(proc_for_slot(w[0]));
                if (!m.known()) break;
                const std::uint32_t address = (m.kernel_break - w[2]) & ~7u;  // as the kernel
                m.kernel_break = address;
                m.grants.push_back({w[1], w[2], address});
            }
            break;
        default:
            break;
    }
}

}  // namespace tockemu::explain
