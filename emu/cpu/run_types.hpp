#pragma once
// What a run of the core reports and the names it is driven with: the vocabulary the core
// (emu/cpu) shares with the Machine API (emu/machine/machine.hpp) above it. It lives here, in
// the lower layer, so that emu/cpu needs nothing from emu/machine.
#include <cstdint>
#include <string>

namespace tockemu {

enum class StopReason {
    TimeLimit,        // reached the requested virtual time
    SemihostingExit,  // guest called SYS_EXIT / SYS_EXIT_EXTENDED
    Lockup,           // unrecoverable fault (ARMv7-M lockup)
    Breakpoint,
    Watchpoint,
    Step,       // single step completed
    Requested,  // request_stop() from an observer/callback
    InstructionLimit,
};

struct RunResult {
    StopReason reason = StopReason::TimeLimit;
    int exit_code = 0;    // semihosting exit code
    std::string message;  // lockup explanation, etc.
    std::uint32_t watch_address = 0;
};

// Core registers in GDB's ARM M-profile order (org.gnu.gdb.arm.m-profile + system registers).
enum class CoreReg : unsigned {
    R0,
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    SP,
    LR,
    PC,
    XPSR,
    MSP,
    PSP,
    PRIMASK,
    BASEPRI,
    FAULTMASK,
    CONTROL,
};

// What a watchpoint stops on (Machine::WatchKind).
enum class WatchKind { Write, Read, Access };

}  // namespace tockemu
