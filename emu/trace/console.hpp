#pragma once
// What the guest printed on a UART, with the virtual time of every byte, so that "the console
// printed X before 200 ms" can be answered exactly: the time of a match is the time its last
// byte left the UART.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "emu/core/clock.hpp"

namespace tockemu::trace {

class ConsoleCapture {
  public:
    using LineListener = std::function<void(Picos time, std::string_view line)>;

    void on_byte(Picos time, std::uint8_t byte);
    // Emits the unterminated last line, if any (end of run).
    void flush(Picos time);
    void on_line(LineListener l) { line_listeners_.push_back(std::move(l)); }

    const std::string& text() const { return text_; }
    // Time the byte at `offset` of text() was sent; 0 for an offset past the end.
    Picos time_of(std::size_t offset) const { return offset < times_.size() ? times_[offset] : 0; }
    // Text with "\r\n" folded to "\n" and other '\r' dropped, as a terminal shows it.
    std::string normalized() const;

  private:
    std::string text_;
    std::vector<Picos> times_;
    std::string line_;
    std::vector<LineListener> line_listeners_;
};

}  // namespace tockemu::trace
