// Whole-system benchmarks: a Tock kernel with apps, run for a fixed virtual time. Each workload
// runs on our kernel and, side by side, on a kernel given by path (--kernel, default: upstream
// Tock's Hail kernel from ../shared/upstream when it is there). The reference is the real Hail,
// which runs one virtual second per second; the report is virtual seconds per wall second
// ("x real time"), emulated MIPS, and for the system-call loops round trips per wall second.
//   spin     bench_spin (no system calls; the kernel preempts it every timeslice)
//   whileone upstream libtock-c's whileone, when ../shared/upstream is there
//   yield    bench_yield: yield-no-wait in a loop
//   syscall  bench_syscall: command(LED, 0) in a loop
//   mix      4 apps: blink, a timer app, an IPC service and its client (console output)
// Benchmarks measure; they never fail a build.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "emu/board/hail_board.hpp"
#include "emu/cli/bench.hpp"
#include "emu/cpu/uc_fastpath.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu::cli {

namespace {
namespace fs = std::filesystem;

struct Workload {
    std::string name;
    std::vector<fs::path> apps;
    Picos virtual_time;
    std::string counted;  // console lines "<counted> N" report N calls so far
};

struct SystemRun {
    bool ok = false;
    std::string error;
    double wall = 0;
    double virtual_seconds = 0;
    std::uint64_t instructions = 0;
    std::uint64_t calls = 0;  // from the last "<counted> N" line
};

SystemRun run_system(const fs::path& kernel, const Workload& w) {
    SystemRun r;
    try {
        Machine m;
        m.load_elf(kernel);
        for (const auto& a : w.apps) m.load_app(a);
        std::string line;
        m.board().set_uart_sink(HailBoard::kConsoleUsart, [&](std::uint8_t b) {
            if (b != '\n') {
                line.push_back(static_cast<char>(b));
                return;
            }
            if (!w.counted.empty() && line.starts_with(w.counted + " "))
                r.calls = std::strtoull(line.c_str() + w.counted.size() + 1, nullptr, 10);
            line.clear();
        });
        m.reset();
        const std::uint64_t t0 = now_ns();
        const RunResult res = m.run_until(w.virtual_time);
        r.wall = seconds_since(t0);
        r.instructions = m.instructions();
        r.virtual_seconds = static_cast<double>(m.clock().now()) / kPicosPerSecond;
        if (res.reason != StopReason::TimeLimit) {
            r.error = fmt::format("stopped early: {}", res.message);
            return r;
        }
        r.ok = true;
    } catch (const std::exception& e) {
        r.error = e.what();
    }
    return r;
}

std::optional<fs::path> upstream_dir() {
    if (const char* e = std::getenv("TOCKEMU_UPSTREAM_DIR")) return fs::path(e);
    const fs::path d = fs::path(TOCKEMU_SOURCE_DIR) / ".." / "shared" / "upstream";
    if (fs::exists(d / "hail.elf")) return d;
    return std::nullopt;
}

int bench_system(const BenchOptions& o) {
    const fs::path fw = TOCKEMU_FIRMWARE_DIR;
    const fs::path ours = fw / "kernel" / "hail_kernel.elf";
    const auto up = upstream_dir();
    fs::path other = o.kernel;
    if (other.empty() && up) other = *up / "hail.elf";
    auto app = [&](const char* name) { return fw / "apps" / fmt::format("{}.tbf", name); };
    std::vector<Workload> loads = {
        {"spin", {app("bench_spin")}, 10 * kPicosPerSecond, ""},
        {"yield", {app("bench_yield")}, kPicosPerSecond, "yield"},
        {"syscall", {app("bench_syscall")}, kPicosPerSecond, "command"},
    };
    if (up && fs::exists(*up / "apps" / "whileone.tbf"))
        loads.insert(loads.begin() + 1,
                     {"whileone", {*up / "apps" / "whileone.tbf"}, 10 * kPicosPerSecond, ""});
    loads.push_back(
        {"mix",
         {app("blink"), app("timer_stress"), app("ipc_rot13_service"), app("ipc_rot13_client")},
         5 * kPicosPerSecond,
         ""});
    for (const auto& w : loads)
        for (const auto& a : w.apps)
            if (!fs::exists(a)) {
                fmt::print(stderr, "tockemu bench system: {} not found (build the firmware)\n",
                           a.string());
                return 2;
            }
    std::vector<std::pair<std::string, fs::path>> kernels = {{"ours", ours}};
    if (!other.empty()) kernels.emplace_back(o.kernel.empty() ? "upstream" : "given", other);

    fmt::print(
        "System benchmark: virtual seconds per wall second (the real Hail: 1.0x), best "
        "of {}\n",
        std::max(1u, o.repeat));
    fmt::print("  {:<9} {:<9} {:>8} {:>9} {:>12} {:>8} {:>14}\n", "kernel", "workload", "virtual",
               "wall", "x real time", "MIPS", "calls/wall s");
    for (const auto& w : loads) {
        for (const auto& [kname, kpath] : kernels) {
            std::optional<SystemRun> best;
            for (unsigned i = 0; i < std::max(1u, o.repeat); ++i) {
                SystemRun r = run_system(kpath, w);
                if (!r.ok) {
                    fmt::print("  {:<9} {:<9} failed: {}\n", kname, w.name, r.error);
                    best.reset();
                    break;
                }
                if (!best || r.wall < best->wall) best = r;
            }
            if (!best) continue;
            const std::string calls =
                w.counted.empty() ? "" : fmt::format("{:.0f}", best->calls / best->wall);
            fmt::print("  {:<9} {:<9} {:>7.1f}s {:>8.3f}s {:>11.1f}x {:>8.1f} {:>14}\n", kname,
                       w.name, best->virtual_seconds, best->wall,
                       best->virtual_seconds / best->wall, best->instructions / best->wall / 1e6,
                       calls);
        }
    }
    fmt::print("  targets: upstream + whileone >= 20x, yield >= 5x, syscall >= 1000000 calls/s\n");
    return 0;
}

}  // namespace

TOCKEMU_BENCHMARK("system",
                  "whole Tock systems (our kernel and --kernel/upstream): spin, yield, syscall, "
                  "4-app mix",
                  bench_system);

}  // namespace tockemu::cli
