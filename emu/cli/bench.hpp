#pragma once
// `tockemu bench`: a registry of benchmarks, like the command registry. Each benchmark lives in
// its own file (bench_cpu.cpp: CPU loops vs QEMU; bench_mpu.cpp: MPU enforcement) and registers
// itself with TOCKEMU_BENCHMARK(...). Benchmarks measure host time: they are not tests.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tockemu::cli {

struct BenchOptions {
    std::filesystem::path firmware_dir;  // where bench_*.elf live
    std::uint64_t iterations = 0;        // 0 = each benchmark's default (~200M instructions)
    bool qemu = true;                    // also run the reference on QEMU
    unsigned repeat = 1;                 // runs per configuration (best is reported)
    std::filesystem::path kernel;        // `system`: a kernel to compare with ours
};

using BenchFn = int (*)(const BenchOptions& options);

struct Benchmark {
    std::string_view name;
    std::string_view summary;
    BenchFn run;
};

bool register_benchmark(const Benchmark& b);
const std::vector<Benchmark>& benchmarks();

// Helpers shared by benchmark files.
struct QemuRun {
    bool ok = false;     // exited with status 0
    double seconds = 0;  // wall time, start-up included
    std::string output;  // what it printed (semihosting, stderr)
};
// Runs `elf` on qemu-system-arm -M mps2-an386 with semihosting and `extra_args`.
QemuRun run_qemu(const std::filesystem::path& elf, const std::string& extra_args);
double seconds_since(std::uint64_t start_ns);
std::uint64_t now_ns();  // host monotonic clock (benchmarks only; never used in emulation)

}  // namespace tockemu::cli

#define TOCKEMU_BENCH_CONCAT2(a, b) a##b
#define TOCKEMU_BENCH_CONCAT(a, b) TOCKEMU_BENCH_CONCAT2(a, b)
#define TOCKEMU_BENCHMARK(name, summary, fn)                                          \
    static const bool TOCKEMU_BENCH_CONCAT(tockemu_benchmark_registered_, __LINE__) = \
        ::tockemu::cli::register_benchmark({name, summary, fn})
