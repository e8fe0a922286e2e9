#pragma once
// Human-readable MPU trace (`tockemu boot --trace-mpu`): every denied access as a sentence and
// every MPU configuration that takes effect as a table.
//
// Kernels reprogram the MPU one register at a time (Tock: CTRL off, 8 x RBAR/RASR, CTRL on on
// every context switch), and the machine publishes an MpuConfigEvent for each write. Printing
// each would bury the one table that matters, so a configuration is held back until something
// else happens (the process runs, an access is denied, a fault is raised) and printed only if
// it differs from the last one printed. Observation only: nothing here changes the run.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "emu/core/events.hpp"

namespace tockemu {

class MpuTracePrinter {
  public:
    using Sink = std::function<void(std::string_view)>;
    explicit MpuTracePrinter(Sink out) : out_(std::move(out)) {}

    void on_event(const Event& e);
    void flush();  // print a held-back configuration (end of run)

  private:
    void print_pending();
    static std::string stamp(Picos time, std::uint64_t instructions);

    Sink out_;
    std::optional<Event> pending_;  // latest MpuConfigEvent not yet printed
    std::optional<MpuConfigEvent> printed_;
};

// Subscribes a printer to `hub`; `out` receives complete lines (with '\n'). The printer lives
// as long as the subscription. Call the returned flush function at the end of the run.
std::function<void()> install_mpu_trace(EventHub& hub, MpuTracePrinter::Sink out);

}  // namespace tockemu
