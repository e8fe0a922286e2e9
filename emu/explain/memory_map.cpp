#include "emu/explain/memory_map.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "emu/mpu/mpu.hpp"
#include "emu/mpu/mpu_explain.hpp"

namespace tockemu::explain {

namespace {

constexpr std::uint32_t kKernelFlashDefault = 0x10000;  // Hail: bootloader below this
constexpr std::uint32_t kAppFlashStart = tock::kHailAppFlashStart;

// Bands in ascending order with no overlap; gaps are filled with Unused afterwards.
class BandList {
  public:
    void add(std::uint32_t start, std::uint32_t end, BandKind kind, int proc, std::string label) {
        if (!bands_.empty()) start = std::max(start, bands_.back().end);
        if (end <= start) return;
        bands_.push_back({start, end, kind, proc, std::move(label)});
    }
    // Sorted, clipped to [lo, hi), gaps filled with "unused" bands named `gap`.
    std::vector<MapBand> finish(std::uint32_t lo, std::uint32_t hi, const std::string& gap) {
        std::stable_sort(bands_.begin(), bands_.end(),
                         [](const MapBand& a, const MapBand& b) { return a.start < b.start; });
        std::vector<MapBand> out;
        std::uint32_t at = lo;
        for (MapBand b : bands_) {
            b.start = std::max(b.start, at);
            b.end = std::min(b.end, hi);
            if (b.end <= b.start) continue;
            if (b.start > at) out.push_back({at, b.start, BandKind::Unused, -1, gap});
            at = b.end;
            out.push_back(std::move(b));
        }
        if (at < hi) out.push_back({at, hi, BandKind::Unused, -1, gap});
        return out;
    }

