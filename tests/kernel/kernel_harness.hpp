#pragma once
// Boots our Hail kernel with apps in tockemu and records what a user could observe: console bytes
// (USART0), LED pin changes with their virtual time, and the kernel's ITM events.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "emu/board/hail_board.hpp"
#include "emu/core/events.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu::kerneltest {

inline std::filesystem::path firmware(const std::string& rel) {
    return std::filesystem::path(TOCKEMU_FIRMWARE_DIR) / rel;
}
inline std::filesystem::path kernel_elf() {
    return firmware("kernel/hail_kernel.elf");
}
inline std::filesystem::path app_tbf(const std::string& name) {
    return firmware("apps/" + name + ".tbf");
}

struct LedChange {
    Picos time;
    unsigned pin;
    bool level;
};

// One decoded kernel event from ITM port 0 (docs/0005-kernel.md).
// ITM event types (kernel/core/events.hpp).
enum : unsigned {
    kEvBoot = 1,
    kEvProcessLoaded = 2,
    kEvGrantAlloc = 3,
    kEvGrantNoMem = 4,
    kEvProcessFault = 5,
    kEvPolicyDecision = 6,
    kEvProcessTerminated = 7,
    kEvPanic = 8,
};
// Fault policies (kernel/core/board_config.hpp).
enum : std::uint32_t {
    kPolicyPanic = 0,
    kPolicyStop = 1,
    kPolicyRestart = 2,
    kPolicyThresholdRestartThenStop = 3,
    kPolicyThresholdRestartThenPanic = 4,
};

struct KernelRecord {
    unsigned type;
    std::vector<std::uint32_t> words;
};

class KernelRun {
  public:
    // `kernel` overrides the kernel ELF (default: the one this build made).
    explicit KernelRun(const std::vector<std::string>& apps, const std::string& kernel = "") {
        machine_.load_elf(kernel.empty() ? kernel_elf() : std::filesystem::path(kernel));
        for (const auto& a : apps) machine_.load_app(app_tbf(a));
        hook();
        machine_.reset();
    }

    // Patches the board config block before reset (policy numbers as in board_config.hpp).
    void set_fault_policy(std::uint32_t policy, std::uint32_t threshold) {
        auto base = machine_.symbol("tockemu_board_config");
        if (!base) throw std::runtime_error("kernel has no tockemu_board_config symbol");
        std::uint8_t bytes[8];
        for (int i = 0; i < 4; ++i) {
            bytes[i] = static_cast<std::uint8_t>(policy >> (8 * i));
            bytes[4 + i] = static_cast<std::uint8_t>(threshold >> (8 * i));
        }
        machine_.write_memory(*base + 8, bytes);
        machine_.reset();
        console_.clear();
        leds_.clear();
        records_.clear();
    }

    RunResult run_ms(std::uint64_t ms) {
        last_ = machine_.run_until(machine_.clock().now() + picos_from_ms(ms));
        return last_;
    }

    // Runs until `text` appears on the console or `max_ms` of virtual time passed.
    bool run_until_console(const std::string& text, std::uint64_t max_ms) {
        for (std::uint64_t t = 0; t < max_ms; t += 10) {
            if (console_.find(text) != std::string::npos) return true;
            last_ = machine_.run_until(machine_.clock().now() + picos_from_ms(10));
            if (last_.reason != StopReason::TimeLimit) break;
        }
        return console_.find(text) != std::string::npos;
    }

    const std::string& console() const { return console_; }
    const std::vector<LedChange>& leds() const { return leds_; }
    std::vector<KernelRecord> records() const { return records_; }
    std::vector<KernelRecord> records_of(unsigned type) const {
        std::vector<KernelRecord> out;
        for (const auto& r : records_)
            if (r.type == type) out.push_back(r);
        return out;
    }
    std::size_t count(const std::string& text) const {
        std::size_t n = 0;
        for (auto pos = console_.find(text); pos != std::string::npos;
             pos = console_.find(text, pos + text.size()))
            ++n;
        return n;
    }
    // LED changes on one pin (13 red, 15 green, 14 blue) after virtual time `from`.
    std::vector<LedChange> led_changes(unsigned pin, Picos from = 0) const {
        std::vector<LedChange> out;
        for (const auto& c : leds_)
            if (c.pin == pin && c.time >= from) out.push_back(c);
        return out;
    }
    Machine& machine() { return machine_; }
    const RunResult& last() const { return last_; }

  private:
    void hook() {
        machine_.board().set_uart_sink(HailBoard::kConsoleUsart,
                                       [this](std::uint8_t b) { console_.push_back(char(b)); });
        machine_.events().subscribe([this](const Event& e) {
            if (auto* g = std::get_if<GpioEvent>(&e.payload)) {
                if (g->port == 0 && g->output && (g->pin == 13 || g->pin == 14 || g->pin == 15)) {
                    leds_.push_back({e.time, g->pin, g->level});
                }
            } else if (auto* k = std::get_if<KernelEvent>(&e.payload)) {
                on_itm(*k);
            }
        });
    }

    void on_itm(const KernelEvent& k) {
        if (k.port != 0 || k.payload.size() != 4) return;
        std::uint32_t w = 0;
        for (int i = 0; i < 4; ++i) w |= std::uint32_t(k.payload[i]) << (8 * i);
        if (pending_words_ == 0) {
            current_ = KernelRecord{w >> 16, {}};
            pending_words_ = w & 0xFFFF;
            if (pending_words_ == 0) records_.push_back(current_);
            return;
        }
        current_.words.push_back(w);
        if (--pending_words_ == 0) records_.push_back(current_);
    }

    Machine machine_;
    std::string console_;
    std::vector<LedChange> leds_;
    std::vector<KernelRecord> records_;
    KernelRecord current_;
    unsigned pending_words_ = 0;
    RunResult last_;
};

}  // namespace tockemu::kerneltest
