#pragma once
// PMSAv7 MPU of the Cortex-M4 (ARMv7-M ARM B3.5): register file plus the pure access decision.
// The CPU's System Control Space forwards 0xE000ED90-0xE000EDBB here; the enforcer in emu/cpu
// calls check() for the accesses it must check (docs/0003-mpu.md). Implemented by the MPU issue.
//
// Two implementations of the decision live here on purpose:
//  - decide_reference(): the ARM ARM's ValidateAddress()/CheckPermission() pseudocode, step by
//    step, producing the human-readable reason. Slow, obviously right, used for denials and tests.
//  - check(): the enforcer's hot path. Every configuration change marks a flat interval table
//    dirty; the next check() rebuilds it (once per change burst, not per register write: Tock
//    rewrites all 16 RBAR/RASR words on every context switch) by evaluating the reference at
//    each interval start, so both agree by construction. A lookup is a one-entry cache hit or a
//    binary search over at most ~80 intervals.
//
// UNPREDICTABLE cases, decided here (docs/0003-mpu.md has the table):
//  - RASR.SIZE < 4 (regions under 32 bytes): the region never matches.
//  - SRD on a region smaller than 256 bytes: ignored (all of the region is enabled).
//  - AP = 100 (reserved): no access for anybody.
//  - CTRL.ENABLE = 0 with HFNMIENA = 1: the MPU is disabled (default map).
//  - RNR or RBAR.REGION (with VALID) >= 8: the write is ignored, as QEMU does.
//  - RBAR.ADDR not aligned to the region size: the low bits are ignored (the pseudocode compares
//    address<31:lsbit> only) and read back as 0. QEMU instead ignores such a region entirely.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace tockemu {

enum class AccessKind : std::uint8_t { Read, Write, Execute };

struct MpuRegion {
    std::uint32_t rbar = 0;  // as read back (ADDR | region number)
    std::uint32_t rasr = 0;
    bool enabled() const { return rasr & 1u; }
    // 2^(SIZE+1); 0 stands for 4 GiB (SIZE = 31), which does not fit in 32 bits.
    std::uint32_t size_bytes() const;
    std::uint32_t base() const;  // aligned to the region size
    std::uint8_t srd() const { return static_cast<std::uint8_t>(rasr >> 8); }
    std::uint8_t ap() const { return static_cast<std::uint8_t>((rasr >> 24) & 7u); }
    bool xn() const { return rasr & (1u << 28); }
    unsigned size_field() const { return (rasr >> 1) & 0x1Fu; }
    unsigned size_log2() const { return size_field() + 1; }
    // Whether the region takes part in address matching (enabled and SIZE >= 4, i.e. >= 32 B).
    bool active() const { return enabled() && size_field() >= 4; }
    // Sub-region disable bits that actually apply (0 below 256 bytes, where SRD is ignored).
    std::uint8_t effective_srd() const { return size_field() >= 7 ? srd() : 0; }
    bool contains(std::uint32_t addr) const;  // inside the region's whole extent
};

struct MpuDecision {
    bool allowed = true;
    // Region that decided: 0..7, kBackground (default map / PRIVDEFENA), kNotChecked (MPU off,
    // or an address the MPU never covers: PPB/System Control Space, vector table reads),
    // kNoRegion (MPU on, no enabled region matches and no background map applies: denied).
    int region = kNotChecked;
    static constexpr int kBackground = -1;
    static constexpr int kNotChecked = -2;
    static constexpr int kNoRegion = -3;
    const char* reason = "";  // short why, for the trace ("AP=010 denies unprivileged write")
};

class Mpu {
  public:
    static constexpr std::uint32_t kBase = 0xE000ED90;  // MPU_TYPE
    static constexpr std::uint32_t kSize = 0x2C;        // through RASR_A3 (0xE000EDB8)
    static constexpr unsigned kRegions = 8;

