#include "emu/cli/console_io.hpp"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tockemu::cli {

StdinKind classify_stdin() {
    if (isatty(STDIN_FILENO)) return StdinKind::Terminal;
    struct stat st {};
    if (fstat(STDIN_FILENO, &st) != 0) return StdinKind::None;
    // A pipe or a file ends; a socket or a device (/dev/null reads as empty anyway) may not.
    return (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode)) ? StdinKind::Stream : StdinKind::None;
}

std::vector<std::uint8_t> read_all_stdin() {
    std::vector<std::uint8_t> data;
    std::uint8_t buf[4096];
    for (;;) {
        const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n > 0) {
            data.insert(data.end(), buf, buf + n);
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    return data;
}

RawTerminal::RawTerminal() {
    termios t{};
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t) != 0) return;
    saved_.resize(sizeof t);
    std::memcpy(saved_.data(), &t, sizeof t);
    t.c_iflag &=
        ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
}

RawTerminal::~RawTerminal() {
    if (!active_) return;
    termios t{};
    std::memcpy(&t, saved_.data(), sizeof t);
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

void EscapeDecoder::feed(std::uint8_t byte, Actions& out) {
    switch (state_) {
        case State::Normal:
            if (byte == kEscapeKey)
                state_ = State::Escape;
            else
                out.to_guest.push_back(byte);
            return;
        case State::Button:
            state_ = State::Normal;
            if (byte >= '0' && byte <= '9') out.press_button = static_cast<unsigned>(byte - '0');
            return;  // anything else cancels
        case State::Escape:
            state_ = State::Normal;
            switch (byte) {
                case 'x':
                case 'X':
                    out.quit = true;
                    return;
                case 'h':
                case 'H':
                case '?':
                    out.help = true;
                    return;
                case 'b':
                case 'B':
                    state_ = State::Button;
                    return;
                case kEscapeKey:
                    out.to_guest.push_back(kEscapeKey);
                    return;
                default:
                    return;  // unknown command: ignored, as QEMU does
            }
    }
}

std::string escape_help() {
    return "\ntockemu: Ctrl-A x    quit\n"
           "         Ctrl-A b N  press button N for 100 ms (the Hail has button 0)\n"
           "         Ctrl-A h    this help\n"
           "         Ctrl-A Ctrl-A  send Ctrl-A to the guest\n";
}

}  // namespace tockemu::cli
