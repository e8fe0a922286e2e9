// MPU benchmarks: what enforcing the MPU costs.
//
//  - The same memory-heavy loop (tests/firmware/mpu/mpu_bench.c: a load and a store every 7
//    instructions) run privileged with the MPU off, privileged with a Tock-like MPU configured,
//    and unprivileged under that configuration. Reported in emulated MIPS (wall time around
//    Machine::run_until only) and as ratios to the first; targets: unprivileged >= 0.9x,
//    privileged with the MPU on 1.0x (kernel code must not pay for the MPU), and each at least
//    0.5x of QEMU running the same image.
//  - The cost of one Mpu::check() on a Tock process configuration.
// Registered as `tockemu bench mpu` (emu/cli/bench.hpp).
// Benchmarks measure; they never fail a build. The exit status is non-zero only when an image
// is missing or does not complete with the expected checksum.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "emu/cli/bench.hpp"
#include "emu/machine/machine.hpp"
#include "emu/mpu/mpu.hpp"

namespace tockemu::cli {

namespace {
using WallClock = std::chrono::steady_clock;

struct ImageRun {
    bool ok = false;
    std::string error;
    std::string output;  // semihosting text ("mpu_bench mode N checksum 0x...")
    std::uint64_t instructions = 0;
    double seconds = 0;
};

ImageRun run_image(const std::filesystem::path& elf) {
    ImageRun run;
    try {
        Machine m;
        m.load_elf(elf);
        m.set_semihosting_output([&](int, std::string_view text) { run.output.append(text); });
        m.reset();
        const auto t0 = WallClock::now();
        const RunResult r = m.run_until(100 * kPicosPerSecond);
        run.seconds = std::chrono::duration<double>(WallClock::now() - t0).count();
        run.instructions = m.instructions();
        if (r.reason != StopReason::SemihostingExit || r.exit_code != 0) {
            run.error = fmt::format("{} did not exit cleanly (exit code {}, {})", elf.string(),
                                    r.exit_code, r.message);
            return run;
        }
        run.ok = true;
    } catch (const std::exception& e) {
        run.error = fmt::format("{}: {}", elf.string(), e.what());
    }
    return run;
}

// The checksum part of an image's output: all three modes must compute the same value.
std::string checksum_of(const std::string& output) {
    const auto at = output.find("checksum ");
    return at == std::string::npos ? std::string() : output.substr(at + 9, 10);
}

// ns per Mpu::check() on Tock's process layout (RAM region with kernel-owned sub-regions,
// flash region), for a loop that stays in one interval and one that alternates RAM/flash.
std::pair<double, double> check_cost() {
    Mpu mpu;
    mpu.write(Mpu::kRbar, 0x20004000 | Mpu::kRbarValid | 0);
    mpu.write(Mpu::kRasr, (1u << 28) | (3u << 24) | (0xC0u << 8) | (12u << 1) | 1u);
    mpu.write(Mpu::kRbar, 0x00030000 | Mpu::kRbarValid | 2);
    mpu.write(Mpu::kRasr, (2u << 24) | (13u << 1) | 1u);
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena);
    constexpr std::uint32_t kChecks = 20'000'000;
    volatile std::uint32_t sink = 0;
    auto time_loop = [&](auto address_of) {
        std::uint32_t allowed = 0;
        const auto t0 = WallClock::now();
        for (std::uint32_t i = 0; i < kChecks; ++i)
            allowed += mpu.check(address_of(i), AccessKind::Read, false, 256).allowed;
        const double s = std::chrono::duration<double>(WallClock::now() - t0).count();
        sink = sink + allowed;
        return s / kChecks * 1e9;
    };
    const double same = time_loop([](std::uint32_t i) { return 0x20004000u + (i & 0x3FFu) * 4; });
    const double alternating = time_loop([](std::uint32_t i) {
        return (i & 1u) ? 0x20004000u + (i & 0x3FFu) : 0x00030000u + (i & 0xFFFu);
    });
    return {same, alternating};
}

// The same images on qemu-system-arm -M mps2-an386, which runs them as they are (its MPU is
// enforced too). Start-up is taken as that of bench_crc32.elf with one iteration.
void qemu_reference(const std::filesystem::path& dir, const std::vector<ImageRun>& ours) {
    const QemuRun start =
        run_qemu(dir / "bench_crc32.elf", "-device loader,addr=0x20008000,data=1,data-len=4");
    for (unsigned mode : {0u, 2u}) {
        const QemuRun q = run_qemu(dir / fmt::format("mpu_bench_{}.elf", mode), "");
        if (!q.ok || checksum_of(q.output) != checksum_of(ours[mode].output)) {
            fmt::print("  qemu mode {}: failed or printed something else: {}\n", mode, q.output);
            continue;
        }
        const double secs = std::max(q.seconds - (start.ok ? start.seconds : 0.0), 1e-6);
        const double qmips = ours[mode].instructions / secs / 1e6;
        const double mips = ours[mode].instructions / ours[mode].seconds / 1e6;
        fmt::print(
            "  qemu (TCG) {:<11} {:8.1f} MIPS  {:6.3f} s  tockemu/qemu = {:.2f}x  "
            "(target >= 0.5x)\n",
            mode == 0 ? "privileged" : "unprivil.", qmips, secs, mips / qmips);
    }
}

// `tockemu bench mpu`. The images' iteration count is fixed at build time (179.7 M
// instructions each), so --iterations does not apply.
int bench_mpu(const BenchOptions& options) {
    const unsigned repeat = std::max(1u, options.repeat);
    const std::filesystem::path dir = options.firmware_dir;
    static constexpr const char* kModes[3] = {"privileged, MPU off", "privileged, MPU on",
                                              "unprivileged, MPU on"};
    std::vector<ImageRun> best(3);
    for (unsigned round = 0; round < repeat; ++round) {
        for (unsigned mode = 0; mode < 3; ++mode) {  // interleaved: noise hits all modes alike
            const auto elf = dir / fmt::format("mpu_bench_{}.elf", mode);
            ImageRun run = run_image(elf);
            if (!run.ok) {
                fmt::print(stderr, "tockemu bench mpu: {}\n", run.error);
                return 1;
            }
            if (!best[mode].ok || run.seconds < best[mode].seconds) best[mode] = run;
        }
    }
    const std::string sum = checksum_of(best[0].output);
    for (const ImageRun& run : best) {
        if (sum.empty() || checksum_of(run.output) != sum) {
            fmt::print(stderr, "tockemu bench mpu: checksums differ: {} / {} / {}\n",
                       best[0].output, best[1].output, best[2].output);
            return 1;
        }
    }

    auto mips = [](const ImageRun& r) { return r.instructions / r.seconds / 1e6; };
    fmt::print("MPU benchmark: memory-heavy loop, {:.1f} M instructions, best of {}\n",
               best[0].instructions / 1e6, repeat);
    for (unsigned mode = 0; mode < 3; ++mode) {
        fmt::print("  {:<22} {:8.1f} MIPS  {:6.3f} s", kModes[mode], mips(best[mode]),
                   best[mode].seconds);
        if (mode == 1) fmt::print("  {:.2f}x  (target 1.0x)", mips(best[1]) / mips(best[0]));
        if (mode == 2) fmt::print("  {:.2f}x  (target >= 0.9x)", mips(best[2]) / mips(best[0]));
        fmt::print("\n");
    }
    if (options.qemu) qemu_reference(dir, best);
    const auto [same, alternating] = check_cost();
    fmt::print(
        "  Mpu::check()           {:.1f} ns same interval, {:.1f} ns alternating RAM/flash\n", same,
        alternating);
    return 0;
}

}  // namespace

TOCKEMU_BENCHMARK("mpu", "memory-heavy loop: unprivileged under the MPU vs privileged, MPU on/off",
                  bench_mpu);

}  // namespace tockemu::cli