  private:
    std::vector<MapBand> bands_;
};

std::string proc_name(const tock::TockView& view, int proc) {
    const tock::Process* p = view.process(proc);
    return p ? p->image.name : fmt::format("process {}", proc);
}

std::vector<MapBand> flash_bands(const tock::TockView& view, const SymbolLookup& sym,
                                 const MemoryMap& map) {
    BandList l;
    const auto stext = sym ? sym("_stext") : std::nullopt;
    const auto etext = sym ? sym("_etext") : std::nullopt;
    if (stext && etext && *etext > *stext) {
        const std::uint32_t base = *stext >= kKernelFlashDefault ? kKernelFlashDefault : 0;
        if (base > 0) l.add(0, base, BandKind::Bootloader, -1, "bootloader");
        std::uint32_t end = *etext;
        const auto sdata = sym("_srelocate"), edata = sym("_erelocate");
        if (sdata && edata && *edata > *sdata) end += *edata - *sdata;  // .data load image
        l.add(base, end, BandKind::KernelCode, -1, "kernel code + .data image");
    } else {
        l.add(0, kAppFlashStart, BandKind::KernelCode, -1, "kernel (no symbols)");
    }
    for (const auto& p : view.processes())
        l.add(p.image.flash_start, p.image.flash_end(), BandKind::AppFlash, p.index,
              p.image.name + " (TBF)");
    auto bands = l.finish(map.flash_start, map.flash_end, "unused flash");
    for (auto& b : bands)
        if (b.kind == BandKind::Unused && b.start >= kAppFlashStart) b.label = "free app flash";
    return bands;
}

// End of the range from `from` that the process's own MPU configuration lets it write
// (walking sub-region boundaries); `from` itself when it has none there.
std::uint32_t mpu_reach(const ProcessMemory& m, std::uint32_t from) {
    if (!m.mpu || !(m.mpu->ctrl & Mpu::kCtrlEnable)) return from;
    std::vector<std::uint64_t> edges;
    for (unsigned i = 0; i < 8; ++i) {
        const MpuRegion r{m.mpu->rbar[i], m.mpu->rasr[i]};
        if (!r.active() || r.size_bytes() == 0) continue;
        const unsigned parts = r.size_field() >= 7 ? 8 : 1;
        for (unsigned s = 1; s <= parts; ++s)
            edges.push_back(std::uint64_t{r.base()} + std::uint64_t{r.size_bytes()} / parts * s);
    }
    std::sort(edges.begin(), edges.end());
    std::uint32_t at = from;
    while (at < m.kernel_break && unprivileged_access(*m.mpu, at)[1] == 'W') {
        auto next = std::upper_bound(edges.begin(), edges.end(), std::uint64_t{at});
        if (next == edges.end()) break;
        at = static_cast<std::uint32_t>(std::min<std::uint64_t>(*next, m.kernel_break));
    }
    return at;
}

void process_bands(BandList& l, const tock::TockView& view, int proc, const ProcessMemory& m) {
    const std::string name = proc_name(view, proc);
    const std::uint32_t brk = std::clamp(m.app_break, m.block_start, m.kernel_break);
    std::uint32_t at = m.block_start;
    if (m.stack_top > at && m.stack_top <= brk) {
        l.add(at, m.stack_top, BandKind::Stack, proc, name + ": stack");
        at = m.stack_top;
    }
    if (m.heap_start > at && m.heap_start <= brk) {
        l.add(at, m.heap_start, BandKind::Data, proc, name + ": .got/.data/.bss");
        at = m.heap_start;
        l.add(at, brk, BandKind::Heap, proc, name + ": heap");
    } else {
        l.add(at, brk, BandKind::AppMemory, proc, name + ": app memory");
    }
    // The MPU cannot stop exactly at the break: its last enabled sub-region may reach further.
    const std::uint32_t reach = mpu_reach(m, brk);
    l.add(brk, reach, BandKind::Free, proc, name + ": free, reachable (sub-region)");
    l.add(reach, m.kernel_break, BandKind::Free, proc, name + ": free, no access");
    l.add(m.kernel_break, m.block_end, BandKind::Grants, proc, name + ": grants (kernel-owned)");
}

std::vector<MapBand> ram_bands(const IsolationTracker& t, const SymbolLookup& sym,
                               const MemoryMap& map) {
    BandList l;
    const auto sstack = sym ? sym("_sstack") : std::nullopt;
    const auto estack = sym ? sym("_estack") : std::nullopt;
    const auto sdata = sym ? sym("_srelocate") : std::nullopt;
    const auto ezero = sym ? sym("_ezero") : std::nullopt;
    if (sstack && estack) l.add(*sstack, *estack, BandKind::KernelStack, -1, "kernel stack");
    if (sdata && ezero) l.add(*sdata, *ezero, BandKind::KernelData, -1, "kernel .data/.bss");
    const auto& k = t.kernel_ram();
    if (!(sdata && ezero) && k.known)
        l.add(k.ram_start, k.ram_start + k.ram_bytes, BandKind::KernelData, -1, "kernel RAM");
    const auto& view = t.view();
    std::vector<std::pair<std::uint32_t, int>> order;
    for (const auto& p : view.processes())
        if (const ProcessMemory* m = t.memory(p.index); m && m->known())
            order.push_back({m->block_start, p.index});
    std::sort(order.begin(), order.end());
    if (!(sdata && ezero) && !k.known && !order.empty())
        l.add(map.ram_start, order.front().first, BandKind::KernelData, -1, "kernel RAM (assumed)");
    for (const auto& [start, proc] : order) process_bands(l, view, proc, *t.memory(proc));
    return l.finish(map.ram_start, map.ram_end, "unused RAM");
}

MapMpuRegion map_region(unsigned n, std::uint32_t rbar, std::uint32_t rasr) {
    const MpuRegion r{rbar, rasr};
    MapMpuRegion out;
    out.number = n;
    out.base = r.base();
    out.size = r.size_bytes() == 0 ? (1ull << 32) : r.size_bytes();
    out.has_subregions = r.size_field() >= 7;
    for (unsigned s = 0; s < 8; ++s) out.sub_enabled[s] = !(r.effective_srd() & (1u << s));
    out.ap = r.ap();
    out.xn = r.xn();
    out.access = std::string(mpu_ap_text(out.ap)) + (out.xn ? ", XN" : "");
    return out;
}

}  // namespace

std::string_view band_kind_name(BandKind k) {
    static constexpr std::string_view kNames[] = {
        "bootloader", "kernel_code", "kernel_stack", "kernel_data", "app_flash", "stack",
        "data",       "heap",        "app_memory",   "free",        "grants",    "unused"};
    return kNames[static_cast<unsigned>(k)];
}

MemoryMap capture_memory_map(const IsolationTracker& tracker, const SymbolLookup& symbols,
                             Picos time, std::uint64_t instructions, int proc) {
    MemoryMap map;
    map.time = time;
    map.instructions = instructions;
    const auto& view = tracker.view();
    map.flash = flash_bands(view, symbols, map);
    map.ram = ram_bands(tracker, symbols, map);
    for (const auto& p : view.processes()) {
        const ProcessMemory* m = tracker.memory(p.index);
        if (!m || !m->known()) continue;
        map.markers.push_back({m->app_break, p.image.name + " app break"});
        if (m->kernel_break < m->block_end)
            map.markers.push_back({m->kernel_break, p.image.name + " kernel break"});
        if (const tock::ProcessMarks* w = tracker.marks().process(p.index)) {
            if (w->stack && w->stack->max_bytes() > 0)
                map.markers.push_back({w->stack->lowest, p.image.name + " stack high-water (" +
                                                             tock::describe(*w->stack) + ")"});
            if (w->heap_max_bytes() > 0)
                map.markers.push_back(
                    {w->max_break, fmt::format("{} heap high-water ({} bytes)", p.image.name,
                                               w->heap_max_bytes())});
        }
    }
    if (const auto& k = tracker.marks().kernel(); k && k->max_bytes() > 0)
        map.markers.push_back({std::max(k->lowest, map.ram_start),
                               "kernel stack high-water (" + tock::describe(*k) + ")"});
    map.running = proc >= 0 ? proc : view.current();
    std::optional<MpuConfigEvent> mpu;
    if (const ProcessMemory* m = tracker.memory(map.running); m && m->mpu) mpu = m->mpu;
    if (map.running >= 0) map.running_name = proc_name(view, map.running);
    if (!mpu) {
        mpu = tracker.latest_mpu();
        map.running_name = map.running >= 0 ? map.running_name + " (current MPU)" : "";
    }
    if (mpu) {
        map.mpu_config = mpu;
        map.mpu_enabled = mpu->ctrl & Mpu::kCtrlEnable;
        for (unsigned i = 0; i < 8; ++i)
            if (MpuRegion{mpu->rbar[i], mpu->rasr[i]}.active())
                map.mpu.push_back(map_region(i, mpu->rbar[i], mpu->rasr[i]));
    }
    return map;
}

std::string describe_address(const MemoryMap& map, std::uint32_t addr) {
    for (const auto* list : {&map.flash, &map.ram})
        for (const auto& b : *list)
            if (addr >= b.start && addr < b.end) return b.label;
    if (addr >= 0x40000000 && addr < 0x60000000) return "peripheral registers";
    if (addr >= 0xE0000000) return "system control space / private peripheral bus";
    return "";
}

namespace {
Mpu mpu_from(const MpuConfigEvent& config) {
    Mpu mpu;
    for (unsigned i = 0; i < 8; ++i) {
        mpu.write(Mpu::kRnr, i);
        mpu.write(Mpu::kRbar, config.rbar[i] & ~(Mpu::kRbarValid | 0xFu));
        mpu.write(Mpu::kRasr, config.rasr[i]);
    }
    mpu.write(Mpu::kCtrl, config.ctrl);
    return mpu;
}
constexpr int kThreadPriority = 256;  // thread mode, no boost
}  // namespace

MpuDecision decide_unprivileged(const MpuConfigEvent& config, std::uint32_t addr, AccessKind kind) {
    return mpu_from(config).decide_reference(addr, kind, false, kThreadPriority);
}

std::string unprivileged_access(const MpuConfigEvent& config, std::uint32_t addr) {
    const Mpu mpu = mpu_from(config);
    std::string out;
    for (auto [kind, letter] : {std::pair{AccessKind::Read, 'R'}, std::pair{AccessKind::Write, 'W'},
                                std::pair{AccessKind::Execute, 'X'}})
        out += mpu.decide_reference(addr, kind, false, kThreadPriority).allowed ? letter : '-';
    return out;
}

}  // namespace tockemu::explain
