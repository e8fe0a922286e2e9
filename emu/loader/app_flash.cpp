// App flash placement as tockloader lays out Cortex-M apps (see app_flash.hpp).
#include "emu/loader/app_flash.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "emu/loader/tbf.hpp"

namespace tockemu::app_flash {

namespace {
bool is_power_of_two(std::uint32_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

void put_le32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
}  // namespace

std::uint32_t Layout::address_of(std::size_t app_index) const {
    for (const auto& a : apps) {
        if (a.app_index == app_index) return a.address;
    }
    throw LayoutError(fmt::format("app {} is not in the layout", app_index));
}

Layout place_apps(std::span<const std::uint32_t> total_sizes, std::uint32_t flash_start,
                  std::uint32_t flash_end) {
    for (std::size_t i = 0; i < total_sizes.size(); ++i) {
        if (!is_power_of_two(total_sizes[i]) || total_sizes[i] < tbf::kBaseHeaderSize) {
            throw LayoutError(fmt::format(
                "app {}: total_size {} is not a power of two >= 16 (the MPU cannot cover it)", i,
                total_sizes[i]));
        }
    }
    std::vector<std::size_t> order(total_sizes.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return total_sizes[a] > total_sizes[b]; });

    Layout layout;
    std::uint64_t at = flash_start;
    for (std::size_t index : order) {
        const std::uint64_t size = total_sizes[index];
        const std::uint64_t aligned = (at + size - 1) & ~(size - 1);
        if (aligned + size > flash_end) {
            throw LayoutError(fmt::format(
                "app {} ({} bytes) does not fit: it would end at 0x{:x}, app flash ends at 0x{:x}",
                index, size, aligned + size, flash_end));
        }
        if (aligned > at) {
            layout.paddings.push_back(
                {static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(aligned - at)});
        }
        layout.apps.push_back(
            {index, static_cast<std::uint32_t>(aligned), static_cast<std::uint32_t>(size)});
        at = aligned + size;
    }
    layout.end = static_cast<std::uint32_t>(at);
    return layout;
}

std::vector<std::uint8_t> padding_object(std::uint32_t size) {
    if (size < tbf::kBaseHeaderSize || size % 4 != 0) {
        throw LayoutError(
            fmt::format("padding of {} bytes: must be >= 16 and a multiple of 4", size));
    }
    std::vector<std::uint8_t> out(size, 0);
    out[0] = tbf::kVersion;
    out[2] = tbf::kBaseHeaderSize;
    put_le32(out, 4, size);
    put_le32(out, 12, tbf::compute_checksum(std::span(out).first(tbf::kBaseHeaderSize)));
    return out;
}

std::vector<std::uint8_t> build_image(std::span<const std::vector<std::uint8_t>> tbfs,
                                      const Layout& layout, std::uint32_t flash_start) {
    std::vector<std::uint8_t> image(layout.end - flash_start, 0xFF);
    for (const auto& slot : layout.apps) {
        if (slot.app_index >= tbfs.size() || tbfs[slot.app_index].size() != slot.size) {
            throw LayoutError(fmt::format("app {}: image size does not match its slot of {} bytes",
                                          slot.app_index, slot.size));
        }
        std::copy(tbfs[slot.app_index].begin(), tbfs[slot.app_index].end(),
                  image.begin() + (slot.address - flash_start));
    }
    for (const auto& pad : layout.paddings) {
        const auto bytes = padding_object(pad.size);
        std::copy(bytes.begin(), bytes.end(), image.begin() + (pad.address - flash_start));
    }
    return image;
}

}  // namespace tockemu::app_flash