    // Register offsets from kBase (ARMv7-M ARM B3.5.4, table B3-11).
    static constexpr std::uint32_t kType = 0x00;    // MPU_TYPE   RO 0x00000800
    static constexpr std::uint32_t kCtrl = 0x04;    // MPU_CTRL   RW ENABLE|HFNMIENA|PRIVDEFENA
    static constexpr std::uint32_t kRnr = 0x08;     // MPU_RNR    RW REGION[7:0]
    static constexpr std::uint32_t kRbar = 0x0C;    // MPU_RBAR   RW ADDR|VALID|REGION
    static constexpr std::uint32_t kRasr = 0x10;    // MPU_RASR   RW XN|AP|TEX|S|C|B|SRD|SIZE|EN
    static constexpr std::uint32_t kRbarA1 = 0x14;  // aliases of RBAR/RASR (v7-M: same region)
    static constexpr std::uint32_t kRasrA3 = 0x28;

    static constexpr std::uint32_t kTypeValue = 0x00000800;  // DREGION=8, unified (SEPARATE=0)
    static constexpr std::uint32_t kCtrlEnable = 1u << 0;
    static constexpr std::uint32_t kCtrlHfnmiena = 1u << 1;
    static constexpr std::uint32_t kCtrlPrivdefena = 1u << 2;
    static constexpr std::uint32_t kRbarValid = 1u << 4;
    // XN | AP | TEX | S | C | B | SRD | SIZE | ENABLE; everything else reads as 0.
    static constexpr std::uint32_t kRasrMask = 0x173FFF3F;

    Mpu();
    std::uint32_t read(std::uint32_t offset) const;  // offset from kBase
    void write(std::uint32_t offset, std::uint32_t value);
    void reset();

    // `exec_priority` is the current execution priority (-1 HardFault/FAULTMASK, -2 NMI, else
    // >= 0, 256 = thread mode with no boost); it matters for HFNMIENA.
    // Not for vector table reads on exception entry: those are never MPU-checked.
    // Inline: this is the enforcer's per-access call (a few ns on a cache hit).
    MpuDecision check(std::uint32_t addr, AccessKind kind, bool privileged,
                      int exec_priority) const {
        if (!(ctrl_ & kCtrlEnable) || (exec_priority < 0 && !(ctrl_ & kCtrlHfnmiena)))
            return decide_reference(addr, kind, privileged, exec_priority);  // default map
        if (dirty_) rebuild();
        unsigned i = last_;
        if (addr - spans_[i].start > spans_[i].last_offset) {
            i = previous_;
            if (addr - spans_[i].start > spans_[i].last_offset) i = find_span(addr);
            previous_ = last_;
            last_ = i;
        }
        const Span& s = spans_[i];
        if (s.allow & (1u << ((privileged ? 3u : 0u) + static_cast<unsigned>(kind))))
            return {true, s.region[privileged], ""};
        return decide_reference(addr, kind, privileged, exec_priority);  // explains the denial
    }
    // The enforcer's per-access call for an access of `size` (>= 1) bytes: one lookup when the
    // whole access lies in the cached interval (the common case), else check_range(). On a
    // denial *denied_addr is the first denied byte (MMFAR: "any address in the range of the
    // requested access" for a split unaligned access, Cortex-M4 Generic User Guide 4.3.13).
    MpuDecision check_access(std::uint32_t addr, unsigned size, AccessKind kind, bool privileged,
                             int exec_priority, std::uint32_t* denied_addr = nullptr) const {
        if ((ctrl_ & kCtrlEnable) && !(exec_priority < 0 && !(ctrl_ & kCtrlHfnmiena))) {
            if (dirty_) rebuild();
            const Span& s = spans_[last_];
            const std::uint32_t off = addr - s.start;
            if (off <= s.last_offset && s.last_offset - off >= size - 1u &&
                (s.allow & (1u << ((privileged ? 3u : 0u) + static_cast<unsigned>(kind)))))
                return {true, s.region[privileged], ""};
        }
        return check_range(addr, size, kind, privileged, exec_priority, denied_addr);
    }
    // An access of `size` bytes from `addr` (unaligned, LDM/STM, a translation block): the
    // decision for the first denied byte, whose address goes to *denied_addr (left untouched
    // when everything is allowed). Each byte is checked, as the architecture checks each
    // element of an unaligned access; the cost is one lookup per interval crossed.
    MpuDecision check_range(std::uint32_t addr, std::uint32_t size, AccessKind kind,
                            bool privileged, int exec_priority,
                            std::uint32_t* denied_addr = nullptr) const;
    // Whether every byte of [start, start + size) decides the same way for `kind`: true (all
    // allowed), false (all denied), or nullopt (a region or sub-region boundary cuts the range).
    // The TLB fast path asks this per 1 KiB page (emu/cpu/uc_fastpath.hpp).
    std::optional<bool> uniform(std::uint32_t start, std::uint32_t size, AccessKind kind,
                                bool privileged, int exec_priority) const;
    // The pseudocode of B3.5 (ValidateAddress + CheckPermission) evaluated directly.
    MpuDecision decide_reference(std::uint32_t addr, AccessKind kind, bool privileged,
                                 int exec_priority) const;

