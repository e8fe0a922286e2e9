// `tockemu boot`: boots the SAM4L Hail machine with a kernel (and apps) and runs it until the
// guest exits through semihosting, the core locks up, or the virtual-time limit.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/program_options.hpp>

#include "emu/board/hail_board.hpp"
#include "emu/cli/command.hpp"
#include "emu/explain/session.hpp"
#include "emu/gdb/cli_options.hpp"
#include "emu/machine/duration.hpp"
#include "emu/machine/machine.hpp"
#include "emu/mpu/mpu_trace.hpp"

namespace tockemu::cli {

namespace {
namespace po = boost::program_options;

int boot(const std::vector<std::string>& args) {
    std::string kernel, flash, time = "10s";
    std::vector<std::string> apps;
    std::uint64_t core_hz = 48'000'000;
    po::options_description opts(
        "usage: tockemu boot --kernel FILE.elf [--app FILE.tbf ...] [--flash FILE.bin]\n"
        "                    [--time DURATION] [--core-hz N] [--explain] [--trace-mpu]\n"
        "                    [--gdb PORT | -s] [-S]\n\n"
        "Boots the SAM4L Hail machine. Console (USART0) and semihosting output go to stdout.\n"
        "Exit status: the semihosting exit code; 0 when the time limit is reached; non-zero with\n"
        "a message on lockup or bad input.\n\noptions");
    opts.add_options()("help,h", "this help")("kernel", po::value(&kernel),
                                              "kernel (or bare-metal firmware) ELF")(
        "app", po::value(&apps)->composing(), "app TBF or TAB, placed from 0x30000 (repeatable)")(
        "flash", po::value(&flash), "raw flash image loaded at 0x0 (e.g. a bootloader)")(
        "time", po::value(&time), "virtual-time limit, e.g. 500ms, 2s, 10us (default 10s)")(
        "core-hz", po::value(&core_hz), "initial core clock in Hz (default 48000000)")(
        "explain", "narrate what matters for isolation on stdout, one line per event (docs/lab/)")(
        "trace-mpu",
        "print every MPU configuration the guest installs and every access the MPU "
        "refuses, as readable tables, on stderr");
    gdb::GdbCliOptions gdb_options;  // --gdb PORT, -s, -S (emu/gdb/cli_options.hpp)
    gdb::add_gdb_options(opts, gdb_options);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(opts).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        fmt::print(stderr, "tockemu boot: {}\n", e.what());
        std::cerr << opts << "\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts << "\n";
        return 0;
    }
    if (kernel.empty() && flash.empty()) {
        fmt::print(stderr, "tockemu boot: --kernel FILE.elf (or --flash FILE.bin) is required\n");
        return 2;
    }
    Picos limit = 0;
    try {
        limit = parse_duration(time);
    } catch (const DurationError& e) {
        fmt::print(stderr, "tockemu boot: --time: {}\n", e.what());
        return 2;
    }
    if (core_hz == 0) {
        fmt::print(stderr, "tockemu boot: --core-hz must be non-zero\n");
        return 2;
    }

    MachineConfig config;
    config.core_hz = core_hz;
    Machine m(config);
    try {
        if (!flash.empty()) m.load_flash_image(flash);
        if (!kernel.empty()) m.load_elf(kernel);
        for (const auto& a : apps) m.load_app(a);
    } catch (const LoadError& e) {
        fmt::print(stderr, "tockemu boot: {}\n", e.what());
        return 2;
    }
    m.board().set_uart_sink(HailBoard::kConsoleUsart, [](std::uint8_t b) {
        std::fputc(b, stdout);
        if (b == '\n') std::fflush(stdout);
    });
    m.set_semihosting_output([](int fd, std::string_view text) {
        std::FILE* f = fd == 2 ? stderr : stdout;
        std::fwrite(text.data(), 1, text.size(), f);
        std::fflush(f);
    });
    const auto explainer = vm.count("explain") ? explain::install_explain_on_stdout(m) : nullptr;
    // On stderr: on stdout the tables would interleave with console output mid-line.
    const auto flush_mpu_trace =
        vm.count("trace-mpu")
            ? install_mpu_trace(
                  m.events(),
                  [](std::string_view text) { std::fwrite(text.data(), 1, text.size(), stderr); })
            : std::function<void()>{};
    m.reset();
    RunResult r;
    try {
        r = gdb::run_with_gdb(m, gdb_options, limit);
    } catch (const gdb::ServerError& e) {
        fmt::print(stderr, "tockemu boot: {}\n", e.what());
        return 2;
    }
    if (explainer) explainer->finish();
    if (flush_mpu_trace) flush_mpu_trace();
    std::fflush(stdout);
    spdlog::info("stopped after {} instructions at {} ps of virtual time, pc={:#010x} {}",
                 m.instructions(), m.clock().now(), m.reg(CoreReg::PC),
                 m.symbolize(m.reg(CoreReg::PC)));
    switch (r.reason) {
        case StopReason::SemihostingExit:
            return r.exit_code;
        case StopReason::TimeLimit:
            return 0;
        case StopReason::Lockup:
            fmt::print(stderr, "tockemu boot: {}\n", r.message);
            return 3;
        default:
            fmt::print(stderr, "tockemu boot: stopped ({})\n", r.message);
            return 4;
    }
}
}  // namespace

TOCKEMU_COMMAND("boot", "boot the Hail machine with a kernel ELF and apps", boot);

}  // namespace tockemu::cli
