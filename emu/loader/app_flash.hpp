#pragma once
// App flash layout as tockloader writes it for Cortex-M boards (tock-abi.md §3.6): apps are
// sorted by total size, largest first (stable for equal sizes), each placed at the next address
// aligned to its own (power-of-two) size starting at the app-flash start (0x30000 on Hail).
// Gaps left by alignment are filled with 16-byte-header padding objects (flags 0,
// total_size = gap) so the kernel's walk steps over them; flash after the last app stays erased
// (0xFF), which ends the kernel's walk because the version reads 0xFFFF.
//
// Pure functions: they say where things go; writing the bytes is the caller's business.
// CONTRACT (cpu: Machine::load_app): members may be added; these signatures stay.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tockemu::app_flash {

inline constexpr std::uint32_t kHailAppFlashStart = 0x00030000;
inline constexpr std::uint32_t kHailAppFlashEnd = 0x00070000;  // exclusive

struct LayoutError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct AppSlot {
    std::size_t app_index = 0;  // index into the sizes passed to place_apps
    std::uint32_t address = 0;
    std::uint32_t size = 0;
};

struct PaddingSlot {
    std::uint32_t address = 0;
    std::uint32_t size = 0;
};

struct Layout {
    std::vector<AppSlot> apps;          // in flash order
    std::vector<PaddingSlot> paddings;  // in flash order
    std::uint32_t end = 0;              // first address after the last object (erased from here)
    // Where app `app_index` went.
    std::uint32_t address_of(std::size_t app_index) const;
};

// `total_sizes[i]` is app i's TBF total_size. Every size must be a non-zero power of two (ARM
// MPU rule; elf2tab pads to one). Throws LayoutError naming the app index when a size is invalid
// or the apps do not fit in [flash_start, flash_end).
Layout place_apps(std::span<const std::uint32_t> total_sizes,
                  std::uint32_t flash_start = kHailAppFlashStart,
                  std::uint32_t flash_end = kHailAppFlashEnd);

// The bytes of a padding object of `size` bytes (>= 16, multiple of 4): version 2,
// header_size 16, total_size = size, flags 0, the header checksum, then zeros.
std::vector<std::uint8_t> padding_object(std::uint32_t size);

// Convenience: the whole app-flash image [flash_start, layout.end) for these TBFs (each must be
// exactly its total_size long), padding objects written into the gaps.
std::vector<std::uint8_t> build_image(std::span<const std::vector<std::uint8_t>> tbfs,
                                      const Layout& layout,
                                      std::uint32_t flash_start = kHailAppFlashStart);

}  // namespace tockemu::app_flash
