#pragma once
// Boots our Hail kernel with apps from the firmware build in tockemu and records what a user
// sees: console bytes (USART0). Console input and the button are driven through the board.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "emu/board/hail_board.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu::apptest {

inline std::filesystem::path firmware(const std::string& rel) {
    return std::filesystem::path(TOCKEMU_FIRMWARE_DIR) / rel;
}
inline std::filesystem::path app(const std::string& name) {
    return firmware("apps/" + name + ".tbf");
}

// Kernel fault policies as the kernel's board config block numbers them (docs/0005-kernel.md).
inline constexpr std::uint32_t kPolicyStop = 1;

class AppRun {
  public:
    // `apps` are TBF/TAB paths; the kernel is the firmware build's hail_kernel.elf.
    explicit AppRun(const std::vector<std::filesystem::path>& apps) {
        machine_.load_elf(firmware("kernel/hail_kernel.elf"));
        for (const auto& a : apps) machine_.load_app(a);
        machine_.board().set_uart_sink(HailBoard::kConsoleUsart,
                                       [this](std::uint8_t b) { console_.push_back(char(b)); });
        machine_.reset();
    }

    // Faulting apps are stopped instead of restarted, so their report is not interleaved with
    // the restarted app's output.
    void stop_faulting_apps() {
        auto base = machine_.symbol("tockemu_board_config");
        if (!base) throw std::runtime_error("kernel has no tockemu_board_config symbol");
        const std::uint8_t policy[4] = {kPolicyStop, 0, 0, 0};
        machine_.write_memory(*base + 8, policy);
        machine_.reset();
        console_.clear();
    }

    // Runs until `text` is on the console (true) or `max_ms` of virtual time passed (false).
    bool wait_for(const std::string& text, std::uint64_t max_ms) {
        const Picos end = machine_.clock().now() + picos_from_ms(max_ms);
        while (console_.find(text) == std::string::npos) {
            if (machine_.clock().now() >= end) return false;
            const RunResult r =
                machine_.run_until(std::min(end, machine_.clock().now() + picos_from_ms(5)));
            if (r.reason != StopReason::TimeLimit) {
                stop_ = r;
                return console_.find(text) != std::string::npos;
            }
        }
        return true;
    }

    void run_ms(std::uint64_t ms) {
        const RunResult r = machine_.run_until(machine_.clock().now() + picos_from_ms(ms));
        if (r.reason != StopReason::TimeLimit) stop_ = r;
    }

    void type(const std::string& text) {
        machine_.board().inject_uart_rx(
            HailBoard::kConsoleUsart,
            std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    }

    void set_button(bool pressed) {
        // Active low: the pin reads 0 while the button is held.
        machine_.board().set_gpio_input(HailBoard::kButtonPort, HailBoard::kButtonPin, !pressed);
    }

    std::size_t count(const std::string& text) const {
        std::size_t n = 0;
        for (auto p = console_.find(text); p != std::string::npos; p = console_.find(text, p + 1))
            ++n;
        return n;
    }
    bool has(const std::string& text) const { return console_.find(text) != std::string::npos; }
    const std::string& console() const { return console_; }
    // Set when the machine stopped for anything but the time limit (lockup, ...).
    const std::optional<RunResult>& abnormal_stop() const { return stop_; }
    Machine& machine() { return machine_; }

  private:
    Machine machine_;
    std::string console_;
    std::optional<RunResult> stop_;
};

}  // namespace tockemu::apptest
