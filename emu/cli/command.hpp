#pragma once
// Subcommands of `tockemu`. Each command lives in its own file under emu/cli/ and registers
// itself with a static TOCKEMU_COMMAND(...) line, so adding one never touches main.cpp.
// A command parses its own options (Boost.Program_options) and returns the process exit status.
#include <string>
#include <string_view>
#include <vector>

namespace tockemu::cli {

using CommandFn = int (*)(const std::vector<std::string>& args);

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for `tockemu --help`
    CommandFn run;
};

bool register_command(const Command& command);
const std::vector<Command>& commands();

}  // namespace tockemu::cli

#define TOCKEMU_CLI_CONCAT2(a, b) a##b
#define TOCKEMU_CLI_CONCAT(a, b) TOCKEMU_CLI_CONCAT2(a, b)
#define TOCKEMU_COMMAND(name, summary, fn)                                           \
    static const bool TOCKEMU_CLI_CONCAT(tockemu_command_registered_, __LINE__) =     \
        ::tockemu::cli::register_command({name, summary, fn})
