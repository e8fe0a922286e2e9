// PMSAv7 MPU: register file, the reference decision (ARMv7-M ARM B3.5, pseudocode of
// ValidateAddress() and CheckPermission()) and the flat lookup table the enforcer uses.
#include "emu/mpu/mpu.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace tockemu {

namespace {

constexpr std::uint32_t kPpbStart = 0xE0000000;  // Private Peripheral Bus, 1 MiB
constexpr std::uint32_t kPpbEnd = 0xE0100000;
constexpr std::uint32_t kAddrMask = 0xFFFFFFE0;  // RBAR.ADDR, bits [31:5]

bool is_ppb(std::uint32_t addr) {
    return (addr >> 20) == 0xE00;
}

// Default memory map (B3.1, table B3-1): why a fetch from an execute-never area is refused,
// or nullptr where the default map allows execution.
const char* default_xn_reason(std::uint32_t addr) {
    switch (addr >> 29) {
        case 2:
            return "default memory map: Peripheral area (0x40000000-0x5FFFFFFF) is execute-never";
        case 5:
        case 6:
            return "default memory map: Device area (0xA0000000-0xDFFFFFFF) is execute-never";
        case 7:
            return "default memory map: System area (0xE0000000-0xFFFFFFFF) is execute-never";
        default:
            return nullptr;
    }
}

// Boundaries where the default map's decision changes (XN areas and the PPB).
constexpr std::array<std::uint32_t, 5> kDefaultBoundaries = {0x40000000, 0x60000000, 0xA0000000,
                                                             kPpbStart, kPpbEnd};

// CheckPermission(): does AP deny this access?
bool ap_denies(std::uint8_t ap, bool privileged, bool write) {
    switch (ap) {
        case 0b000:
            return true;
        case 0b001:
            return !privileged;
        case 0b010:
            return !privileged && write;
        case 0b011:
            return false;
        case 0b100:
            return true;  // reserved encoding: we deny everybody (docs/0003-mpu.md)
        case 0b101:
            return !privileged || write;
        case 0b110:
        case 0b111:
            return write;
    }
    return true;
}

unsigned kind_index(AccessKind kind) {
    return static_cast<unsigned>(kind);
}

unsigned allow_bit(AccessKind kind, bool privileged) {
    return (privileged ? 3u : 0u) + kind_index(kind);
}

// "AP=010 (priv RW, unpriv RO) denies unprivileged write", one string per (ap, privilege, kind),
// built once so that decisions can carry a plain const char*.
const char* ap_reason(std::uint8_t ap, bool privileged, AccessKind kind) {
    static const std::vector<std::string> table = [] {
        std::vector<std::string> t;
        for (unsigned a = 0; a < 8; ++a)
            for (unsigned p = 0; p < 2; ++p)
                for (unsigned k = 0; k < 3; ++k) {
                    std::string bits = {char('0' + ((a >> 2) & 1)), char('0' + ((a >> 1) & 1)),
                                        char('0' + (a & 1))};
                    t.push_back("AP=" + bits + " (" + mpu_ap_text(static_cast<std::uint8_t>(a)) +
                                ") denies " + (p ? "privileged " : "unprivileged ") +
                                access_kind_name(static_cast<AccessKind>(k)));
                }
        return t;
    }();
    return table[(ap & 7u) * 6 + (privileged ? 3 : 0) + kind_index(kind)].c_str();
}

// Why nothing matched: "sub-region 5 of region 0 is disabled and no lower region covers the
// address (unprivileged code has no background map)", or the plain version without a hole.
const char* no_region_reason(int hole_region, unsigned hole_subregion, bool privileged) {
    static const std::vector<std::string> table = [] {
        std::vector<std::string> t;
        for (int p = 0; p < 2; ++p) {
            std::string tail = p ? "PRIVDEFENA=0, so privileged code has no background map"
                                 : "unprivileged code has no background map";
            t.push_back("no enabled region covers the address (" + tail + ")");
            for (int r = 0; r < 8; ++r)
                for (int sub = 0; sub < 8; ++sub)
                    t.push_back(
                        "sub-region " + std::to_string(sub) + " of region " + std::to_string(r) +
                        " is disabled and no lower region covers the address (" + tail + ")");
        }
        return t;
    }();
    std::size_t base = privileged ? 65 : 0;
    if (hole_region < 0) return table[base].c_str();
    return table[base + 1 + static_cast<std::size_t>(hole_region) * 8 + (hole_subregion & 7u)]
        .c_str();
}

}  // namespace

