// Stack and heap high-water marks from the event stream plus read-only scans of guest RAM.
#include "emu/tock/stack_watermarks.hpp"

#include <array>
#include <vector>

#include <fmt/format.h>

namespace tockemu::tock {

namespace {
constexpr std::uint32_t kMemopBrk = 0;
constexpr std::uint32_t kMemopSbrk = 1;
constexpr std::uint32_t kMemopStackTopHint = 10;
constexpr std::uint32_t kMemopHeapStartHint = 11;
constexpr std::uint32_t kMaxScanBytes = 256 * 1024;  // a hint beyond this is not believed
}  // namespace

std::string describe(const StackMark& m) {
    std::string text = fmt::format("{} of {} bytes", m.max_bytes(), m.size());
    if (m.overflowed())
        text += fmt::format(": OVERFLOWED, down to {:#010x}, {} bytes below its bottom", m.lowest,
                            m.start - m.lowest);
    return text;
}

void StackWatermarks::set_kernel_stack(std::uint32_t start, std::uint32_t end) {
    if (end > start) kernel_ = StackMark{start, end, 0};
}

const ProcessMarks* StackWatermarks::process(int proc) const {
    auto it = procs_.find(proc);
    return it == procs_.end() ? nullptr : &it->second;
}

void StackWatermarks::on_machine(const Event& e) {
    const auto* x = std::get_if<ExceptionEntryEvent>(&e.payload);
    if (!x) return;
    if (!x->from_psp) {
        if (kernel_) lower(*kernel_, x->frame_address);
        return;
    }
    const int proc = view_.current();
    if (proc == kNoProcess) return;
    auto& m = procs_[proc];
    if (!m.stack) return;
    // crt0 makes its first syscalls on the kernel's initial PSP, below the stack it then
    // moves to: frames count once the process's SP has been inside its stack this run.
    if (x->frame_address >= m.stack->start && x->frame_address <= m.stack->end)
        in_stack_[proc] = true;
    if (in_stack_[proc]) lower(*m.stack, x->frame_address);
}

void StackWatermarks::on_tock(const TockEvent& e) {
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, ProcessStarted>) {
                scan_floor_[p.proc] = p.initial_break;  // below: the kernel's initial frame
                in_stack_[p.proc] = false;
            } else if constexpr (std::is_same_v<T, SyscallMade>) {
                if (p.call.cls != SyscallClass::Memop) return;
                ProcessMarks& m = procs_[p.proc];
                const std::uint32_t arg = p.call.args[1];
                if (p.call.number == kMemopStackTopHint) {
                    const std::uint32_t floor = scan_floor_[p.proc];
                    if (arg > floor && arg - floor <= kMaxScanBytes) {
                        const std::uint32_t lowest = m.stack ? m.stack->lowest : 0;
                        m.stack = StackMark{floor, arg, lowest};
                    }
                }
                if (p.call.number == kMemopHeapStartHint) m.heap_start = arg;
            } else if constexpr (std::is_same_v<T, SyscallReturned>) {
                if (p.call.cls != SyscallClass::Memop || !p.ret.is_success()) return;
                ProcessMarks& m = procs_[p.proc];
                std::uint32_t brk = 0;
                if (p.call.number == kMemopBrk) brk = p.call.args[1];
                // sbrk returns the previous break; the increment may be negative.
                if (p.call.number == kMemopSbrk) brk = p.ret.r[1] + p.call.args[1];
                if (brk > m.max_break) m.max_break = brk;
            } else if constexpr (std::is_same_v<T, ProcessFaulted> ||
                                 std::is_same_v<T, ProcessExited>) {
                scan_process(p.proc);  // before the kernel can reuse or clear the block
            }
        },
        e.payload);
}

void StackWatermarks::finish() {
    if (kernel_) lower(*kernel_, lowest_nonzero(kernel_->start, kernel_->end));
    for (auto& [proc, m] : procs_) scan_process(proc);
}

void StackWatermarks::scan_process(int proc) {
    auto it = procs_.find(proc);
    if (it == procs_.end() || !it->second.stack) return;
    StackMark& s = *it->second.stack;
    lower(s, lowest_nonzero(s.start, s.end));
}

std::uint32_t StackWatermarks::lowest_nonzero(std::uint32_t start, std::uint32_t end) const {
    start = (start + 3) & ~3u;
    if (end <= start || end - start > kMaxScanBytes) return 0;
    std::vector<std::uint8_t> bytes(end - start);
    if (!read_(start, bytes)) return 0;
    for (std::size_t i = 0; i + 4 <= bytes.size(); i += 4)
        if (bytes[i] | bytes[i + 1] | bytes[i + 2] | bytes[i + 3])
            return start + static_cast<std::uint32_t>(i);
    return 0;
}

}  // namespace tockemu::tock
