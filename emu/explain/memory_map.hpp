#pragma once
// The memory map of the Hail machine at one moment, for people: flash (kernel, each app), RAM
// (kernel stack and data, then each process's block: stack, data, heap, app break, free space,
// grant region) and the MPU regions of the running process with their sub-regions. Captured from
// the Tock view and the IsolationTracker, then drawn as SVG (`tockemu map`, docs/lab/) or as a
// compact text/ANSI table for the terminal.
//
// Every drawn band and MPU sub-region in the SVG carries data-start/data-end (hex, end exclusive)
// and data-kind attributes, so tests (and scripts) can read the boundaries back from the picture.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emu/core/clock.hpp"
#include "emu/explain/isolation_state.hpp"
#include "emu/mpu/mpu.hpp"

namespace tockemu::explain {

// Band kinds; the SVG and the text table colour by kind.
enum class BandKind : std::uint8_t {
    Bootloader,
    KernelCode,
    KernelStack,
    KernelData,
    AppFlash,
    Stack,
    Data,  // .got/.data/.bss
    Heap,
    AppMemory,  // app-owned RAM when the crt0 hints are unknown
    Free,       // between the app break and the grant region
    Grants,     // kernel-owned top of the block
    Unused,     // nobody's
};
std::string_view band_kind_name(BandKind k);  // "stack", "grants", ...

struct MapBand {
    std::uint32_t start = 0, end = 0;  // [start, end)
    BandKind kind = BandKind::Unused;
    int proc = -1;      // process index, or -1 for the kernel / nobody
    std::string label;  // "hello stack", "kernel .data/.bss"
};

struct MapMpuRegion {
    unsigned number = 0;
    std::uint32_t base = 0;
    std::uint64_t size = 0;  // bytes (up to 4 GiB)
    std::array<bool, 8> sub_enabled{};
    bool has_subregions = false;  // >= 256 bytes
    std::uint8_t ap = 0;
    bool xn = false;
    std::string access;  // "unpriv RW, XN"
};

struct MemoryMap {
    Picos time = 0;
    std::uint64_t instructions = 0;
    int running = -1;  // whose MPU regions are shown
    std::string running_name;
    std::uint32_t flash_start = 0, flash_end = 0x80000;
    std::uint32_t ram_start = 0x20000000, ram_end = 0x20010000;
    std::vector<MapBand> flash, ram;           // ascending, contiguous over [start, end)
    std::vector<MapMpuRegion> mpu;             // active regions of `running`
    std::optional<MpuConfigEvent> mpu_config;  // the registers they came from
    bool mpu_enabled = false;
    // The app break and grant start of each process, as marker lines.
    struct Marker {
        std::uint32_t address;
        std::string label;
    };
    std::vector<Marker> markers;
};

using SymbolLookup = std::function<std::optional<std::uint32_t>(const std::string&)>;

// `proc` chooses whose MPU configuration is overlaid (-1: the one that ran last).
MemoryMap capture_memory_map(const IsolationTracker& tracker, const SymbolLookup& symbols,
                             Picos time, std::uint64_t instructions, int proc = -1);

std::string render_svg(const MemoryMap& map);
std::string render_text(const MemoryMap& map, bool ansi);

// "kernel .data/.bss", "hello grant region (kernel-owned)", "app flash of blink", ... for an
// address, from the bands of the map; "" when the map does not cover it.
std::string describe_address(const MemoryMap& map, std::uint32_t addr);

// Unprivileged access the MPU configuration gives at `addr`: "RW-", "R-X", "---".
std::string unprivileged_access(const MpuConfigEvent& config, std::uint32_t addr);
// The MPU's decision (deciding region and reason) for one unprivileged access under `config`.
MpuDecision decide_unprivileged(const MpuConfigEvent& config, std::uint32_t addr, AccessKind kind);

}  // namespace tockemu::explain
