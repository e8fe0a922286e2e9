#pragma once
// Explain mode on a Machine: one object that owns its own Tock view (fed from the machine's event
// hub, like the trace's), the IsolationTracker and, when asked, the narrated ExplainLog. Used by
// `tockemu boot --explain`, `tockemu run --explain` (through scenario::RunOptions::attach) and
// `tockemu map`. Observation only: the run is the same with or without it.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emu/explain/explain_log.hpp"
#include "emu/explain/isolation_state.hpp"
#include "emu/explain/memory_map.hpp"
#include "emu/machine/machine.hpp"
#include "emu/tock/tock_view.hpp"

namespace tockemu::explain {

class ExplainSession {
  public:
    using TockListener = std::function<void(const tock::TockEvent&)>;

    // Call after the kernel and apps are loaded (the view reads the TBFs in app flash), before
    // the run. `log` may be empty: then only the tracker runs (for maps).
    ExplainSession(Machine& machine, ExplainLog::Sink log, ExplainOptions options = {});
    ~ExplainSession();
    ExplainSession(const ExplainSession&) = delete;
    ExplainSession& operator=(const ExplainSession&) = delete;

    // Called after the tracker and the log have seen each Tock event (e.g. to draw a map at
    // every context switch).
    void add_listener(TockListener l) { listeners_.push_back(std::move(l)); }
    // The map now (stack high-water marks scanned first, when the machine is still there).
    MemoryMap map(int proc = -1);
    // Writes the end-of-run lines of the log: finish() at the machine's time, after the last
    // stack scans; finish(end_time) touches no machine (call take_final_readings() first while
    // the machine still exists, e.g. from scenario::RunOptions::finished).
    void finish();
    void finish(Picos end_time);
    void take_final_readings();
    // The machine is gone (the scenario runner owns it and destroys it at the end of a run):
    // drop the reference; only finish(end_time) and the accessors may be used afterwards.
    void forget_machine() { machine_ = nullptr; }

    // When the log shares a terminal with a UART's output: a log line that arrives while that
    // UART is mid-line waits until the line is finished, so neither is cut in two.
    void interleave_with_console(unsigned usart);

    const tock::TockView& view() const { return view_; }
    const IsolationTracker& tracker() const { return tracker_; }

  private:
    Machine* machine_;
    tock::TockView view_;
    IsolationTracker tracker_;
    std::unique_ptr<ExplainLog> log_;
    std::vector<TockListener> listeners_;
    EventHub::Handle subscription_ = 0;
    void write(std::string_view line);
    void on_console(const Event& e);
    ExplainLog::Sink sink_;
    std::optional<unsigned> console_;
    bool console_mid_line_ = false;
    bool console_line_ended_ = false;  // '\n' published; it is written right after the event
    std::string held_;
};

// The machine's symbol table as the map wants it.
SymbolLookup machine_symbols(const Machine& machine);

// `--explain` in one call: a session writing its log to `out` (whole lines), interleaved with
// the console UART's lines. Keep the returned object alive for the run; finish() at the end.
std::unique_ptr<ExplainSession> install_explain(Machine& machine, ExplainLog::Sink out,
                                                ExplainOptions options = {});

// The same, writing to stdout (flushed per line, so the log keeps pace with the console).
std::unique_ptr<ExplainSession> install_explain_on_stdout(Machine& machine,
                                                          ExplainOptions options = {});

// `--explain` for runs whose machine someone else owns (the scenario runner): attacher() goes
// into scenario::RunOptions::attach; after the run, text() is the whole log with its end line.
class DeferredExplain {
  public:
    explicit DeferredExplain(ExplainOptions options = {}) : options_(options) {}
    std::function<void(Machine&)> attacher();
    std::function<void(Machine&)> finisher();  // for scenario::RunOptions::finished
    std::string text(Picos end_time);

  private:
    ExplainOptions options_;
    std::string log_;
    std::unique_ptr<ExplainSession> session_;
};

}  // namespace tockemu::explain
