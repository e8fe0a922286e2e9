#pragma once
// Once-per-message notes for the I/O models (USART, SPI, PDCA). STYLE.md keeps guest errors
// (the program did something the datasheet forbids or that loses data) and model gaps (the guest
// used something we do not model) on separate channels: spdlog loggers "guest" and "model" when
// the host registered them, debug level otherwise. Each distinct message is logged once per
// model instance, so a polling loop cannot flood the log.
#include <set>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

class OnceLog {
  public:
    explicit OnceLog(std::string who) : who_(std::move(who)) {}
    // `what` must be a string literal (it is kept as the key).
    void guest_error(std::string_view what) { note("guest", what); }
    void model_gap(std::string_view what) { note("model", what); }

  private:
    void note(const char* channel, std::string_view what) {
        if (!seen_.insert(what).second) return;
        if (auto log = spdlog::get(channel)) {
            log->info("{}: {}", who_, what);
        } else {
            spdlog::debug("[{}] {}: {}", channel, who_, what);
        }
    }

    std::string who_;
    std::set<std::string_view> seen_;
};

}  // namespace tockemu::sam4l
