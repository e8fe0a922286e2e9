#pragma once
// Tock system calls as TRD104 defines them on Cortex-M (reference/tock-abi.md §1): the class is
// the SVC immediate, the arguments are r0-r3, the result is written back into the stacked r0-r3.
// Pure decoding and naming, no machine state: used by the Tock view, the trace and explain mode.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tockemu::tock {

enum class SyscallClass : std::uint8_t {
    Yield = 0,
    Subscribe = 1,
    Command = 2,
    ReadWriteAllow = 3,
    ReadOnlyAllow = 4,
    Memop = 5,
    Exit = 6,
    UserspaceReadableAllow = 7,
};

// TRD104 error codes (§1.3). 1024 (BADRVAL) exists only in userspace.
enum class ErrorCode : std::uint32_t {
    FAIL = 1,
    BUSY = 2,
    ALREADY = 3,
    OFF = 4,
    RESERVE = 5,
    INVAL = 6,
    SIZE = 7,
    CANCEL = 8,
    NOMEM = 9,
    NOSUPPORT = 10,
    NODEVICE = 11,
    UNINSTALLED = 12,
    NOACK = 13,
    BADRVAL = 1024,
};

// A decoded SVC. `driver`/`number` mean what the class gives them (driver + command/subscribe/
// allow number; memop operation in `number`; yield and exit variant in `number`).
struct Syscall {
    std::uint8_t svc_imm = 0;
    std::optional<SyscallClass> cls;  // empty: immediate > 7 (the kernel faults the process)
    std::uint32_t driver = 0;
    std::uint32_t number = 0;
    std::array<std::uint32_t, 4> args{};  // r0-r3 as the caller left them
};

Syscall decode_syscall(std::uint8_t svc_imm, const std::array<std::uint32_t, 4>& r);

// True when the kernel writes a TRD104 return variant into r0-r3 for this call (not for
// Yield-Wait/No-Wait, and Exit only on failure).
bool syscall_has_return_value(const Syscall& s);

// The value a process sees when it resumes after the call (§1.2).
struct SyscallReturn {
    std::array<std::uint32_t, 4> r{};
    bool is_failure() const { return r[0] < 128 && r[0] <= 3; }
    bool is_success() const { return r[0] >= 128 && r[0] <= 133; }
    std::optional<ErrorCode> error() const;  // r1 for the failure variants
};

std::string_view class_name(SyscallClass c);  // "command", "ro_allow", ...
std::optional<SyscallClass> class_from_name(std::string_view name);
std::string_view error_name(std::uint32_t code);  // "NOMEM", or "" when unknown
std::optional<ErrorCode> error_from_name(std::string_view name);
std::string_view return_variant_name(std::uint32_t r0);  // "success_u32", "failure", ...
// Driver names follow Tock's capsules/core/src/driver.rs ("console", "alarm", "led", ...).
std::string_view driver_name(std::uint32_t driver);
std::optional<std::uint32_t> driver_from_name(std::string_view name);
// Name of a command of a known driver ("putstr"), or "" when it has no documented name.
std::string_view command_name(std::uint32_t driver, std::uint32_t command);
std::string_view memop_name(std::uint32_t op);

// One line for humans: "command console.putstr(12, 0)", "yield wait", "memop sbrk(256)".
std::string describe(const Syscall& s);
// "success_u32(16000)", "failure(NOMEM)", ...
std::string describe_return(const Syscall& s, const SyscallReturn& ret);

}  // namespace tockemu::tock
