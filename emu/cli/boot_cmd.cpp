// `tockemu boot`: boots the SAM4L Hail machine with a kernel (and apps) and runs it until the
// guest exits through semihosting, the core locks up, or the virtual-time limit.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/program_options.hpp>

#include "emu/board/hail_board.hpp"
#include "emu/cli/command.hpp"
#include "emu/cli/console_io.hpp"
#include "emu/explain/session.hpp"
#include "emu/gdb/cli_options.hpp"
#include "emu/machine/duration.hpp"
#include "emu/machine/machine.hpp"
#include "emu/mpu/mpu_trace.hpp"

namespace tockemu::cli {

namespace {
namespace po = boost::program_options;

constexpr Picos kMillisecond = 1'000'000'000;

// --leds: one line per change of the Hail's LEDs (active low: PA13 red, PA14 blue, PA15 green).
class LedPrinter {
  public:
    explicit LedPrinter(Machine& m) {
        m.events().subscribe([this](const Event& e) {
            const auto* g = std::get_if<GpioEvent>(&e.payload);
            if (!g || !g->output || g->port != 0 || g->pin < 13 || g->pin > 15) return;
            static constexpr const char* kNames[] = {"red", "blue", "green"};
            if (!at_line_start) std::fputc('\n', stdout);
            fmt::print("[{:>12.6f} s] LED {} {}\n", static_cast<double>(e.time) / 1e12,
                       kNames[g->pin - 13], g->level ? "off" : "on");
            std::fflush(stdout);
            at_line_start = true;
        });
    }
    bool at_line_start = true;  // the console's last byte ended a line
};

void press_button(Machine& m, unsigned n) {
    if (n != 0) {
        fmt::print("\ntockemu: the Hail has one button (0), not {}\n", n);
        return;
    }
    m.board().set_gpio_input(HailBoard::kButtonPort, HailBoard::kButtonPin, false);
    m.clock().schedule_in(
        100 * kMillisecond,
        [&m] { m.board().set_gpio_input(HailBoard::kButtonPort, HailBoard::kButtonPin, true); },
        "console button release");
}

// Piped stdin, typed as a patient person would: the characters of a line back to back (one
// per frame time, the USART's pace), the next line once the console has been quiet for 10 ms
// (upstream Tock's process console mixes up input that arrives while it is still answering).
// Everything is decided in virtual time, so the same input gives the same run.
class PipedInput {
  public:
    explicit PipedInput(Machine& m) : m_(m) {}
    void start(std::vector<std::uint8_t> bytes, Picos at) {
        for (std::size_t i = 0; i < bytes.size();) {
            std::size_t end = i;
            while (end < bytes.size() && bytes[end] != '\r' && bytes[end] != '\n') ++end;
            while (end < bytes.size() && (bytes[end] == '\r' || bytes[end] == '\n')) ++end;
            lines_.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(i),
                                bytes.begin() + static_cast<std::ptrdiff_t>(end));
            i = end;
        }
        if (!lines_.empty())
            m_.clock().schedule_in(
                at, [this] { next(); }, "piped console input");
    }
    void console_wrote() { last_output_ = m_.clock().now(); }

  private:
    void next() {
        const Picos quiet_until = last_output_ + kQuiet;
        if (sent_ > 0 && m_.clock().now() < quiet_until) {
            m_.clock().schedule_in(
                quiet_until - m_.clock().now(), [this] { next(); }, "piped console input");
            return;
        }
        m_.board().inject_uart_rx(HailBoard::kConsoleUsart, lines_[sent_]);
        last_output_ = m_.clock().now();
        if (++sent_ < lines_.size())
            m_.clock().schedule_in(
                kQuiet, [this] { next(); }, "piped console input");
    }
    static constexpr Picos kQuiet = 10 * kMillisecond;
    Machine& m_;
    std::vector<std::vector<std::uint8_t>> lines_;
    std::size_t sent_ = 0;
    Picos last_output_ = 0;
};

// A person at the keyboard: 10 ms slices of virtual time, each held back until the wall clock
// has caught up (at most 1x), with the keys typed meanwhile going to the console or, after
// Ctrl-A, to the escape commands. Wall-clock time only paces; it never enters the machine.
RunResult run_interactive(Machine& m, Picos limit) {
    using Clock = std::chrono::steady_clock;
    const RawTerminal raw;
    EscapeDecoder keys;
    const auto wall0 = Clock::now();
    const Picos virtual0 = m.clock().now();
    bool stdin_open = true;
    for (;;) {
        const Picos now = m.clock().now();
        const Picos slice_end = limit - now > 10 * kMillisecond ? now + 10 * kMillisecond : limit;
        RunResult r = m.run_until(slice_end);
        if (r.reason != StopReason::TimeLimit || m.clock().now() >= limit) return r;
        const auto due = wall0 + std::chrono::nanoseconds((m.clock().now() - virtual0) / 1000);
        do {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now());
            const int timeout = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
            if (!stdin_open) {
                std::this_thread::sleep_until(due);
                break;
            }
            pollfd p{STDIN_FILENO, POLLIN, 0};
            if (poll(&p, 1, timeout) <= 0) continue;
            std::uint8_t buf[256];
            const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
            if (n <= 0) {
                stdin_open = false;
                continue;
            }
            EscapeDecoder::Actions a;
            for (ssize_t i = 0; i < n; ++i) keys.feed(buf[i], a);
            if (!a.to_guest.empty()) m.board().inject_uart_rx(HailBoard::kConsoleUsart, a.to_guest);
            if (a.help) {
                fmt::print("{}", escape_help());
                std::fflush(stdout);
            }
            if (a.press_button) press_button(m, *a.press_button);
            if (a.quit) return {StopReason::Requested, 0, "quit (Ctrl-A x)"};
        } while (Clock::now() < due);
    }
}

