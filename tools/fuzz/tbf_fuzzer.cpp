// Fuzz target: TBF header parsing (emu/loader/tbf) and the app-flash layout of what parsed.
// The input is a TBF object; it is parsed as given and again with its header checksum made
// right, so the TLV parser is reached by most inputs. TbfError/LayoutError are the only
// acceptable failures; anything else (crash, sanitizer report, other exception) is a bug.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "emu/loader/app_flash.hpp"
#include "emu/loader/tbf.hpp"

namespace {

void check(std::span<const std::uint8_t> bytes) {
    using namespace tockemu;
    tbf::TbfHeader h;
    try {
        h = tbf::parse(bytes, "fuzz.tbf");
    } catch (const tbf::TbfError&) {
        return;
    }
    // What the kernel and the loader derive from a parsed header must be consistent.
    if (h.header_size > h.total_size || h.header_size > bytes.size()) __builtin_trap();
    if (!h.is_padding() && (h.main || h.program)) {
        if (static_cast<std::uint64_t>(h.protected_size()) > h.total_size) __builtin_trap();
        if (h.binary_end_offset() > h.total_size) __builtin_trap();
    }
    (void)h.name();
    (void)h.minimum_ram_size();
    // Laid out as the only app, and twice (as two apps of this size).
    const std::uint32_t sizes[2] = {h.total_size, h.total_size};
    try {
        const auto layout = app_flash::place_apps(std::span(sizes, 1));
        if (layout.end > app_flash::kHailAppFlashEnd) __builtin_trap();
        if (bytes.size() >= h.total_size) {
            std::vector<std::vector<std::uint8_t>> tbfs{
                std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + h.total_size)};
            const auto image = app_flash::build_image(tbfs, layout);
            if (image.size() != layout.end - app_flash::kHailAppFlashStart) __builtin_trap();
        }
        const auto two = app_flash::place_apps(sizes);
        if (two.apps.size() != 2 || two.apps[0].address + two.apps[0].size > two.apps[1].address)
            __builtin_trap();
    } catch (const app_flash::LayoutError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    check(in);
    if (size >= 16) {
        // The same bytes with the checksum over the claimed header made right.
        std::vector<std::uint8_t> fixed(in.begin(), in.end());
        const std::size_t header = std::min<std::size_t>(size, fixed[2] | (fixed[3] << 8));
        const std::uint32_t sum = tockemu::tbf::compute_checksum(std::span(fixed).first(header));
        for (int i = 0; i < 4; ++i) fixed[12 + i] = static_cast<std::uint8_t>(sum >> (8 * i));
        check(fixed);
    }
    return 0;
}
