// Drawing the memory map: SVG for pictures, a compact table for the terminal.
//
// Address ranges differ by five orders of magnitude (512 KiB of flash, 32-byte stacks), so the
// picture is not to scale: each band gets a height that grows with the logarithm of its size,
// and addresses are interpolated linearly inside a band. Higher addresses are drawn higher, as
// in the kernel's own diagram (docs/0005-kernel.md).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "emu/explain/memory_map.hpp"
#include "emu/mpu/mpu_explain.hpp"

namespace tockemu::explain {

namespace {

constexpr double kTop = 84;        // first band's top edge
constexpr double kBarWidth = 290;  // width of the flash and RAM bars
constexpr double kFlashX = 130;    // left edge of the flash bar
constexpr double kRamX = 650;      // left edge of the RAM bar
constexpr double kLaneWidth = 22;  // one MPU region lane beside a bar
constexpr double kMinBand = 30;    // height of bands up to 256 bytes (two text lines)
constexpr double kMaxBand = 90;    // cap for huge bands
constexpr double kMarkerGap = 3 * (kLaneWidth + 4);  // marker labels start right of 3 lanes
constexpr double kCharWidth = 6.2;                   // average advance of the 11px label font
constexpr double kPerDoubling = 7;                   // extra height per doubling above 256 bytes

std::string hex(std::uint32_t v) {
    return fmt::format("0x{:08x}", v);
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} KiB", bytes / 1024);
    if (bytes >= 10 * 1024) return fmt::format("{:.1f} KiB", bytes / 1024.0);
    return fmt::format("{} B", bytes);
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

const char* fill_for(BandKind k) {
    switch (k) {
        case BandKind::Bootloader:
            return "#d9d9d9";
        case BandKind::KernelCode:
            return "#9fb8d9";
        case BandKind::KernelStack:
            return "#7f9cc4";
        case BandKind::KernelData:
            return "#a9c1e0";
        case BandKind::AppFlash:
            return "#b6dfa9";
        case BandKind::Stack:
            return "#f6c177";
        case BandKind::Data:
            return "#f3d99b";
        case BandKind::Heap:
            return "#f9e8bd";
        case BandKind::AppMemory:
            return "#f3d99b";
        case BandKind::Free:
            return "#ffffff";
        case BandKind::Grants:
            return "#e6a0a0";
        case BandKind::Unused:
            return "#f2f2f2";
    }
    return "#ffffff";
}

const char* region_colour(unsigned n) {
    static constexpr const char* kColours[8] = {"#1f77b4", "#2ca02c", "#9467bd", "#d62728",
                                                "#8c564b", "#e377c2", "#17becf", "#bcbd22"};
    return kColours[n & 7u];
}

double band_height(std::uint32_t size) {
    const double doublings = size > 256 ? std::log2(size / 256.0) : 0.0;
    return std::min(kMaxBand, kMinBand + kPerDoubling * doublings);
}

// One column: bands laid out from the top (highest address) down, and the address -> y mapping.
class Column {
  public:
    explicit Column(const std::vector<MapBand>& bands) : bands_(bands) {
        double y = kTop;
        tops_.resize(bands.size());
        heights_.resize(bands.size());
        for (std::size_t i = bands.size(); i-- > 0;) {
            tops_[i] = y;
            heights_[i] = band_height(bands[i].end - bands[i].start);
            y += heights_[i];
        }
        bottom_ = y;
    }
    double top(std::size_t i) const { return tops_[i]; }
    double height(std::size_t i) const { return heights_[i]; }
    double bottom() const { return bottom_; }
    // y of an address (clamped to the column); `addr` may be the exclusive end of the column.
    double y(std::uint64_t addr) const {
        if (bands_.empty()) return kTop;
        if (addr <= bands_.front().start) return bottom_;
        for (std::size_t i = 0; i < bands_.size(); ++i) {
            const MapBand& b = bands_[i];
            if (addr < b.end) {
                const double f = double(addr - b.start) / double(b.end - b.start);
                return tops_[i] + heights_[i] * (1.0 - f);
            }
        }
        return kTop;
    }
    bool covers(std::uint64_t start, std::uint64_t end) const {
        return !bands_.empty() && end > bands_.front().start && start < bands_.back().end;
    }

