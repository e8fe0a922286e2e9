#pragma once
// The debugger options shared by `tockemu boot` and `tockemu run` (QEMU-style):
//   --gdb PORT        serve GDB on PORT (0: any free port, printed on stderr)
//   -s                shorthand for --gdb 1234
//   -S                wait for the debugger before the first instruction
//   --gdb-listen ADDR listen address (default 127.0.0.1: loopback only)
// A command adds them with add_gdb_options() and runs the machine with run_with_gdb(), which
// falls back to a plain run_until() when no option was given. Header-only so that emu_gdb does
// not depend on Boost.Program_options.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "emu/gdb/server.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu::gdb {

struct GdbCliOptions {
    int port = -1;  // -1: no --gdb
    bool default_port = false;
    bool wait = false;
    std::string listen = "127.0.0.1";
    bool enabled() const { return port >= 0 || default_port || wait; }
};

inline void add_gdb_options(boost::program_options::options_description& opts, GdbCliOptions& out) {
    namespace po = boost::program_options;
    opts.add_options()("gdb", po::value(&out.port),
                       "serve the GDB remote protocol on PORT (0: any free port)")(
        "gdb-default-port,s", po::bool_switch(&out.default_port), "same as --gdb 1234")(
        "gdb-wait,S", po::bool_switch(&out.wait),
        "wait for the debugger before the first instruction (default port 1234)")(
        "gdb-listen", po::value(&out.listen),
        "address the GDB server listens on (default 127.0.0.1, loopback only)");
}

// Runs `machine` to `deadline`, under the GDB server when the options ask for one. Throws
// ServerError when the port cannot be opened or the options are invalid.
inline RunResult run_with_gdb(Machine& machine, const GdbCliOptions& options, Picos deadline) {
    if (!options.enabled()) return machine.run_until(deadline);
    if (options.port > 65535)
        throw ServerError(fmt::format("--gdb: port {} is out of range", options.port));
    ServerOptions so;
    so.port = options.port >= 0 ? static_cast<std::uint16_t>(options.port) : 1234;
    so.listen_address = options.listen;
    so.wait_for_debugger = options.wait;
    so.on_listening = [&](const std::string& address, std::uint16_t port) {
        fmt::print(stderr, "tockemu: gdb server listening on {}:{}{}\n", address, port,
                   options.wait ? " (waiting for the debugger)" : "");
        std::fflush(stderr);
    };
    so.on_refused = [] {
        fmt::print(stderr, "tockemu: gdb: turned a second debugger away (one is attached)\n");
        std::fflush(stderr);
    };
    Server server(machine, so);
    return server.run(deadline);
}

}  // namespace tockemu::gdb
