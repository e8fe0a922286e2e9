// `tockemu`: global options (--version, --help, -v/--log-level), then one subcommand.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "emu/cli/command.hpp"

namespace tockemu::cli {

namespace {
std::vector<Command>& registry() {
    static std::vector<Command> r;
    return r;
}

void print_help() {
    fmt::print(
        "tockemu {} - the Tock OS on an emulated SAM4L (Hail) Cortex-M4 with MPU\n\n"
        "usage: tockemu [--log-level LEVEL | -v] <command> [options]\n"
        "       tockemu <command> --help\n\ncommands:\n",
        TOCKEMU_VERSION);
    auto cmds = registry();
    std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (const auto& c : cmds) fmt::print("  {:<10} {}\n", c.name, c.summary);
    fmt::print(
        "\nglobal options:\n  --version            print the version\n"
        "  -v, --verbose        more logging (repeat for more)\n"
        "  --log-level LEVEL    trace|debug|info|warn|error|off (default warn)\n");
}

// Diagnostics go to stderr so that guest console output on stdout stays clean.
void setup_logging(spdlog::level::level_enum level) {
    auto logger = spdlog::stderr_color_mt("tockemu");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("[%l] %v");
    spdlog::set_level(level);
    // Separate channels: guest errors vs. model gaps (STYLE.md).
    spdlog::stderr_color_mt("guest")->set_level(level);
    spdlog::stderr_color_mt("model")->set_level(level);
}
}  // namespace

bool register_command(const Command& command) {
    registry().push_back(command);
    return true;
}

const std::vector<Command>& commands() { return registry(); }

}  // namespace tockemu::cli

int main(int argc, char** argv) {
    using namespace tockemu::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    auto level = spdlog::level::warn;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--version") {
            fmt::print("tockemu {}\n", TOCKEMU_VERSION);
            return 0;
        } else if (a == "--help" || a == "-h") {
            print_help();
            return 0;
        } else if (a == "-v" || a == "--verbose") {
            level = level == spdlog::level::warn ? spdlog::level::info : spdlog::level::debug;
        } else if (a == "-vv") {
            level = spdlog::level::debug;
        } else if (a == "--log-level" && i + 1 < args.size()) {
            level = spdlog::level::from_str(args[++i]);
            if (level == spdlog::level::off && args[i] != "off") {
                fmt::print(stderr, "tockemu: unknown log level '{}'\n", args[i]);
                return 2;
            }
        } else {
            break;
        }
    }
    setup_logging(level);
    if (i == args.size()) {
        print_help();
        return 2;
    }
    const auto& cmds = commands();
    auto it = std::find_if(cmds.begin(), cmds.end(), [&](auto& c) { return c.name == args[i]; });
    if (it == cmds.end()) {
        fmt::print(stderr, "tockemu: unknown command '{}' (see tockemu --help)\n", args[i]);
        return 2;
    }
    std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
    try {
        return it->run(rest);
    } catch (const std::exception& e) {
        fmt::print(stderr, "tockemu {}: error: {}\n", it->name, e.what());
        return 1;
    }
}