const char* mpu_ap_text(std::uint8_t ap) {
    static constexpr const char* kText[8] = {
        "no access",                 // 000
        "priv RW, unpriv none",      // 001
        "priv RW, unpriv RO",        // 010
        "priv RW, unpriv RW",        // 011
        "reserved: no access",       // 100
        "priv RO, unpriv none",      // 101
        "priv RO, unpriv RO",        // 110
        "priv RO, unpriv RO (111)",  // 111
    };
    return kText[ap & 7u];
}

const char* access_kind_name(AccessKind kind) {
    switch (kind) {
        case AccessKind::Read:
            return "read";
        case AccessKind::Write:
            return "write";
        case AccessKind::Execute:
            return "execute";
    }
    return "?";
}

// ---- MpuRegion ----

std::uint32_t MpuRegion::size_bytes() const {
    unsigned lg = size_log2();
    return lg >= 32 ? 0u : (1u << lg);
}

std::uint32_t MpuRegion::base() const {
    unsigned lg = size_log2();
    if (lg >= 32) return 0;
    std::uint32_t align = lg < 5 ? kAddrMask : ~((1u << lg) - 1u);
    return rbar & align;
}

bool MpuRegion::contains(std::uint32_t addr) const {
    unsigned lg = size_log2();
    return lg >= 32 || ((addr ^ base()) >> lg) == 0;
}

// ---- Registers ----

Mpu::Mpu() {
    reset();
}

void Mpu::reset() {
    ctrl_ = 0;
    rnr_ = 0;
    written_addr_.fill(0);
    for (unsigned i = 0; i < kRegions; ++i) regions_[i] = MpuRegion{i, 0};
    changed();
}

std::uint32_t Mpu::read(std::uint32_t offset) const {
    switch (offset) {
        case kType:
            return kTypeValue;
        case kCtrl:
            return ctrl_;
        case kRnr:
            return rnr_;
        case kRbar:
        case kRbar + 8:
        case kRbar + 16:
        case kRbar + 24:
            // ADDR masked to the region's alignment, VALID reads 0, REGION reads RNR.
            return regions_[rnr_].rbar;
        case kRasr:
        case kRasr + 8:
        case kRasr + 16:
        case kRasr + 24:
            return regions_[rnr_].rasr;
        default:
            return 0;
    }
}

void Mpu::write(std::uint32_t offset, std::uint32_t value) {
    switch (offset) {
        case kCtrl: {
            std::uint32_t v = value & (kCtrlEnable | kCtrlHfnmiena | kCtrlPrivdefena);
            if (v != ctrl_) {
                ctrl_ = v;
                changed();
            }
            return;
        }
        case kRnr:
            if (value < kRegions) rnr_ = value;  // >= 8 is UNPREDICTABLE: ignored
            return;
        case kRbar:
        case kRbar + 8:
        case kRbar + 16:
        case kRbar + 24: {
            if (value & kRbarValid) {
                std::uint32_t region = value & 0xFu;
                if (region >= kRegions) return;  // UNPREDICTABLE: ignored
                rnr_ = region;
            }
            MpuRegion& r = regions_[rnr_];
            std::uint32_t before = r.rbar;
            written_addr_[rnr_] = value & kAddrMask;
            r.rbar = written_addr_[rnr_] | rnr_;
            r.rbar = r.base() | rnr_;
            if (r.rbar != before) changed();
            return;
        }
        case kRasr:
        case kRasr + 8:
        case kRasr + 16:
        case kRasr + 24: {
            MpuRegion& r = regions_[rnr_];
            std::uint32_t before_rasr = r.rasr, before_rbar = r.rbar;
            r.rasr = value & kRasrMask;
            // The base read-back depends on SIZE: re-mask the address as written.
            r.rbar = written_addr_[rnr_] | rnr_;
            r.rbar = r.base() | rnr_;
            if (r.rasr != before_rasr || r.rbar != before_rbar) changed();
            return;
        }
        default:
            return;  // MPU_TYPE is read-only; unknown offsets are ignored
    }
}

Mpu::ConfigKey Mpu::config_key() const {
    ConfigKey k{};
    k[0] = ctrl_;
    for (unsigned i = 0; i < kRegions; ++i) {
        k[1 + 2 * i] = regions_[i].rbar;
        k[2 + 2 * i] = regions_[i].rasr;
    }
    return k;
}

