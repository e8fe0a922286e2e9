#pragma once
// Tock's process console (capsules/core/src/process_console.rs; tock-abi.md §7.6): a line
// shell on the console UART mux that inspects and controls processes. Scenarios use it to stop,
// start and restart processes.
//
// Starts 100 ms after boot (as on Hail) by printing the prompt "tock$ ". Input is read one byte
// at a time and echoed; backspace/DEL erase; CR or LF ends a line (CR LF counts once). The line
// buffer holds 64 bytes. Up/down arrows (ESC [ A / ESC [ B) walk a 10-entry command history, as
// upstream; other escape sequences are ignored.
//
// Commands: help status list stop start fault boot terminate process kernel reset panic
// console-start console-stop. Output goes through the kernel debug writer (kprintf), which the
// same mux drains, so it stays ordered with the kernel's own messages and fault reports.
#include <cstddef>
#include <cstdint>

#include "hil/time.hpp"
#include "hil/uart.hpp"

namespace capsules {

class ProcessConsole final : public hil::ReceiveClient, public hil::AlarmClient {
  public:
    static constexpr std::size_t kLineSize = 64;
    static constexpr std::size_t kHistorySize = 10;

    ProcessConsole(hil::Uart& uart, hil::Alarm& alarm) : uart_(uart), alarm_(alarm) {}

    // Arms the 100 ms start-up alarm.
    void start();

    void received_buffer(std::uint8_t* buffer, std::size_t length, hil::Status status) override;
    void alarm_fired() override;

  private:
    void receive_next();
    void handle_byte(std::uint8_t c);
    void execute();
    void prompt();
    void handle_escape(std::uint8_t c);
    void remember_line();
    // Replaces the line being edited (on the terminal too) with history entry `age` (0 = newest).
    void recall(std::size_t age);
    void list();
    void status();
    // Runs `action` on the process named by the command argument; reports a missing name.
    template <typename F>
    void with_process(const char* arg, std::size_t arg_len, F&& action);

    hil::Uart& uart_;
    hil::Alarm& alarm_;
    std::uint8_t rx_byte_ = 0;
    char line_[kLineSize] = {};
    std::size_t line_len_ = 0;
    bool last_was_cr_ = false;
    enum class Escape : std::uint8_t { kNone, kGotEsc, kGotBracket };
    Escape escape_ = Escape::kNone;
    struct HistoryEntry {
        char text[kLineSize];
        std::size_t len;
    };
    HistoryEntry history_[kHistorySize] = {};
    std::size_t history_count_ = 0;   // entries stored (at most kHistorySize)
    std::size_t history_newest_ = 0;  // index of the newest entry
    std::size_t browse_ = 0;          // 0 = editing a new line, n = showing the n-th newest entry
    bool hibernating_ = false;        // after console-stop: only console-start is accepted
    bool started_ = false;
};

}  // namespace capsules
