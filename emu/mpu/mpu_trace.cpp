// Human-readable MPU trace (see mpu_trace.hpp).
#include "emu/mpu/mpu_trace.hpp"

#include <fmt/format.h>

#include <memory>
#include <variant>

#include "emu/mpu/mpu.hpp"
#include "emu/mpu/mpu_explain.hpp"

namespace tockemu {

namespace {

bool same_config(const MpuConfigEvent& a, const MpuConfigEvent& b) {
    return a.ctrl == b.ctrl && a.rbar == b.rbar && a.rasr == b.rasr;
}

}  // namespace

std::string MpuTracePrinter::stamp(Picos time, std::uint64_t instructions) {
    return fmt::format("[{:>12.6f} ms #{}]", static_cast<double>(time) / 1e9, instructions);
}

void MpuTracePrinter::print_pending() {
    if (!pending_) return;
    const Event e = *pending_;
    pending_.reset();
    const auto& config = std::get<MpuConfigEvent>(e.payload);
    // A disabled MPU protects nothing: kernels switch it off while they run and while they
    // rewrite the regions, so those intermediate states are not news.
    if (!(config.ctrl & Mpu::kCtrlEnable)) return;
    if (printed_ && same_config(*printed_, config)) return;
    printed_ = config;
    out_(fmt::format("{} MPU configuration in effect:\n{}", stamp(e.time, e.instructions),
                     format_mpu_config(config)));
}

void MpuTracePrinter::on_event(const Event& e) {
    if (std::holds_alternative<MpuConfigEvent>(e.payload)) {
        pending_ = e;
        return;
    }
    print_pending();
    if (const auto* denied = std::get_if<MpuDeniedEvent>(&e.payload))
        out_(fmt::format("{} {}\n", stamp(e.time, e.instructions), format_mpu_denied(*denied)));
}

void MpuTracePrinter::flush() {
    print_pending();
}

std::function<void()> install_mpu_trace(EventHub& hub, MpuTracePrinter::Sink out) {
    auto printer = std::make_shared<MpuTracePrinter>(std::move(out));
    hub.subscribe([printer](const Event& e) { printer->on_event(e); });
    return [printer] { printer->flush(); };
}

}  // namespace tockemu