void Mpu::changed() {
    // Keep the table of the configuration being left, for when it comes back.
    for (Seen& e : seen_)
        if (e.generation == generation_ && generation_ != 0 && !dirty_ && !e.built) {
            e.built = true;
            e.span_count = span_count_;
            e.spans = spans_;
            e.starts = starts_;
        }
    const ConfigKey key = config_key();
    dirty_ = true;
    Seen* hit = nullptr;
    for (Seen& e : seen_)
        if (e.generation != 0 && e.key == key) hit = &e;
    if (!hit) {
        hit = &seen_[seen_next_++ % kSeen];
        *hit = Seen{key, ++generations_};
    } else if (hit->built) {
        span_count_ = hit->span_count;
        spans_ = hit->spans;
        starts_ = hit->starts;
        last_ = previous_ = 0;
        dirty_ = false;
    }
    generation_ = hit->generation;
    if (on_change) on_change();
}

bool Mpu::privileged_checks_needed() const {
    if (!enabled()) return false;
    if (!(ctrl_ & kCtrlPrivdefena)) return true;
    return std::any_of(regions_.begin(), regions_.end(), [](const MpuRegion& r) {
        return r.active() && (r.ap() == 0 || r.ap() >= 4);
    });
}

bool Mpu::privileged_fetch_checks_needed() const {
    if (!enabled()) return false;
    if (!(ctrl_ & kCtrlPrivdefena)) return true;
    return std::any_of(regions_.begin(), regions_.end(), [](const MpuRegion& r) {
        return r.active() && (r.xn() || r.ap() == 0 || r.ap() == 4);
    });
}

// ---- The reference decision ----

MpuDecision Mpu::decide_default(std::uint32_t addr, AccessKind kind) const {
    if (kind == AccessKind::Execute) {
        if (const char* why = default_xn_reason(addr))
            return {false, MpuDecision::kBackground, why};
    }
    return {true, MpuDecision::kNotChecked, "default memory map"};
}

MpuDecision Mpu::decide_reference(std::uint32_t addr, AccessKind kind, bool privileged,
                                  int exec_priority) const {
    // ValidateAddress(): the PPB, a disabled MPU and (without HFNMIENA) handlers running at
    // negative priority use the default memory map.
    if (is_ppb(addr)) {
        MpuDecision d = decide_default(addr, kind);
        if (d.allowed) d.reason = "PPB: default memory map, never through the MPU";
        return d;
    }
    if (!(ctrl_ & kCtrlEnable))
        return decide_default(addr, kind);  // HFNMIENA=1 here: treated
                                            // as disabled
    if (!(ctrl_ & kCtrlHfnmiena) && exec_priority < 0) {
        MpuDecision d = decide_default(addr, kind);
        if (d.allowed) d.reason = "priority < 0 and HFNMIENA=0: MPU bypassed";
        return d;
    }

    bool hit = privileged && (ctrl_ & kCtrlPrivdefena);
    int hit_region = hit ? MpuDecision::kBackground : MpuDecision::kNoRegion;
    std::uint8_t ap = 0b011;
    bool xn = default_xn_reason(addr) != nullptr;
    int hole_region = -1;  // highest region whose disabled sub-region covers addr (for text)
    unsigned hole_subregion = 0;
    // Highest-numbered matching region wins; a disabled sub-region does not match, so lower
    // regions or the background decide there.
    for (int n = kRegions - 1; n >= 0; --n) {
        const MpuRegion& r = regions_[n];
        if (!r.active() || !r.contains(addr)) continue;
        if (std::uint8_t srd = r.effective_srd()) {
            unsigned subregion = ((addr - r.base()) >> (r.size_log2() - 3)) & 7u;
            if (srd & (1u << subregion)) {
                if (hole_region < 0) {
                    hole_region = n;
                    hole_subregion = subregion;
                }
                continue;
            }
        }
        hit = true;
        hit_region = n;
        ap = r.ap();
        xn = r.xn();
        break;
    }
    if (addr >= kPpbStart) xn = true;  // System space is always execute-never

    if (!hit) {
        return {false, MpuDecision::kNoRegion,
                no_region_reason(hole_region, hole_subregion, privileged)};
    }
    // CheckPermission(): a fetch needs read permission and no XN.
    bool write = kind == AccessKind::Write;
    if (ap_denies(ap, privileged, write))
        return {false, hit_region, ap_reason(ap, privileged, kind)};
    if (kind == AccessKind::Execute && xn) {
        const char* why = hit_region >= 0 ? (addr >= kPpbStart ? "System area is execute-never"
                                                               : "region is XN (execute-never)")
                                          : "background map: area is execute-never";
        return {false, hit_region, why};
    }
    return {true, hit_region, hit_region >= 0 ? "region permits" : "background map (PRIVDEFENA)"};
}

// ---- The fast path ----