  private:
    const std::vector<MapBand>& bands_;
    std::vector<double> tops_, heights_;
    double bottom_ = kTop;
};

void draw_bands(std::string& svg, const std::vector<MapBand>& bands, const Column& col, double x,
                std::string_view column) {
    double last_label_y = 1e9;
    for (std::size_t i = 0; i < bands.size(); ++i) {
        const MapBand& b = bands[i];
        const double top = col.top(i), h = col.height(i);
        svg += fmt::format(
            "<rect class=\"band\" data-column=\"{}\" data-kind=\"{}\" data-start=\"{}\" "
            "data-end=\"{}\" x=\"{}\" y=\"{:.1f}\" width=\"{}\" height=\"{:.1f}\" fill=\"{}\" "
            "stroke=\"#444\" stroke-width=\"0.8\"><title>{} {}-{} ({})</title></rect>\n",
            column, band_kind_name(b.kind), hex(b.start), hex(b.end), x, top, kBarWidth, h,
            fill_for(b.kind), xml_escape(b.label), hex(b.start), hex(b.end - 1),
            size_text(b.end - b.start));
        const double mid = top + h / 2;
        // Long labels are squeezed into the bar rather than running over its edge.
        const std::string fit =
            b.label.size() * kCharWidth > kBarWidth - 8
                ? fmt::format(" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"", kBarWidth - 8)
                : std::string();
        svg += fmt::format(
            "<text x=\"{}\" y=\"{:.1f}\" class=\"label\"{}>{}</text>\n<text x=\"{}\" "
            "y=\"{:.1f}\" class=\"size\">{}</text>\n",
            x + kBarWidth / 2, mid - 2, fit, xml_escape(b.label), x + kBarWidth / 2, mid + 10,
            size_text(b.end - b.start));
        // Start address at the band's bottom edge; skip it when it would overprint the last.
        const double by = top + h;
        if (std::abs(last_label_y - by) >= 11) {
            svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"addr\">{}</text>\n", x - 6,
                               by + 3, hex(b.start));
            last_label_y = by;
        }
    }
    if (!bands.empty())
        svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"addr\">{}</text>\n", x - 6,
                           kTop + 3, hex(bands.back().end));
}

// MPU regions as lanes to the right of a bar: one rectangle per sub-region, filled when the
// sub-region is enabled, dashed outline when disabled.
void draw_mpu(std::string& svg, const MemoryMap& map, const Column& col, double x,
              std::string_view column) {
    unsigned lane = 0;
    for (const auto& r : map.mpu) {
        const std::uint64_t end = std::uint64_t{r.base} + r.size;
        if (!col.covers(r.base, end)) continue;
        const double lx = x + kBarWidth + 8 + lane * (kLaneWidth + 4);
        const unsigned parts = r.has_subregions ? 8 : 1;
        const std::uint64_t step = r.size / parts;
        for (unsigned s = 0; s < parts; ++s) {
            const std::uint64_t a = r.base + s * step, b = a + step;
            if (!col.covers(a, b)) continue;
            const double y0 = col.y(std::min<std::uint64_t>(b, 0xFFFFFFFFu)), y1 = col.y(a);
            const bool on = !r.has_subregions || r.sub_enabled[s];
            svg += fmt::format(
                "<rect class=\"mpu\" data-column=\"{}\" data-region=\"{}\" data-subregion=\"{}\" "
                "data-enabled=\"{}\" data-start=\"{}\" data-end=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" "
                "width=\"{}\" height=\"{:.1f}\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"{}\"{}>"
                "<title>MPU region {} sub-region {} {}: {}</title></rect>\n",
                column, r.number, s, on ? 1 : 0, hex(static_cast<std::uint32_t>(a)),
                b > 0xFFFFFFFFu ? std::string("0x100000000") : hex(static_cast<std::uint32_t>(b)),
                lx, y0, kLaneWidth, std::max(0.5, y1 - y0), region_colour(r.number),
                on ? "0.45" : "0", region_colour(r.number), on ? "" : " stroke-dasharray=\"3,2\"",
                r.number, s, on ? "enabled" : "disabled", xml_escape(r.access));
        }
        const double label_y =
            std::max(kTop - 4, col.y(std::min<std::uint64_t>(end, 0xFFFFFFFFu)) - 3);
        svg +=
            fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"lane\" fill=\"{}\">r{}</text>\n",
                        lx + kLaneWidth / 2, label_y, region_colour(r.number), r.number);
        ++lane;
    }
}

