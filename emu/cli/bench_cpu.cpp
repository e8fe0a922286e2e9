// CPU benchmarks: CRC-32 (memory-bound) and xorshift (ALU-bound) firmware, ~200M instructions
// each. tockemu runs with its deterministic clock (block-hook instruction counting) on; the same
// image runs on qemu-system-arm -M mps2-an386 plain (TCG) and with -icount shift=0 (QEMU's
// deterministic mode). QEMU MIPS = tockemu's retired-instruction count over QEMU's run time
// minus its start-up time (a run of the same image with 1 iteration).
#include <array>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "emu/cli/bench.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu::cli {

namespace {
constexpr std::uint32_t kIterationsAddr = 0x20008000;

struct Measured {
    double seconds = 0;
    std::uint64_t instructions = 0;
    std::string output;
    bool ok = false;
};

Measured run_tockemu(const std::filesystem::path& elf, std::uint32_t iterations) {
    Measured r;
    Machine m;
    m.set_semihosting_output([&](int, std::string_view t) { r.output.append(t); });
    m.load_elf(elf);
    m.reset();
    const std::array<std::uint8_t, 4> it{
        static_cast<std::uint8_t>(iterations), static_cast<std::uint8_t>(iterations >> 8),
        static_cast<std::uint8_t>(iterations >> 16), static_cast<std::uint8_t>(iterations >> 24)};
    m.write_memory(kIterationsAddr, it);
    const std::uint64_t t0 = now_ns();
    const RunResult res = m.run_until(UINT64_MAX);
    r.seconds = seconds_since(t0);
    r.instructions = m.instructions();
    r.ok = res.reason == StopReason::SemihostingExit && res.exit_code == 0;
    return r;
}

Measured run_qemu_loop(const std::filesystem::path& elf, std::uint32_t iterations, bool icount) {
    const QemuRun q =
        run_qemu(elf, fmt::format("{} -device loader,addr={:#x},data={},data-len=4",
                                  icount ? "-icount shift=0" : "", kIterationsAddr, iterations));
    Measured r;
    r.seconds = q.seconds;
    r.output = q.output;
    r.ok = q.ok;
    return r;
}

template <class F>
Measured best_of(unsigned repeat, F f) {
    Measured best;
    for (unsigned i = 0; i < repeat; ++i) {
        Measured m = f();
        if (i == 0 || m.seconds < best.seconds) best = m;
    }
    return best;
}

int run_loop(const BenchOptions& o, const char* image, std::uint32_t default_iterations) {
    const auto elf = o.firmware_dir / fmt::format("bench_{}.elf", image);
    if (!std::filesystem::exists(elf)) {
        fmt::print(stderr, "bench {}: {} not found (build the firmware, or --firmware-dir)\n",
                   image, elf.string());
        return 2;
    }
    const auto iterations =
        static_cast<std::uint32_t>(o.iterations ? o.iterations : default_iterations);
    const Measured ours = best_of(o.repeat, [&] { return run_tockemu(elf, iterations); });
    if (!ours.ok) {
        fmt::print(stderr, "bench {}: the firmware did not finish on tockemu\n", image);
        return 1;
    }
    const double mips = static_cast<double>(ours.instructions) / ours.seconds / 1e6;
    fmt::print("{}: {} iterations, {} instructions\n", image, iterations, ours.instructions);
    fmt::print("  tockemu (deterministic clock)   {:8.3f} s  {:8.1f} MIPS\n", ours.seconds, mips);
    if (!o.qemu) return 0;
    for (const bool icount : {false, true}) {
        const Measured start = best_of(o.repeat, [&] { return run_qemu_loop(elf, 1, icount); });
        const Measured q =
            best_of(o.repeat, [&] { return run_qemu_loop(elf, iterations, icount); });
        if (!q.ok || q.output != ours.output) {
            fmt::print("  qemu {:<26} failed or printed something else:\n{}\n",
                       icount ? "-icount shift=0" : "(TCG)", q.output);
            continue;
        }
        const double secs = std::max(q.seconds - start.seconds, 1e-6);
        const double qmips = static_cast<double>(ours.instructions) / secs / 1e6;
        fmt::print(
            "  qemu {:<26} {:8.3f} s  {:8.1f} MIPS  (start-up {:.3f} s)  tockemu/qemu = {:.2f}x\n",
            icount ? "-icount shift=0" : "(TCG)", secs, qmips, start.seconds, mips / qmips);
    }
    return 0;
}

int bench_crc32(const BenchOptions& o) {
    return run_loop(o, "crc32", 7000);
}
int bench_xorshift(const BenchOptions& o) {
    return run_loop(o, "xorshift", 33'000'000);
}
}  // namespace

TOCKEMU_BENCHMARK("crc32", "memory-bound CRC-32 table loop (~200M instructions)", bench_crc32);
TOCKEMU_BENCHMARK("xorshift", "ALU-bound xorshift32 loop (~200M instructions)", bench_xorshift);

}  // namespace tockemu::cli