void Mpu::rebuild() const {
    // Every address where some region, sub-region or default-map area starts or ends.
    std::array<std::uint32_t, kMaxSpans> points{};
    unsigned n = 0;
    points[n++] = 0;
    for (std::uint32_t b : kDefaultBoundaries) points[n++] = b;
    for (const MpuRegion& r : regions_) {
        if (!r.active() || r.size_log2() >= 32) continue;  // a 4 GiB region has no edges
        std::uint64_t base = r.base(), size = r.size_bytes();
        if (r.effective_srd()) {
            for (unsigned s = 0; s < 8; ++s)
                points[n++] = static_cast<std::uint32_t>(base + s * size / 8);
        } else {
            points[n++] = static_cast<std::uint32_t>(base);
        }
        if (base + size < (1ull << 32)) points[n++] = static_cast<std::uint32_t>(base + size);
    }
    std::sort(points.begin(), points.begin() + n);
    n = static_cast<unsigned>(std::unique(points.begin(), points.begin() + n) - points.begin());

    // The decision is constant on each interval: evaluate the reference at its start, at a
    // priority where the MPU applies, and merge neighbours that decide alike.
    span_count_ = 0;
    for (unsigned i = 0; i < n; ++i) {
        Span s;
        s.start = points[i];
        for (bool priv : {false, true})
            for (AccessKind k : {AccessKind::Read, AccessKind::Write, AccessKind::Execute}) {
                MpuDecision d = decide_reference(s.start, k, priv, 0);
                if (d.allowed) s.allow |= static_cast<std::uint8_t>(1u << allow_bit(k, priv));
                // Reads name the region for every allowed access (an allowed fetch hits the same
                // region); denials are re-decided by the reference anyway.
                if (k == AccessKind::Read) s.region[priv] = static_cast<std::int8_t>(d.region);
            }
        if (span_count_ > 0) {
            const Span& prev = spans_[span_count_ - 1];
            if (prev.allow == s.allow && prev.region == s.region) continue;
        }
        spans_[span_count_] = s;
        starts_[span_count_] = s.start;
        ++span_count_;
    }
    for (unsigned i = 0; i < span_count_; ++i) {
        std::uint32_t end_last = i + 1 < span_count_ ? starts_[i + 1] - 1u : 0xFFFFFFFFu;
        spans_[i].last_offset = end_last - spans_[i].start;
    }
    last_ = previous_ = 0;
    dirty_ = false;
}

unsigned Mpu::find_span(std::uint32_t addr) const {
    return static_cast<unsigned>(
        std::upper_bound(starts_.begin(), starts_.begin() + span_count_, addr) - starts_.begin() -
        1);
}

MpuDecision Mpu::check_range(std::uint32_t addr, std::uint32_t size, AccessKind kind,
                             bool privileged, int exec_priority, std::uint32_t* denied_addr) const {
    std::uint64_t a = addr;
    const std::uint64_t end = std::min<std::uint64_t>(std::uint64_t{addr} + size, 1ull << 32);
    MpuDecision first;
    bool table = (ctrl_ & kCtrlEnable) && !(exec_priority < 0 && !(ctrl_ & kCtrlHfnmiena));
    while (a < end) {
        auto a32 = static_cast<std::uint32_t>(a);
        MpuDecision d = check(a32, kind, privileged, exec_priority);
        if (a == addr) first = d;
        if (!d.allowed) {
            if (denied_addr) *denied_addr = a32;
            return d;
        }
        // Skip to where the decision can next change.
        std::uint64_t next = 1ull << 32;
        if (table) {
            if (last_ + 1 < span_count_) next = starts_[last_ + 1];
        } else {
            for (std::uint32_t b : kDefaultBoundaries)
                if (b > a32) {
                    next = b;
                    break;
                }
        }
        a = next;
    }
    return first;
}

std::optional<bool> Mpu::uniform(std::uint32_t start, std::uint32_t size, AccessKind kind,
                                 bool privileged, int exec_priority) const {
    const std::uint64_t end = std::uint64_t{start} + size;  // exclusive
    const bool first = check(start, kind, privileged, exec_priority).allowed;
    if (!(ctrl_ & kCtrlEnable) || (exec_priority < 0 && !(ctrl_ & kCtrlHfnmiena))) {
        // The default map changes its decision only at its fixed boundaries.
        for (std::uint32_t b : kDefaultBoundaries)
            if (b > start && b < end) return std::nullopt;
        return first;
    }
    if (dirty_) rebuild();
    const unsigned bit = 1u << ((privileged ? 3u : 0u) + static_cast<unsigned>(kind));
    for (unsigned i = find_span(start); i < span_count_ && starts_[i] < end; ++i)
        if (((spans_[i].allow & bit) != 0) != first) return std::nullopt;
    return first;
}

}  // namespace tockemu
