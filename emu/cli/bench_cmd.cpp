// `tockemu bench [NAME...] [--iterations N] [--no-qemu] [--repeat N] [--firmware-dir DIR]`
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "emu/cli/bench.hpp"
#include "emu/cli/command.hpp"
#include "emu/cpu/uc_fastpath.hpp"

namespace tockemu::cli {

namespace {
std::vector<Benchmark>& bench_registry() {
    static std::vector<Benchmark> r;
    return r;
}

int bench(const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    BenchOptions o;
    std::string dir = std::string(TOCKEMU_FIRMWARE_DIR) + "/tests/firmware";
    std::vector<std::string> names;
    po::options_description opts(
        "usage: tockemu bench [NAME ...] [options]\n\n"
        "Runs CPU-bound firmware on tockemu (deterministic clock on) and, for reference, on\n"
        "qemu-system-arm -M mps2-an386 plain and with -icount shift=0; prints MIPS and ratios.\n\n"
        "options");
    opts.add_options()("help,h", "this help")("list", "list the benchmarks")(
        "iterations", po::value(&o.iterations), "loop iterations (default: ~200M instructions)")(
        "no-qemu", "skip the QEMU reference runs")(
        "repeat", po::value(&o.repeat), "runs per configuration, best reported (default 1)")(
        "firmware-dir", po::value(&dir), "directory holding bench_*.elf")(
        "kernel", po::value(&o.kernel),
        "system: a Tock kernel ELF to run beside ours (default: ../shared/upstream/hail.elf)")(
        "name", po::value(&names)->composing(), "benchmarks to run (default: all)");
    po::positional_options_description pos;
    pos.add("name", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        fmt::print(stderr, "tockemu bench: {}\n", e.what());
        return 2;
    }
    auto list = bench_registry();
    std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.name < b.name; });
    if (vm.count("help")) {
        std::cout << opts << "\n";
        return 0;
    }
    if (vm.count("list")) {
        for (const auto& b : list) fmt::print("{:<12} {}\n", b.name, b.summary);
        return 0;
    }
    o.firmware_dir = dir;
    o.qemu = !vm.count("no-qemu");
    if (o.repeat == 0) o.repeat = 1;
    fmt::print("{}\n", ucfast::status().text);
    int status = 0;
    for (const auto& b : list) {
        if (!names.empty() && std::find(names.begin(), names.end(), b.name) == names.end())
            continue;
        if (const int s = b.run(o); s != 0) status = s;
    }
    for (const auto& n : names) {
        if (std::none_of(list.begin(), list.end(), [&](auto& b) { return b.name == n; })) {
            fmt::print(stderr, "tockemu bench: unknown benchmark '{}' (see --list)\n", n);
            status = 2;
        }
    }
    return status;
}
}  // namespace

bool register_benchmark(const Benchmark& b) {
    bench_registry().push_back(b);
    return true;
}
const std::vector<Benchmark>& benchmarks() {
    return bench_registry();
}

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}
QemuRun run_qemu(const std::filesystem::path& elf, const std::string& extra_args) {
    QemuRun r;
    const std::string cmd = fmt::format(
        "qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none {} "
        "-semihosting-config enable=on,target=native -kernel '{}' 2>&1",
        extra_args, elf.string());
    const std::uint64_t t0 = now_ns();
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    r.ok = pclose(p) == 0;
    r.seconds = seconds_since(t0);
    return r;
}

double seconds_since(std::uint64_t start_ns) {
    return static_cast<double>(now_ns() - start_ns) / 1e9;
}

TOCKEMU_COMMAND("bench", "measure emulation speed (MIPS) against QEMU", bench);

}  // namespace tockemu::cli
