#include "emu/explain/session.hpp"

namespace tockemu::explain {

SymbolLookup machine_symbols(const Machine& machine) {
    return [&machine](const std::string& name) { return machine.symbol(name); };
}

ExplainSession::ExplainSession(Machine& machine, ExplainLog::Sink log, ExplainOptions options)
    : machine_(&machine),
      view_([&machine](std::uint32_t a, std::span<std::uint8_t> out) {
          return machine.read_memory(a, out);
      }),
      tracker_(view_) {
    if (log)
        log_ = std::make_unique<ExplainLog>(
            tracker_,
            [&machine](std::uint32_t a, std::span<std::uint8_t> out) {
                return machine.read_memory(a, out);
            },
            machine_symbols(machine), std::move(log), options);
    view_.add_listener([this](const tock::TockEvent& e) {
        tracker_.on_tock(e);
        if (log_) log_->on_tock(e);
        for (const auto& l : listeners_) l(e);
    });
    view_.scan_apps();
    // The log sees a machine event before the view turns it into Tock events: an MPU refusal
    // then precedes the fault it explains.
    subscription_ = machine.events().subscribe([this](const Event& e) {
        tracker_.on_machine(e);
        if (log_) log_->on_machine(e);
        view_.on_event(e);
    });
}

ExplainSession::~ExplainSession() {
    if (machine_) machine_->events().unsubscribe(subscription_);
}

MemoryMap ExplainSession::map(int proc) const {
    if (!machine_) return capture_memory_map(tracker_, {}, 0, 0, proc);
    return capture_memory_map(tracker_, machine_symbols(*machine_), machine_->clock().now(),
                              machine_->instructions(), proc);
}

void ExplainSession::finish() {
    if (machine_) finish(machine_->clock().now());
}

void ExplainSession::finish(Picos end_time) {
    if (log_) log_->finish(end_time);
}

std::unique_ptr<ExplainSession> install_explain(Machine& machine, ExplainLog::Sink out,
                                                ExplainOptions options) {
    return std::make_unique<ExplainSession>(machine, std::move(out), options);
}

}  // namespace tockemu::explain
