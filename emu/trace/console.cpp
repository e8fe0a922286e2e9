#include "emu/trace/console.hpp"

namespace tockemu::trace {

void ConsoleCapture::on_byte(Picos time, std::uint8_t byte) {
    text_ += static_cast<char>(byte);
    times_.push_back(time);
    if (byte == '\n') {
        if (!line_.empty() && line_.back() == '\r') line_.pop_back();
        for (const auto& l : line_listeners_) l(time, line_);
        line_.clear();
    } else {
        line_ += static_cast<char>(byte);
    }
}

void ConsoleCapture::flush(Picos time) {
    if (line_.empty()) return;
    for (const auto& l : line_listeners_) l(time, line_);
    line_.clear();
}

std::string ConsoleCapture::normalized() const {
    std::string out;
    out.reserve(text_.size());
    for (char c : text_)
        if (c != '\r') out += c;
    return out;
}

}  // namespace tockemu::trace
