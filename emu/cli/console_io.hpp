// The host side of `tockemu boot`'s console (issue 19): what stdin feeds the console USART,
// and the interactive mode for a person at a terminal.
//
//  - stdin a pipe or a file: read to its end before the machine starts and queued on USART0's
//    RX line, where the USART model delivers one character per frame time (115200 8N1: 86.8 us).
//    Same input, same run: it stays deterministic.
//  - stdin a terminal (or --realtime): raw mode, virtual time paced to at most 1x wall-clock
//    time, keys go to the guest as they are typed, and Ctrl-A starts a command as in QEMU:
//    Ctrl-A x quits, Ctrl-A h helps, Ctrl-A b N presses button N (the Hail has button 0),
//    Ctrl-A Ctrl-A sends Ctrl-A.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tockemu::cli {

enum class StdinKind { Terminal, Stream, None };
StdinKind classify_stdin();

// All of stdin (a pipe or a file), or nothing when it cannot be read.
std::vector<std::uint8_t> read_all_stdin();

// The terminal in raw mode (no echo, no line editing, no signals from keys) while this lives;
// output processing stays on so that the guest's "\n" still starts a new line.
class RawTerminal {
  public:
    RawTerminal();
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;
    bool active() const { return active_; }

  private:
    bool active_ = false;
    std::vector<unsigned char> saved_;  // struct termios, opaque here
};

// Turns typed bytes into guest input and escape commands.
class EscapeDecoder {
  public:
    struct Actions {
        std::vector<std::uint8_t> to_guest;
        bool quit = false, help = false;
        std::optional<unsigned> press_button;
    };
    void feed(std::uint8_t byte, Actions& out);

  private:
    enum class State { Normal, Escape, Button } state_ = State::Normal;
};

constexpr std::uint8_t kEscapeKey = 0x01;  // Ctrl-A
std::string escape_help();

}  // namespace tockemu::cli
