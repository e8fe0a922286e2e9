#pragma once
// The kernel-agnostic view of app flash: walk the TBF objects from the start of app flash the way
// a Tock kernel does (reference/tock-abi.md §3.5) and keep what identifies a process: its name,
// its flash range and its entry point. Only the base header and the Program/Main and Package-name
// TLVs matter here; parsing is the loader's (emu/loader/tbf.hpp).
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace tockemu::tock {

// Reads guest memory the way the debugger does; false when the range is not mapped.
using MemoryReader = std::function<bool(std::uint32_t addr, std::span<std::uint8_t> out)>;

struct AppImage {
    std::string name;               // Package-name TLV, or "app@0x30000" when absent
    std::uint32_t flash_start = 0;  // address of the TBF header
    std::uint32_t total_size = 0;   // whole object (the process flash region)
    std::uint32_t header_size = 0;
    std::uint32_t protected_size = 0;
    std::uint32_t entry = 0;  // init function address (no Thumb bit)
    std::uint32_t min_ram = 0;
    bool enabled = true;

    std::uint32_t flash_end() const { return flash_start + total_size; }
    bool contains_flash(std::uint32_t addr) const {
        return addr >= flash_start && addr - flash_start < total_size;
    }
};

inline constexpr std::uint32_t kHailAppFlashStart = 0x30000;
inline constexpr std::uint32_t kHailAppFlashEnd = 0x80000;

// Walks TBF objects from `start` until the end marker (version != 2), the end of flash or an
// object that does not fit. Padding objects (no TLVs) are skipped; disabled apps are listed with
// enabled = false, since a scenario may still name them.
std::vector<AppImage> scan_app_flash(const MemoryReader& read,
                                     std::uint32_t start = kHailAppFlashStart,
                                     std::uint32_t end = kHailAppFlashEnd);

}  // namespace tockemu::tock