void draw_markers(std::string& svg, const MemoryMap& map, const Column& col) {
    for (const auto& m : map.markers) {
        if (!col.covers(m.address, m.address + 1ull)) continue;
        const double y = col.y(m.address);
        svg += fmt::format(
            "<line class=\"marker\" data-address=\"{}\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" "
            "y2=\"{:.1f}\" stroke=\"#c00\" stroke-width=\"1.5\" stroke-dasharray=\"6,3\"/>\n"
            "<text x=\"{}\" y=\"{:.1f}\" class=\"marker\">{} {}</text>\n",
            hex(m.address), kRamX - 4, y, kRamX + kBarWidth + 4 + kMarkerGap, y,
            kRamX + kBarWidth + 8 + kMarkerGap, y - 2, xml_escape(m.label), hex(m.address));
    }
}

std::string time_text(Picos t) {
    const std::uint64_t ns = t / 1000;
    return fmt::format("{}.{:06} ms", ns / 1'000'000, ns % 1'000'000);
}

std::string mpu_title(const MemoryMap& map) {
    if (map.mpu.empty()) return "MPU: no active region";
    return fmt::format("MPU regions of {}{}", map.running_name.empty() ? "?" : map.running_name,
                       map.mpu_enabled ? "" : " (MPU disabled)");
}

}  // namespace

std::string render_svg(const MemoryMap& map) {
    const Column flash(map.flash), ram(map.ram);
    const double legend_top = std::max(flash.bottom(), ram.bottom()) + 30;
    const double height = legend_top + 30 + 16.0 * (map.mpu.size() + 2);
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1360\" height=\"{:.0f}\" "
        "viewBox=\"0 0 1360 {:.0f}\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
        "<style>.label{{font-size:11px;text-anchor:middle}} .size{{font-size:10px;"
        "text-anchor:middle;fill:#444}} .addr{{font-size:10px;font-family:monospace;"
        "text-anchor:end}} .lane{{font-size:10px;text-anchor:middle;font-weight:bold}} "
        ".marker{{font-size:10px;fill:#c00}} .head{{font-size:14px;font-weight:bold}} "
        ".legend{{font-size:11px;font-family:monospace}}</style>\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
        height, height);
    svg += fmt::format(
        "<text x=\"20\" y=\"24\" class=\"head\">tockemu memory map at {} ({} instructions)"
        "</text>\n<text x=\"20\" y=\"44\" font-size=\"12\">{}; higher addresses at the top; "
        "heights are not to scale</text>\n",
        time_text(map.time), map.instructions, xml_escape(mpu_title(map)));
    svg += fmt::format("<text x=\"{}\" y=\"70\" class=\"head\">flash</text>\n",
                       kFlashX + kBarWidth / 2 - 18);
    svg += fmt::format("<text x=\"{}\" y=\"70\" class=\"head\">RAM</text>\n",
                       kRamX + kBarWidth / 2 - 14);
    draw_bands(svg, map.flash, flash, kFlashX, "flash");
    draw_bands(svg, map.ram, ram, kRamX, "ram");
    draw_mpu(svg, map, flash, kFlashX, "flash");
    draw_mpu(svg, map, ram, kRamX, "ram");
    draw_markers(svg, map, ram);
    double y = legend_top;
    svg += fmt::format("<text x=\"20\" y=\"{:.0f}\" class=\"head\">{}</text>\n", y,
                       xml_escape(mpu_title(map)));
    for (const auto& r : map.mpu) {
        y += 16;
        std::string subs;
        for (unsigned s = 0; s < 8; ++s)
            subs += !r.has_subregions ? '+' : (r.sub_enabled[s] ? '+' : '-');
        svg += fmt::format(
            "<text x=\"20\" y=\"{:.0f}\" class=\"legend\" fill=\"{}\">r{}  {}-{}  {:>8}  "
            "sub-regions {}  {}</text>\n",
            y, region_colour(r.number), r.number, hex(r.base),
            hex(static_cast<std::uint32_t>(r.base + r.size - 1)), size_text(r.size),
            r.has_subregions ? subs : std::string("(none)"), xml_escape(r.access));
    }
    y += 18;
    svg += fmt::format(
        "<text x=\"20\" y=\"{:.0f}\" class=\"legend\">filled lane = enabled sub-region "
        "(unprivileged code may use it as its access says); dashed = disabled; no lane = no "
        "access for the process</text>\n",
        y);
    svg += "</svg>\n";
    return svg;
}

