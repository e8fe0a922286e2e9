#pragma once
// Stack and heap high-water marks of a run (no Tock tool reports them), for any Tock-ABI kernel:
//   - the kernel stack: [_sstack, _estack) from the kernel's symbols; its deepest use is the
//     larger of what the MSP frames of exception entries reached and how far down the stack
//     holds non-zero words at the end of the run (tockemu's SRAM is zero at reset and Tock does
//     not clear the stack);
//   - each process's stack: [initial break, stack top) with the stack top from the libtock-c
//     crt0 hint (memop 10); the larger of the deepest PSP frame of an exception entry from the
//     process and the lowest non-zero word, scanned whenever the process's memory is about to
//     be given back (its fault, its exit) and at the end of the run;
//   - each process's heap: from the heap-start hint (memop 11) to the highest app break that
//     brk/sbrk set.
// Both stack figures are lower bounds (words the guest wrote as zero below the lowest non-zero
// one are not seen, and nothing below a frame is), exact in the usual case. Everything is read,
// never written: a run is the same with or without it. Marks are kept across restarts (the
// deepest run counts).
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "emu/core/events.hpp"
#include "emu/tock/tock_view.hpp"

namespace tockemu::tock {

struct StackMark {
    std::uint32_t start = 0, end = 0;  // [start, end): the stack, growing down from end
    std::uint32_t lowest = 0;          // lowest address known to be used (may be below start)
    std::uint32_t max_bytes() const { return lowest == 0 || lowest >= end ? 0 : end - lowest; }
    std::uint32_t size() const { return end - start; }
    bool overflowed() const { return lowest != 0 && lowest < start; }
};

struct ProcessMarks {
    std::optional<StackMark> stack;  // needs the stack-top hint
    std::uint32_t heap_start = 0;    // 0 = no hint
    std::uint32_t max_break = 0;     // highest app break set
    std::uint32_t heap_max_bytes() const {
        return heap_start != 0 && max_break > heap_start ? max_break - heap_start : 0;
    }
};

// "1480 of 4096 bytes", or "4168 of 4096 bytes: OVERFLOWED, down to 0x1fffffb8".
std::string describe(const StackMark& m);

class StackWatermarks {
  public:
    StackWatermarks(const TockView& view, MemoryReader read) : view_(view), read_(read) {}

    // The kernel stack's extent (the kernel ELF's _sstack/_estack); without it no kernel mark.
    void set_kernel_stack(std::uint32_t start, std::uint32_t end);
    // Feed every machine event after the view has seen it, then the view's Tock events.
    void on_machine(const Event& e);
    void on_tock(const TockEvent& e);
    // Final scans; call once the run has ended (memory still readable).
    void finish();

    const std::optional<StackMark>& kernel() const { return kernel_; }
    const ProcessMarks* process(int proc) const;

  private:
    void scan_process(int proc);
    // Lowest address in [start, end) of a non-zero aligned word; 0 if all zero or unreadable.
    std::uint32_t lowest_nonzero(std::uint32_t start, std::uint32_t end) const;
    static void lower(StackMark& m, std::uint32_t addr) {
        if (addr != 0 && (m.lowest == 0 || addr < m.lowest)) m.lowest = addr;
    }

    const TockView& view_;
    MemoryReader read_;
    std::optional<StackMark> kernel_;
    std::map<int, ProcessMarks> procs_;
    std::map<int, std::uint32_t> scan_floor_;  // initial break of the current run
    std::map<int, bool> in_stack_;             // its SP has been inside its stack this run
};

}  // namespace tockemu::tock
