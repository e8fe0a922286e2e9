#pragma once
// What the GDB engine needs from the thing it debugs (STYLE: wire, engine, target). Registers,
// memory, breakpoints/watchpoints and threads; the engine never sees the Machine. Run control is
// not here: the server resumes the machine and hands the engine a StopEvent to report.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tockemu::gdb {

// GDB thread ids are positive; 1 is the core itself ("kernel": handler mode or MSP), every Tock
// process gets kFirstProcessThread + its index in app flash.
using ThreadId = int;
inline constexpr ThreadId kKernelThread = 1;
inline constexpr ThreadId kFirstProcessThread = 2;

// Registers in the order of the target description (CoreReg order).
inline constexpr unsigned kRegisterCount = 23;

enum class WatchKind { Write, Read, Access };

// Why the target stopped, as the engine reports it to GDB.
struct StopEvent {
    enum class Kind {
        Signal,  // stopped with `signal` (SIGTRAP for steps/breakpoints, SIGINT for Ctrl-C ...)
        Exited,  // the guest exited through semihosting with `exit_code`
    };
    Kind kind = Kind::Signal;
    int signal = 5;
    int exit_code = 0;
    bool breakpoint = false;  // stopped at a Z0/Z1 breakpoint (the engine knows which kind)
    bool watchpoint = false;  // a Z2/Z3/Z4 watchpoint fired on the access to `watch_address`
    std::uint32_t watch_address = 0;
    std::string message;  // shown to the user before the stop (e.g. the lockup explanation)
};

// GDB signal numbers (gdb/signals.def). The virtual-time limit is reported as SIGXCPU ("CPU time
// limit exceeded"), which gdb stops on by default (it passes SIGALRM silently).
inline constexpr int kSigInt = 2, kSigTrap = 5, kSigSegv = 11, kSigXcpu = 24;

class Target {
  public:
    virtual ~Target() = default;

    virtual std::vector<ThreadId> threads() = 0;
    virtual ThreadId current_thread() = 0;  // the one the core is executing
    virtual std::string thread_info(ThreadId t) = 0;
    // Registers of a thread: live for the current one, else its saved context. nullopt when
    // the thread or register does not exist.
    virtual std::optional<std::uint32_t> read_register(ThreadId t, unsigned regno) = 0;
    // Only the current thread's registers can be written.
    virtual bool write_register(ThreadId t, unsigned regno, std::uint32_t value) = 0;

    // Debugger view of guest memory (through the bus; false where nothing is mapped).
    virtual bool read_memory(std::uint32_t addr, std::span<std::uint8_t> out) = 0;
    virtual bool write_memory(std::uint32_t addr, std::span<const std::uint8_t> in) = 0;

    virtual void add_breakpoint(std::uint32_t addr) = 0;
    virtual void remove_breakpoint(std::uint32_t addr) = 0;
    virtual void add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) = 0;
    virtual void remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) = 0;

    virtual std::string memory_map_xml() = 0;
    // `monitor ...` text; nullopt for an unknown command.
    virtual std::optional<std::string> monitor(std::string_view command) = 0;
};

}  // namespace tockemu::gdb