    bool enabled() const { return ctrl_ & 1u; }
    std::uint32_t ctrl() const { return ctrl_; }
    std::uint32_t rnr() const { return rnr_; }
    const std::array<MpuRegion, 8>& regions() const { return regions_; }
    // True when some privileged data access could be denied (MPU on and PRIVDEFENA off, or an
    // active region grants privileged code less than read/write): the enforcer then checks
    // privileged loads/stores too. Tock's configuration (PRIVDEFENA=1, AP 010/011) gives false.
    bool privileged_checks_needed() const;
    // The same for privileged instruction fetches (adds XN regions and AP=000/100).
    bool privileged_fetch_checks_needed() const;
    // Names the effective configuration: it changes with every change, and a configuration
    // seen recently gets its old number back (Tock rewrites the same process configuration at
    // every switch to it, and turns the MPU off and on around kernel work), so that what
    // depends on the configuration (lookup tables, the unprivileged TLB, fetch verdicts) is
    // kept across the round trip.
    std::uint64_t generation() const { return generation_; }
    // Called after every register write that changed the configuration (for the trace).
    std::function<void()> on_change;

  private:
    // One interval of the flat table: [start, next start) decides the same way everywhere.
    struct Span {
        std::uint32_t start = 0;
        std::uint32_t last_offset = 0;        // last address - start (the last span ends at 2^32-1)
        std::uint8_t allow = 0;               // bit (privileged ? 3 : 0) + kind
        std::array<std::int8_t, 2> region{};  // deciding region [privileged] for allowed accesses
    };
    static constexpr unsigned kMaxSpans = 96;

    void changed();
    void rebuild() const;
    using ConfigKey = std::array<std::uint32_t, 1 + 2 * kRegions>;
    ConfigKey config_key() const;
    std::uint32_t region_index_for_write() const;
    unsigned find_span(std::uint32_t addr) const;  // binary search over the starts
    MpuDecision decide_default(std::uint32_t addr, AccessKind kind) const;

    std::uint32_t ctrl_ = 0;
    std::uint32_t rnr_ = 0;
    std::array<std::uint32_t, 8> written_addr_{};  // RBAR.ADDR as written (before masking)
    std::array<MpuRegion, 8> regions_{};
    std::uint64_t generation_ = 0;

    // Lazily rebuilt lookup table (a cache of decide_reference(); mutable for const check()).
    mutable bool dirty_ = true;
    mutable unsigned span_count_ = 0;
    mutable std::array<Span, kMaxSpans> spans_{};
    mutable std::array<std::uint32_t, kMaxSpans> starts_{};
    // Two most recent answers: code alternates between its stack/data in RAM and literal
    // pools in flash, so two entries catch nearly every access.
    mutable unsigned last_ = 0;
    mutable unsigned previous_ = 0;

    // Recently seen configurations with their generation and lookup table (once built).
    struct Seen {
        ConfigKey key{};
        std::uint64_t generation = 0;
        bool built = false;
        unsigned span_count = 0;
        std::array<Span, kMaxSpans> spans{};
        std::array<std::uint32_t, kMaxSpans> starts{};
    };
    static constexpr unsigned kSeen = 4;
    std::array<Seen, kSeen> seen_{};
    unsigned seen_next_ = 0;
    std::uint64_t generations_ = 0;  // numbers handed out
};

// Text for AP encodings, e.g. "priv RW, unpriv RO" (all eight, reserved 100 included).
const char* mpu_ap_text(std::uint8_t ap);
const char* access_kind_name(AccessKind kind);  // "read", "write", "execute"

}  // namespace tockemu
