#include "emu/explain/session.hpp"

#include <cstdio>

namespace tockemu::explain {

namespace {
constexpr unsigned kConsoleUsart = 0;  // HailBoard::kConsoleUsart (USART0)
}  // namespace

SymbolLookup machine_symbols(const Machine& machine) {
    return [&machine](const std::string& name) { return machine.symbol(name); };
}

ExplainSession::ExplainSession(Machine& machine, ExplainLog::Sink log, ExplainOptions options)
    : machine_(&machine),
      view_([&machine](std::uint32_t a, std::span<std::uint8_t> out) {
          return machine.read_memory(a, out);
      }),
      tracker_(view_,
               [&machine](std::uint32_t a, std::span<std::uint8_t> out) {
                   return machine.read_memory(a, out);
               }),
      sink_(std::move(log)) {
    if (const auto s = machine.symbol("_sstack"), e = machine.symbol("_estack"); s && e)
        tracker_.set_kernel_stack(*s, *e);
    if (sink_)
        log_ = std::make_unique<ExplainLog>(
            tracker_,
            [&machine](std::uint32_t a, std::span<std::uint8_t> out) {
                return machine.read_memory(a, out);
            },
            machine_symbols(machine), [this](std::string_view line) { write(line); }, options);
    if (log_) log_->set_symbolizer([&machine](std::uint32_t a) { return machine.symbolize(a); });
    view_.add_listener([this](const tock::TockEvent& e) {
        tracker_.on_tock(e);
        if (log_) log_->on_tock(e);
        for (const auto& l : listeners_) l(e);
    });
    view_.scan_apps();
    // The log sees a machine event before the view turns it into Tock events: an MPU refusal
    // then precedes the fault it explains.
    subscription_ = machine.events().subscribe([this](const Event& e) {
        if (console_) on_console(e);
        tracker_.on_machine(e);
        if (log_) log_->on_machine(e);
        view_.on_event(e);
    });
}

ExplainSession::~ExplainSession() {
    if (machine_) machine_->events().unsubscribe(subscription_);
}

MemoryMap ExplainSession::map(int proc) {
    if (!machine_) return capture_memory_map(tracker_, {}, 0, 0, proc);
    take_final_readings();
    return capture_memory_map(tracker_, machine_symbols(*machine_), machine_->clock().now(),
                              machine_->instructions(), proc);
}

void ExplainSession::finish() {
    if (!machine_) return;
    take_final_readings();
    finish(machine_->clock().now());
}

void ExplainSession::take_final_readings() {
    if (machine_) tracker_.take_final_readings();
}

void ExplainSession::finish(Picos end_time) {
    if (log_) log_->finish(end_time);
    if (!held_.empty() && sink_) sink_((console_mid_line_ ? "\n" : "") + held_);
    held_.clear();
}

void ExplainSession::interleave_with_console(unsigned usart) {
    console_ = usart;
}

void ExplainSession::write(std::string_view line) {
    if (console_mid_line_ || console_line_ended_)
        held_ += line;
    else
        sink_(line);
}

// Publication precedes the UART sink's write, so the '\n' is on the terminal only once the
// next event of any kind arrives: the held lines go out then.
void ExplainSession::on_console(const Event& e) {
    if (console_line_ended_) {
        console_line_ended_ = false;
        if (!held_.empty()) sink_(held_);
        held_.clear();
    }
    const auto* tx = std::get_if<UartTxEvent>(&e.payload);
    if (!tx || tx->usart != *console_) return;
    console_mid_line_ = tx->byte != '\n';
    console_line_ended_ = tx->byte == '\n';
}

std::unique_ptr<ExplainSession> install_explain(Machine& machine, ExplainLog::Sink out,
                                                ExplainOptions options) {
    auto session = std::make_unique<ExplainSession>(machine, std::move(out), options);
    session->interleave_with_console(kConsoleUsart);
    return session;
}

std::unique_ptr<ExplainSession> install_explain_on_stdout(Machine& machine,
                                                          ExplainOptions options) {
    return install_explain(
        machine,
        [](std::string_view line) {
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fflush(stdout);
        },
        options);
}

std::function<void(Machine&)> DeferredExplain::attacher() {
    return [this](Machine& m) {
        session_ = std::make_unique<ExplainSession>(
            m, [this](std::string_view line) { log_ += line; }, options_);
    };
}

std::function<void(Machine&)> DeferredExplain::finisher() {
    return [this](Machine&) {
        if (session_) session_->take_final_readings();
    };
}

std::string DeferredExplain::text(Picos end_time) {
    if (session_) {
        session_->forget_machine();  // the runner's machine is gone by now
        session_->finish(end_time);
        session_.reset();
    }
    return std::move(log_);
}

}  // namespace tockemu::explain
