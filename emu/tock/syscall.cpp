// TRD104 decoding tables; see syscall.hpp and reference/tock-abi.md §1-2.
#include "emu/tock/syscall.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

namespace tockemu::tock {

namespace {

struct ClassEntry {
    SyscallClass cls;
    std::string_view name;
};
constexpr ClassEntry kClasses[] = {
    {SyscallClass::Yield, "yield"},
    {SyscallClass::Subscribe, "subscribe"},
    {SyscallClass::Command, "command"},
    {SyscallClass::ReadWriteAllow, "rw_allow"},
    {SyscallClass::ReadOnlyAllow, "ro_allow"},
    {SyscallClass::Memop, "memop"},
    {SyscallClass::Exit, "exit"},
    {SyscallClass::UserspaceReadableAllow, "ur_allow"},
};

constexpr std::string_view kErrors[] = {"",          "FAIL",     "BUSY",        "ALREADY", "OFF",
                                        "RESERVE",   "INVAL",    "SIZE",        "CANCEL",  "NOMEM",
                                        "NOSUPPORT", "NODEVICE", "UNINSTALLED", "NOACK"};

struct DriverEntry {
    std::uint32_t number;
    std::string_view name;
};
// Tock's capsules/core/src/driver.rs numbering (reference §2.1).
constexpr DriverEntry kDrivers[] = {
    {0x00000, "alarm"},
    {0x00001, "console"},
    {0x00002, "led"},
    {0x00003, "button"},
    {0x00004, "gpio"},
    {0x00005, "adc"},
    {0x00006, "dac"},
    {0x00007, "analog_comparator"},
    {0x00008, "low_level_debug"},
    {0x00009, "read_only_state"},
    {0x00010, "pwm"},
    {0x10000, "ipc"},
    {0x10001, "app_loader"},
    {0x10002, "process_info"},
    {0x20001, "spi"},
    {0x20002, "spi_peripheral"},
    {0x20003, "i2c_master"},
    {0x20005, "usb_user"},
    {0x20006, "i2c_master_slave"},
    {0x20007, "can"},
    {0x30000, "ble_advertising"},
    {0x30001, "ieee802154"},
    {0x30002, "udp"},
    {0x40001, "rng"},
    {0x40002, "crc"},
    {0x40003, "hmac"},
    {0x40005, "sha"},
    {0x40006, "aes"},
    {0x50000, "app_flash"},
    {0x50001, "nonvolatile_storage"},
    {0x50003, "kv"},
    {0x50004, "isolated_nonvolatile_storage"},
    {0x60000, "temperature"},
    {0x60001, "humidity"},
    {0x60002, "ambient_light"},
    {0x60004, "ninedof"},
    {0x80003, "gpio_async"},
    {0x80004, "nrf_serialization"},
    {0x90000, "buzzer"},
    {0x90001, "screen"},
};

struct CommandEntry {
    std::uint32_t driver;
    std::uint32_t command;
    std::string_view name;
};
// Command names of the drivers Hail installs (reference §2.2-2.7).
constexpr CommandEntry kCommands[] = {
    {0, 0, "exists"},
    {0, 1, "frequency"},
    {0, 2, "now"},
    {0, 3, "stop"},
    {0, 5, "set_relative"},
    {0, 6, "set_absolute"},
    {1, 0, "exists"},
    {1, 1, "putstr"},
    {1, 2, "getnstr"},
    {1, 3, "abort_read"},
    {2, 0, "count"},
    {2, 1, "on"},
    {2, 2, "off"},
    {2, 3, "toggle"},
    {2, 4, "read"},
    {3, 0, "count"},
    {3, 1, "enable_interrupt"},
    {3, 2, "disable_interrupt"},
    {3, 3, "read"},
    {4, 0, "exists"},
    {4, 1, "enable_output"},
    {4, 2, "set"},
    {4, 3, "clear"},
    {4, 4, "toggle"},
    {4, 5, "enable_input"},
    {4, 6, "read"},
    {4, 7, "enable_interrupt"},
    {4, 8, "disable_interrupt"},
    {4, 9, "disable"},
    {4, 10, "count"},
    {5, 0, "channels"},
    {5, 1, "single_sample"},
    {5, 2, "repeated_sample"},
    {5, 3, "buffered_sample"},
    {5, 4, "continuous_buffered"},
    {5, 5, "stop"},
    {0x20001, 0, "exists"},
    {0x20001, 2, "read_write"},
    {0x20001, 5, "set_rate"},
    {0x20001, 6, "get_rate"},
    {0x20001, 7, "set_phase"},
    {0x20001, 8, "get_phase"},
    {0x20001, 9, "set_polarity"},
    {0x20001, 10, "get_polarity"},
    {0x20001, 11, "read"},
    {0x20001, 12, "inplace_read_write"},
    {0x40001, 0, "exists"},
    {0x40001, 1, "get_random"},
    {0x60000, 0, "exists"},
    {0x60000, 1, "read"},
    {0x40002, 0, "exists"},
    {0x00008, 1, "alert"},
    {0x10000, 0, "exists"},
    {0x10000, 1, "discover"},
    {0x10000, 2, "notify_service"},
    {0x10000, 3, "notify_client"},
};

constexpr std::string_view kMemops[] = {"brk",         "sbrk",      "memory_start", "memory_end",
                                        "flash_start", "flash_end", "grant_start",  "wfr_count",
                                        "wfr_start",   "wfr_end",   "stack_hint",   "heap_hint"};

}  // namespace

Syscall decode_syscall(std::uint8_t svc_imm, const std::array<std::uint32_t, 4>& r) {
    Syscall s;
    s.svc_imm = svc_imm;
    s.args = r;
    if (svc_imm > 7) return s;
    s.cls = static_cast<SyscallClass>(svc_imm);
    switch (*s.cls) {
        case SyscallClass::Yield:
        case SyscallClass::Memop:
        case SyscallClass::Exit:
            s.number = r[0];  // variant / operation
            if (*s.cls == SyscallClass::Yield && r[0] == 2) s.driver = r[1];
            break;
        default:
            s.driver = r[0];
            s.number = r[1];
            break;
    }
    return s;
}

bool syscall_has_return_value(const Syscall& s) {
    if (!s.cls) return false;
    if (*s.cls == SyscallClass::Yield) return s.number == 2;  // wait-for returns upcall args
    return true;
}

std::optional<ErrorCode> SyscallReturn::error() const {
    if (!is_failure()) return std::nullopt;
    return static_cast<ErrorCode>(r[1]);
}

std::string_view class_name(SyscallClass c) {
    for (const auto& e : kClasses)
        if (e.cls == c) return e.name;
    return "?";
}

std::optional<SyscallClass> class_from_name(std::string_view name) {
    for (const auto& e : kClasses)
        if (e.name == name) return e.cls;
    return std::nullopt;
}

std::string_view error_name(std::uint32_t code) {
    if (code == 1024) return "BADRVAL";
    if (code < std::size(kErrors)) return kErrors[code];
    return "";
}

std::optional<ErrorCode> error_from_name(std::string_view name) {
    for (std::uint32_t i = 1; i < std::size(kErrors); ++i)
        if (kErrors[i] == name) return static_cast<ErrorCode>(i);
    if (name == "BADRVAL") return ErrorCode::BADRVAL;
    if (name == "INVALID") return ErrorCode::INVAL;  // TRD104 spelling
    return std::nullopt;
}

std::string_view return_variant_name(std::uint32_t r0) {
    switch (r0) {
        case 0:
            return "failure";
        case 1:
            return "failure_u32";
        case 2:
            return "failure_2u32";
        case 3:
            return "failure_u64";
        case 128:
            return "success";
        case 129:
            return "success_u32";
        case 130:
            return "success_2u32";
        case 131:
            return "success_u64";
        case 132:
            return "success_3u32";
        case 133:
            return "success_u32_u64";
        default:
            return "";
    }
}

std::string_view driver_name(std::uint32_t driver) {
    for (const auto& d : kDrivers)
        if (d.number == driver) return d.name;
    return "";
}

std::optional<std::uint32_t> driver_from_name(std::string_view name) {
    for (const auto& d : kDrivers)
        if (d.name == name) return d.number;
    return std::nullopt;
}

std::string_view command_name(std::uint32_t driver, std::uint32_t command) {
    for (const auto& c : kCommands)
        if (c.driver == driver && c.command == command) return c.name;
    return "";
}

std::string_view memop_name(std::uint32_t op) {
    return op < std::size(kMemops) ? kMemops[op] : std::string_view{};
}

namespace {
std::string driver_label(std::uint32_t driver) {
    auto n = driver_name(driver);
    return n.empty() ? fmt::format("{:#x}", driver) : std::string(n);
}
}  // namespace

std::string describe(const Syscall& s) {
    if (!s.cls) return fmt::format("svc {} (not a Tock syscall class)", s.svc_imm);
    const auto& r = s.args;
    switch (*s.cls) {
        case SyscallClass::Yield:
            if (s.number == 0) return "yield no-wait";
            if (s.number == 1) return "yield wait";
            if (s.number == 2) return fmt::format("yield wait-for {}.{}", driver_label(r[1]), r[2]);
            return fmt::format("yield {} (invalid variant)", s.number);
        case SyscallClass::Command: {
            auto n = command_name(s.driver, s.number);
            return fmt::format("command {}.{}({}, {})", driver_label(s.driver),
                               n.empty() ? fmt::format("{}", s.number) : std::string(n), r[2],
                               r[3]);
        }
        case SyscallClass::Subscribe:
            return fmt::format("subscribe {}.{} fn={:#010x} data={:#x}", driver_label(s.driver),
                               s.number, r[2], r[3]);
        case SyscallClass::ReadWriteAllow:
        case SyscallClass::ReadOnlyAllow:
        case SyscallClass::UserspaceReadableAllow:
            return fmt::format("{} {}.{} buf={:#010x} len={}", class_name(*s.cls),
                               driver_label(s.driver), s.number, r[2], r[3]);
        case SyscallClass::Memop: {
            auto n = memop_name(s.number);
            return fmt::format("memop {}({:#x})",
                               n.empty() ? fmt::format("{}", s.number) : std::string(n), r[1]);
        }
        case SyscallClass::Exit:
            return fmt::format("exit {}({})", s.number == 1 ? "restart" : "terminate", r[1]);
    }
    return "?";
}

std::string describe_return(const Syscall& s, const SyscallReturn& ret) {
    const auto& r = ret.r;
    if (s.cls == SyscallClass::Yield) return fmt::format("upcall({}, {}, {})", r[0], r[1], r[2]);
    auto variant = return_variant_name(r[0]);
    if (variant.empty()) return fmt::format("unknown variant {}", r[0]);
    if (ret.is_failure()) {
        auto e = error_name(r[1]);
        return fmt::format("{}({})", variant, e.empty() ? fmt::format("{}", r[1]) : std::string(e));
    }
    switch (r[0]) {
        case 128:
            return "success";
        case 129:
            return fmt::format("success_u32({})", r[1]);
        case 131:
            return fmt::format("success_u64({})", (std::uint64_t{r[2]} << 32) | r[1]);
        default:
            return fmt::format("{}({:#x}, {:#x}, {:#x})", variant, r[1], r[2], r[3]);
    }
}

}  // namespace tockemu::tock
