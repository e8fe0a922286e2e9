#pragma once
// The GDB server: a TCP listener (loopback by default), one debugger connection at a time, and
// the run loop that drives the Machine while a debugger is attached.
//
// Determinism: the machine runs in slices (an instruction budget and a virtual-time budget);
// the socket is polled only between slices, so a Ctrl-C decides only *when* we stop, at a
// translation-block boundary, never what the guest computes. Without a debugger attached the
// loop also only looks for a new connection between slices. Attaching stops the guest (as
// QEMU's gdbstub does); detaching lets it run on.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "emu/gdb/engine.hpp"
#include "emu/gdb/machine_target.hpp"
#include "emu/gdb/wire.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu::gdb {

struct ServerOptions {
    std::uint16_t port = 1234;  // 0: let the system choose (printed on stderr)
    std::string listen_address = "127.0.0.1";
    bool wait_for_debugger = false;  // -S: no instruction runs before a debugger resumes
    // Told where we listen (the CLI prints it; tests read it).
    std::function<void(const std::string& address, std::uint16_t port)> on_listening;
    // Told when a second debugger was turned away (one connection at a time).
    std::function<void()> on_refused;
};

struct ServerError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Server {
  public:
    // Binds and listens; throws ServerError (bad address, port in use).
    Server(Machine& machine, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const { return port_; }
    // Runs the machine until the virtual-time `deadline`, a semihosting exit, a lockup with no
    // debugger attached, or a debugger's kill. With a debugger attached, reaching the deadline
    // or locking up is reported to it (SIGXCPU, SIGSEGV) and the run ends when it detaches.
    RunResult run(Picos deadline);

  private:
    enum class Serve { Resume, Detached, Killed };
    bool accept_connection(bool block);
    void close_connection();
    Serve serve_until_resume();
    bool poll_interrupt();
    void refuse_second_debugger();
    bool read_some(int timeout_ms);
    void send_packet(const std::string& payload);
    void send_raw(const std::string& bytes);
    void report(const StopEvent& stop);
    StopEvent stop_from(const RunResult& r, Picos deadline);
    // The run's time limit: single steps of a sleeping core wait for their wake-up event no
    // further than a free run would go.
    Picos deadline_ = ~Picos{0};

    Machine& m_;
    ServerOptions options_;
    MachineTarget target_;
    Engine engine_;
    int listen_fd_ = -1;
    int conn_fd_ = -1;
    std::uint16_t port_ = 0;
    FrameDecoder decoder_;
    std::deque<Frame> inbox_;
    std::string last_sent_;
    std::optional<RunResult> finished_;  // the guest exited while single-stepped
};

// Slice budgets of the debugged run loop (host responsiveness vs. restart cost).
inline constexpr std::uint64_t kSliceInstructions = 1u << 20;
inline constexpr Picos kSliceTime = 10'000'000'000;  // 10 ms of virtual time

}  // namespace tockemu::gdb
