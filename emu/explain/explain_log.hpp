#pragma once
// Explain mode (`--explain`): a narrated log of what matters for isolation, one line per event
// (continuation lines indented), each with its virtual time. A formatter over the same events the
// JSON trace is made of (docs/0006-trace.md): the Tock view's events for the process story and
// the machine's MPU/fault/lockup events for the hardware side. It never changes the run.
//
//   [    2.103125 ms] hello started: RAM 0x20004000-0x20004fff (4 KiB), break 0x20004020
//   [    2.104000 ms] switch to hello; MPU regions in force:
//                       r0 0x20004000-0x200047ff ... = app memory up to the break
//   [    2.200100 ms] hello: command console.putstr(12, 0) -> success
//   [    5.000000 ms] FAULT in fault_write_kernel_ram: `str r1, [r0]` at 0x000300a4 tried to ...
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "emu/core/events.hpp"
#include "emu/explain/isolation_state.hpp"
#include "emu/explain/memory_map.hpp"
#include "emu/tock/app_flash.hpp"

namespace tockemu::explain {

struct ExplainOptions {
    bool syscalls = true;  // one line per system call and its result
    bool yields = true;    // yield calls (the busiest lines) among them
};

class ExplainLog {
  public:
    using Sink = std::function<void(std::string_view)>;  // receives whole lines with '\n'

    ExplainLog(const IsolationTracker& tracker, tock::MemoryReader read, SymbolLookup symbols,
               Sink out, ExplainOptions options = {});
    ~ExplainLog();
    ExplainLog(const ExplainLog&) = delete;
    ExplainLog& operator=(const ExplainLog&) = delete;

    // Feed after the tracker has seen the same event.
    void on_machine(const Event& e);
    void on_tock(const tock::TockEvent& e);
    void finish(Picos end_time);

    // Names kernel code addresses ("cortexm_halt+0x2") in kernel fault lines.
    void set_symbolizer(std::function<std::string(std::uint32_t)> s) { symbolize_ = std::move(s); }

    // "`str r1, [r0]`" for the Thumb instruction at `pc`, or "" when unreadable.
    std::string disassemble(std::uint32_t pc) const;

  private:
    void line(Picos t, const std::string& text);
    void loaded(Picos t, int proc);
    void started(Picos t, const tock::ProcessStarted& s);
    void context_switch(Picos t, const tock::ContextSwitch& c);
    void flush_switch();
    void watermark_lines(Picos t);
    void syscall(Picos t, const tock::SyscallMade& s);
    void returned(Picos t, const tock::SyscallReturned& r);
    void upcall(Picos t, const tock::UpcallDelivered& u);
    void fault(Picos t, const tock::ProcessFaulted& f);
    std::string fault_what(const tock::ProcessFaulted& f, const MemoryMap& map,
                           const std::optional<MpuDeniedEvent>& d) const;
    void kernel_message(Picos t, const tock::KernelMessage& k);
    std::string name(int proc) const;
    std::string region_role(const MapMpuRegion& r, int proc) const;
    MemoryMap map_now(int proc) const;

    const IsolationTracker& tracker_;
    tock::MemoryReader read_;
    SymbolLookup symbols_;
    std::function<std::string(std::uint32_t)> symbolize_;
    Sink out_;
    ExplainOptions options_;
    std::size_t disassembler_ = 0;          // capstone handle (csh), 0 when unavailable
    std::optional<MpuDeniedEvent> denied_;  // the refusal behind the next fault
    // A switch is told after the start it causes (so its MPU lines know the new break).
    std::optional<std::pair<Picos, tock::ContextSwitch>> pending_switch_;
    std::map<int, std::optional<MpuConfigEvent>> shown_mpu_;  // last MPU printed per process
    std::map<int, std::map<std::uint32_t, std::string>> upcall_names_;  // fn -> "alarm #0"
    std::set<int> loaded_;
};

}  // namespace tockemu::explain
