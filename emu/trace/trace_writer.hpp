#pragma once
// The event trace (docs/0006-trace.md): one JSON object per line, in virtual-time order, for the
// Tock-level events of the Tock view and the machine events worth keeping (IRQ lines, MPU
// configuration, MPU refusals, GPIO, console lines, lockup). Every line goes into a FNV-1a hash,
// whether or not a file is written, so two runs can be compared by one value. At the end, one
// summary record per process, and a readable table for people.
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "emu/core/events.hpp"
#include "emu/tock/tock_view.hpp"
#include "emu/trace/json.hpp"

namespace tockemu::trace {

class TraceWriter {
  public:
    // `out` may be null: the hash is still computed.
    explicit TraceWriter(const tock::TockView& view, std::ostream* out = nullptr);

    void on_tock(const tock::TockEvent& e);
    // Machine events. SVC and exception returns are the Tock view's to digest; exception entries
    // of SysTick and IRQs are written ("systick", "irq_taken").
    void on_machine(const Event& e);
    void on_console_line(Picos time, unsigned usart, std::string_view line);
    // Scenario actions and verdict-relevant notes, so the trace tells the whole story.
    void on_note(Picos time, std::string_view kind, std::string_view text);
    // Writes the per-process summary records; call once at the end of the run.
    void finish(Picos end_time);

    std::uint64_t hash_value() const { return hash_; }
    std::string hash() const;  // "fnv1a64:0123456789abcdef"
    std::uint64_t records() const { return records_; }

  private:
    JsonObject start(Picos time, std::uint64_t instructions, std::string_view kind) const;
    void write(const JsonObject& o);
    std::string proc_json(int proc) const;

    const tock::TockView& view_;
    std::ostream* out_;
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
    std::uint64_t records_ = 0;
    std::array<std::uint32_t, 16> mpu_regions_{};  // last traced RBAR/RASR pairs
    bool mpu_seen_ = false;
};

// Readable per-process table: state, restarts, syscalls, upcalls, faults, CPU time, errors.
std::string summary_table(const tock::TockView& view);

}  // namespace tockemu::trace