std::string render_text(const MemoryMap& map, bool ansi) {
    auto colour = [&](BandKind k) -> std::string_view {
        if (!ansi) return "";
        switch (k) {
            case BandKind::KernelCode:
            case BandKind::KernelStack:
            case BandKind::KernelData:
            case BandKind::Bootloader:
                return "\033[34m";
            case BandKind::AppFlash:
                return "\033[32m";
            case BandKind::Stack:
            case BandKind::Data:
            case BandKind::Heap:
            case BandKind::AppMemory:
                return "\033[33m";
            case BandKind::Grants:
                return "\033[31m";
            default:
                return "\033[2m";
        }
    };
    const std::string_view reset = ansi ? "\033[0m" : "";
    const std::optional<MpuConfigEvent>& config = map.mpu_config;
    std::string out = fmt::format("memory map at {} ({} instructions); {}\n", time_text(map.time),
                                  map.instructions, mpu_title(map));
    auto table = [&](std::string_view title, const std::vector<MapBand>& bands) {
        out += fmt::format(
            "{}  (high addresses first; access = what unprivileged code of {} may "
            "do: R/W/X)\n",
            title, map.running_name.empty() ? "the process" : map.running_name);
        for (std::size_t i = bands.size(); i-- > 0;) {
            const MapBand& b = bands[i];
            std::string access = "   ";
            if (config) {
                const std::string a = unprivileged_access(*config, b.start),
                                  z = unprivileged_access(*config, b.end - 1);
                access = a == z ? a : a + ".." + z;
            }
            out += fmt::format("  {}-{} {:>9}  {:<8} {}{}{}\n", hex(b.start), hex(b.end - 1),
                               size_text(b.end - b.start), access, colour(b.kind), b.label, reset);
        }
    };
    table("RAM", map.ram);
    table("flash", map.flash);
    for (const auto& m : map.markers) out += fmt::format("  {} at {}\n", m.label, hex(m.address));
    if (!map.mpu.empty()) {
        out += mpu_title(map) + ":\n";
        for (const auto& r : map.mpu) {
            std::string subs = "none";
            if (r.has_subregions) {
                subs.clear();
                for (unsigned s = 0; s < 8; ++s) subs += r.sub_enabled[s] ? '+' : '-';
            }
            out += fmt::format("  r{} {}-{} {:>9} sub-regions {:<8} {}\n", r.number, hex(r.base),
                               hex(static_cast<std::uint32_t>(r.base + r.size - 1)),
                               size_text(r.size), subs, r.access);
        }
    }
    return out;
}

}  // namespace tockemu::explain