int boot(const std::vector<std::string>& args) {
    std::string kernel, flash, time = "10s";
    std::vector<std::string> apps;
    std::uint64_t core_hz = 48'000'000;
    po::options_description opts(
        "usage: tockemu boot --kernel FILE.elf [--app FILE.tbf ...] [--flash FILE.bin]\n"
        "                    [--time DURATION] [--core-hz N] [--explain] [--trace-mpu]\n"
        "                    [--leds] [--realtime | --no-input] [--input-at DURATION]\n"
        "                    [--gdb PORT | -s] [-S]\n\n"
        "Boots the SAM4L Hail machine. Console (USART0) and semihosting output go to stdout.\n"
        "stdin feeds the console's RX line. Piped or from a file: line by line from\n"
        "--input-at on, each line once the console has been quiet for 10 ms (deterministic).\n"
        "From a terminal: as typed, virtual time paced to wall-clock time, no time limit\n"
        "unless --time is given; Ctrl-A h lists the commands, Ctrl-A x quits.\n"
        "Exit status: the semihosting exit code; 0 when the time limit is reached or on Ctrl-A x;\n"
        "non-zero with a message on lockup or bad input.\n\noptions");
    opts.add_options()("help,h", "this help")("kernel", po::value(&kernel),
                                              "kernel (or bare-metal firmware) ELF")(
        "app", po::value(&apps)->composing(), "app TBF or TAB, placed from 0x30000 (repeatable)")(
        "flash", po::value(&flash), "raw flash image loaded at 0x0 (e.g. a bootloader)")(
        "time", po::value(&time), "virtual-time limit, e.g. 500ms, 2s, 10us (default 10s)")(
        "core-hz", po::value(&core_hz), "initial core clock in Hz (default 48000000)")(
        "explain", "narrate what matters for isolation on stdout, one line per event (docs/lab/)")(
        "trace-mpu",
        "print every MPU configuration the guest installs and every access the MPU "
        "refuses, as readable tables, on stderr")(
        "leds", "print each change of the LEDs with its virtual time")(
        "realtime",
        "interactive: pace virtual time to at most 1x wall-clock time and pass keys to the "
        "console as they come (on by default when stdin is a terminal)")("no-input",
                                                                         "do not read stdin")(
        "input-at", po::value<std::string>(),
        "when piped stdin starts to reach the console's RX line (default 100ms of virtual "
        "time); each further line follows once the console has been quiet for 10 ms");
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
    const StdinKind input = vm.count("no-input") ? StdinKind::None : classify_stdin();
    // Interactive when a person is there: stdin and stdout both terminals (a test capturing
    // stdout from a terminal session is not), or asked for.
    const bool interactive =
        !gdb_options.enabled() &&
        (vm.count("realtime") || (input == StdinKind::Terminal && isatty(STDOUT_FILENO)));
    Picos limit = 0, input_at = 100 * kMillisecond;
    try {
        limit = parse_duration(time);
        if (interactive && !vm.count("time")) limit = std::numeric_limits<Picos>::max();
        if (vm.count("input-at")) input_at = parse_duration(vm["input-at"].as<std::string>());
    } catch (const DurationError& e) {
        fmt::print(stderr, "tockemu boot: --time/--input-at: {}\n", e.what());
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
    std::unique_ptr<LedPrinter> leds;
    if (vm.count("leds")) leds = std::make_unique<LedPrinter>(m);
    PipedInput piped(m);
    m.board().set_uart_sink(HailBoard::kConsoleUsart, [&leds, &piped, interactive](std::uint8_t b) {
        piped.console_wrote();
        std::fputc(b, stdout);
        if (b == '\n' || interactive) std::fflush(stdout);
        if (leds) leds->at_line_start = b == '\n';
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
    if (input == StdinKind::Stream && !interactive) piped.start(read_all_stdin(), input_at);
    RunResult r;
    try {
        r = interactive ? run_interactive(m, limit) : gdb::run_with_gdb(m, gdb_options, limit);
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
        case StopReason::Requested:
            if (interactive) return 0;  // Ctrl-A x
            fmt::print(stderr, "tockemu boot: stopped ({})\n", r.message);
            return 4;
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
