#pragma once
// Tock Binary Format v2 header parsing (tock-abi.md section 3; tock/tock:
// libraries/tock-tbf/src/parse.rs, types.rs).
#include <cstdint>

namespace kernel {

constexpr unsigned kMaxWriteableFlashRegions = 4;

struct TbfInfo {
    std::uint32_t flash_start = 0;  // address of the TBF header
    std::uint32_t total_size = 0;
    std::uint32_t header_size = 0;
    std::uint32_t flags = 0;
    std::uint32_t init_fn_offset = 0;
    std::uint32_t protected_trailer = 0;
    std::uint32_t minimum_ram = 0;
    std::uint32_t binary_end = 0;  // offset from flash_start
    std::uint32_t app_version = 0;
    const char* name = nullptr;
    std::uint32_t name_len = 0;
    std::uint32_t short_id = 0;
    bool has_kernel_version = false;
    std::uint16_t kernel_major = 0, kernel_minor = 0;
    bool has_fixed_addresses = false;
    std::uint32_t fixed_ram = 0, fixed_flash = 0;  // meaningful only if has_fixed_addresses
    unsigned wfr_count = 0;
    std::uint32_t wfr_offset[kMaxWriteableFlashRegions] = {};
    std::uint32_t wfr_size[kMaxWriteableFlashRegions] = {};

    std::uint32_t protected_size() const { return header_size + protected_trailer; }
    std::uint32_t app_start() const { return flash_start + protected_size(); }
    std::uint32_t init_address() const { return flash_start + header_size + init_fn_offset; }
    bool enabled() const { return (flags & 1u) != 0; }
};

enum class TbfWalk {
    Stop,  // end of the app list (or no more room to read)
    Skip,  // this object is not a loadable app; continue after total_size
    Load,  // a valid, enabled app
};

// Examines the object at `addr` with `remaining` bytes of app flash left. On Skip/Load,
// `info.total_size` says where the next object starts. `why` names the reason for Skip/Stop.
TbfWalk tbf_examine(std::uint32_t addr, std::uint32_t remaining, TbfInfo& info, const char*& why);

constexpr std::uint16_t kKernelMajor = 2;
constexpr std::uint16_t kKernelMinor = 2;

}  // namespace kernel
