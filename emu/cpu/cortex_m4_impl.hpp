#pragma once
// Private to emu/cpu: the Cortex-M4 core's implementation state (CortexM4::Impl) and the
// helpers its files share (cortex_m4.cpp, exception_model.cpp, faults.cpp, sleep.cpp,
// tb_blocks.cpp, traps.cpp, memory_hooks.cpp). Nothing outside emu/cpu includes it.
#include "emu/cpu/cortex_m4.hpp"

#include <capstone/capstone.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <cstdio>
#include <cstring>
#include <set>
#include <span>
#include <stdexcept>

#include "emu/cpu/align_scan.hpp"
#include "emu/cpu/semihosting.hpp"
#include "emu/cpu/uc_fastpath.hpp"
#include "emu/mpu/mpu.hpp"

namespace tockemu {

// An address the guest never executes, passed as `until` so that uc_emu_start's invalidation of
// the TB at until-1 never hits live code (unicorn.md §7.1). Execute-never in the default map.
constexpr std::uint32_t kUntil = 0xF0000000;

constexpr std::uint32_t XPSR_T = 1u << 24;
// Unmapped (system region) base an alignment-faulting access is redirected to, so that it aborts;
// far enough from anything mapped for every immediate offset and LDMDB/STMDB.
constexpr std::uint32_t kAlignTrapBase = 0xF8000000;
// SAM4L flash controller (HFLASHC) and its page size: a command written there may commit a page
// buffer filled by CPU stores, rewriting flash behind Unicorn's translated code.
constexpr std::uint32_t kFlashControllerBase = 0x400A0000, kFlashPage = 512;
constexpr std::uint32_t XPSR_STKALIGN = 1u << 9;
constexpr std::uint32_t XPSR_IPSR = 0x1FF;
constexpr std::uint32_t XPSR_IT = 0x0600FC00;
constexpr std::uint32_t CONTROL_NPRIV = 1, CONTROL_SPSEL = 2;

constexpr std::uint32_t EXC_RETURN_HANDLER = 0xFFFFFFF1, EXC_RETURN_THREAD_MSP = 0xFFFFFFF9,
                        EXC_RETURN_THREAD_PSP = 0xFFFFFFFD;

enum class StopCause {
    None,          // uc_emu_start returned on its own (WFI, error)
    Boundary,      // the block hook stopped at a TB boundary (time, interrupt, request)
    Interrupt,     // Unicorn trap (svc, bkpt, exception exit, prefetch abort, ...)
    Unmapped,      // access to an unmapped address (also reported as an error by uc_emu_start)
    Trap,          // an instruction trap hook fired (NOCP, DIVBYZERO)
    InstallTraps,  // a new TB needs instruction traps before it may run
    Breakpoint,
    Watchpoint,
    MpuData,    // MPU refused an unprivileged data access
    MpuFetch,   // MPU refused an unprivileged instruction fetch (checked at TB start)
    PpbDenied,  // unprivileged access to the System Control Space / debug area: BusFault
    Unaligned,  // unaligned access with CCR.UNALIGN_TRP set: UsageFault UNALIGNED
    // An access that must be aligned whatever CCR.UNALIGN_TRP says (LDRD/STRD, LDM/STM,
    // STREX/STREXH) is about to be made unaligned: UsageFault UNALIGNED at Impl::trap_pc,
    // nothing of it done.
    UnalignedSite,
    MmioGap,  // a data access inside a mapped MMIO page where no device is: BusFault
};

enum class TrapKind : std::uint8_t { Nocp, DivZero, MsrControl, Align, Exclusive, StrexFail, Hint };

// 16 bytes, so a slot never straddles a cache line on the per-block path (a 20-byte slot cost
// ~5% on short-block loops). A TB holds at most 512 instructions within two pages: both fit 16
// bits.
struct TbInfo {
    std::uint32_t addr = 0xFFFFFFFF;
    std::uint16_t size = 0;
    std::uint16_t count = 0;
    // Fetch-check generation (Impl::fetch_gen) at which this block's start was found
    // executable: while it matches, the block needs no MPU fetch check.
    std::uint32_t fetch_ok = 0;
    // Alignment checks at block entry (Impl::align_pool index + 1; 0 = none), see align_scan.hpp.
    std::uint32_t align = 0;
};
static_assert(sizeof(TbInfo) == 16);
// TbInfo::align of a block that is one unconditional branch to itself (`b .`, `b.w .`): it has
// no alignment checks, and the block hook's slow path fast-forwards it (on_block_slow).
constexpr std::uint32_t kSpinBlock = 0xFFFFFFFF;

struct MmioRange {
    CortexM4* core;
    std::uint32_t base;
};

// ---- C trampolines (Unicorn calls these; they forward to the core) ----
inline void tramp_block(uc_engine*, std::uint64_t addr, std::uint32_t size, void* ud) {
    static_cast<CortexM4*>(ud)->on_block(addr, size);
}
inline void tramp_intr(uc_engine*, std::uint32_t intno, void* ud) {
    static_cast<CortexM4*>(ud)->on_interrupt(intno);
}
inline bool tramp_unmapped(uc_engine*, uc_mem_type type, std::uint64_t addr, int size,
                           std::int64_t value, void* ud) {
    return static_cast<CortexM4*>(ud)->on_unmapped(type, addr, size, value);
}
inline bool tramp_write_prot(uc_engine*, uc_mem_type, std::uint64_t addr, int size,
                             std::int64_t value, void* ud) {
    return static_cast<CortexM4*>(ud)->on_write_prot(addr, size, value);
}
inline void tramp_trap(uc_engine*, std::uint64_t addr, std::uint32_t, void* ud) {
    static_cast<CortexM4*>(ud)->on_trap(addr);
}
inline void tramp_watch(uc_engine*, uc_mem_type type, std::uint64_t addr, int size, std::int64_t,
                        void* ud) {
    static_cast<CortexM4*>(ud)->on_watch(type, addr, size);
}
inline std::uint64_t tramp_mmio_read(uc_engine*, std::uint64_t off, unsigned size, void* ud) {
    auto* r = static_cast<MmioRange*>(ud);
    return r->core->mmio_read(r->base + static_cast<std::uint32_t>(off), size);
}
inline void tramp_mmio_write(uc_engine*, std::uint64_t off, unsigned size, std::uint64_t value,
                             void* ud) {
    auto* r = static_cast<MmioRange*>(ud);
    r->core->mmio_write(r->base + static_cast<std::uint32_t>(off), size, value);
}

inline int uc_reg_of(CoreReg r) {
    switch (r) {
        case CoreReg::SP:
            return UC_ARM_REG_SP;
        case CoreReg::LR:
            return UC_ARM_REG_LR;
        case CoreReg::PC:
            return UC_ARM_REG_PC;
        case CoreReg::XPSR:
            return UC_ARM_REG_XPSR;
        case CoreReg::MSP:
            return UC_ARM_REG_MSP;
        case CoreReg::PSP:
            return UC_ARM_REG_PSP;
        case CoreReg::PRIMASK:
            return UC_ARM_REG_PRIMASK;
        case CoreReg::BASEPRI:
            return UC_ARM_REG_BASEPRI;
        case CoreReg::FAULTMASK:
            return UC_ARM_REG_FAULTMASK;
        case CoreReg::CONTROL:
            return UC_ARM_REG_CONTROL;
        default:
            return UC_ARM_REG_R0 + static_cast<int>(r);
    }
}

// MSR to CONTROL (SYSm 0x14) or to a mask register (PRIMASK 0x10 .. FAULTMASK 0x13), T1
// encoding 1111 0011 100x Rn | 1000 1000 SYSm.
inline bool is_msr_special(std::uint16_t hw1, std::uint16_t hw2) {
    const unsigned sysm = hw2 & 0xFF;
    return (hw1 & 0xFFF0) == 0xF380 && (hw2 & 0xFF00) == 0x8800 && sysm >= 0x10 && sysm <= 0x14;
}
// LDREX (T1: 1110 1000 0101 Rn) and LDREXB/LDREXH (1110 1000 1101 Rn | Rt 1111 010x 1111).
inline bool is_load_exclusive(std::uint16_t hw1, std::uint16_t hw2) {
    return (hw1 & 0xFFF0) == 0xE850 || ((hw1 & 0xFFF0) == 0xE8D0 && (hw2 & 0xE0) == 0x40);
}
// STREX (T1: 1110 1000 0100 Rn | Rt Rd imm8) and STREXB/STREXH (1110 1000 1100 Rn |
// Rt 1111 010x Rd). Returns the status register Rd, or -1.
inline int store_exclusive_status_reg(std::uint16_t hw1, std::uint16_t hw2) {
    if ((hw1 & 0xFFF0) == 0xE840) return (hw2 >> 8) & 0xF;
    if ((hw1 & 0xFFF0) == 0xE8C0 && (hw2 & 0xE0) == 0x40) return hw2 & 0xF;
    return -1;
}
// CPSIE (T1: 1011 0110 0110 0 0 I F), which clears PRIMASK/FAULTMASK.
inline bool is_cpsie(std::uint16_t hw1, unsigned size) {
    return size == 2 && (hw1 & 0xFFFC) == 0xB660;
}

inline bool is_coprocessor(std::uint16_t hw1) {
    return (hw1 & 0xEC00) == 0xEC00;
}

// SEV (T1 0xBF40, T2 0xF3AF 0x8004).
inline bool is_sev(std::uint16_t hw1, std::uint16_t hw2) {
    return hw1 == 0xBF40 || (hw1 == 0xF3AF && hw2 == 0x8004);
}
// ISB (T1: 1111 0011 1011 1111 | 1000 1111 0110 option).
inline bool is_isb(std::uint16_t hw1, std::uint16_t hw2) {
    return hw1 == 0xF3BF && (hw2 & 0xFFF0) == 0x8F60;
}

// ITAdvance (A7.3.3): the ITSTATE of the next instruction.
inline std::uint8_t it_advance(std::uint8_t it) {
    return (it & 7) == 0 ? 0 : static_cast<std::uint8_t>((it & 0xE0) | ((it << 1) & 0x1F));
}
inline std::uint32_t xpsr_with_itstate(std::uint32_t xpsr, std::uint8_t it) {
    return (xpsr & ~XPSR_IT) | ((it & 3u) << 25) | (std::uint32_t{it} >> 2 << 10);
}
inline std::uint8_t itstate_of(std::uint32_t xpsr) {
    return static_cast<std::uint8_t>(((xpsr >> 25) & 3u) | ((xpsr >> 8) & 0xFCu));
}

// A block-entry alignment check: the site faults if (register at entry + offset) & mask != 0.
struct AlignCheck {
    std::uint32_t site;
    std::uint32_t mask;
    int reg;  // -1: the base is a misaligned constant, the site always faults
    std::uint32_t offset;
    std::int32_t disp;
    bool exact_at_entry;  // first instruction of the block and unconditional
    // Not an alignment check: the block has an ISB that may be inside an IT block begun before
    // the block, so its entry ITSTATE is recorded (Impl::isb_entry) for the ISB's hook.
    bool record_itstate = false;
};

// A site checked when it executes (one-instruction code hook): its base register.
struct AlignSiteHook {
    CortexM4* core;
    std::uint32_t pc;
    int uc_reg;
    std::uint32_t mask;
    std::int32_t disp;
    bool store;
    std::string mnemonic;
    std::uint8_t itstate;
};

inline void tramp_align_site(uc_engine*, std::uint64_t, std::uint32_t, void* ud) {
    auto* site = static_cast<AlignSiteHook*>(ud);
    site->core->on_align_site(site);
}

// Registers of the interrupted context, as the exception entry stacks them.
struct CoreState {
    std::uint32_t r[4], r12, lr, pc, xpsr;
};

struct CortexM4::Impl final : ucfast::UserPolicy {
    CortexM4& core;
    MachineContext& ctx;
    ExceptionState& exc;
    Scs& scs;
    Mpu& mpu;
    uc_engine* uc = nullptr;
    csh cs = 0;

    std::vector<std::unique_ptr<MmioRange>> mmio;
    // Block information: a direct-mapped table (the hot path looks at one slot) backed by a
    // second way, so that kernel and app code 64 KiB apart do not evict each other at every
    // system call (a miss decodes the block again with Capstone). tbs[i + kTbSets] is the
    // second way of slot i.
    static constexpr unsigned kTbSets = 8192;
    std::array<TbInfo, 2 * kTbSets> tbs{};
    std::uint32_t last_tb_addr = 0, last_tb_size = 0, last_tb_count = 0;

    // Stop bookkeeping (hooks record, the run loop acts).
    StopCause cause = StopCause::None;
    std::uint32_t intno = 0;
    std::uint32_t fault_addr = 0;
    bool fault_write = false;
    TrapKind trap_kind = TrapKind::Nocp;
    std::uint32_t trap_pc = 0;
    std::vector<std::pair<std::uint32_t, TrapKind>> traps_to_install;
    std::map<std::uint32_t, uc_hook> trap_hooks;
    std::set<std::uint32_t> div_sites;  // known sdiv/udiv addresses (for DIV_0_TRP)
    bool div_trap_armed = false;
    bool privilege_check = false;
    // ClearExclusiveLocal() on exception entry and return (B1.5.6, B1.5.8). Unicorn's monitor
    // cannot be reset through its API, so the next STREX* fails by trap until an LDREX* runs.
    bool monitor_cleared = true;
    std::set<std::uint32_t> strex_in_it;  // STREX* sites inside an IT block (no trap possible)
    // An MSR to BASEPRI ran: drop its unimplemented low bits at the next block (B1.4.3).
    bool basepri_mask_pending = false;
    bool privileged_checks_translated = false;  // kernel TBs were translated with the MPU hook
    // Where a block-hook stop happened. Unicorn may leave PC at the start of the previous
    // (chained) block after such a stop although that block has completed, so the run loop
    // puts PC back here before doing anything else.
    std::uint32_t block_stop_pc = 0;  // an MSR CONTROL ran: compare privilege at the next block

    std::map<std::uint32_t, uc_hook> breakpoints;
    std::optional<std::uint32_t> skip_breakpoint;
    struct Watch {
        std::uint32_t addr, len;
        WatchKind kind;
        uc_hook hook;
    };
    std::vector<Watch> watches;
    std::uint32_t watch_hit = 0;
    bool watch_write = false;
    std::vector<std::uint8_t> watch_old_bytes;  // what a watched store overwrote
    // r0-r12, sp, lr at the watched access: the store instruction's base writeback (post/pre-
    // indexed, STM, PUSH) comes after the hook and is undone with the store.
    std::array<std::uint32_t, 15> watch_regs{};
    bool watch_suppressed = false;  // while the reported access runs after a watch stop
    // A watchpoint stop leaves PC at the accessing instruction, access not done: resuming runs
    // that instruction once without watching, so the same access does not stop again.
    std::optional<std::uint32_t> skip_watch;

    // Debugging must not move TB boundaries, which are where time, events and interrupts are
    // looked at. A debugger stop (breakpoint, watchpoint, single step) can leave the core in
    // the middle of the block a free run would execute whole; this many instructions of that
    // block are still to run. While it is non-zero the next block start is not a boundary:
    // no events, no interrupts, no deadline until the free run's block has ended.
    std::uint32_t in_block_left = 0;

    // Accesses that must be aligned whatever CCR.UNALIGN_TRP says (align_scan.hpp): each block's
    // entry checks live in align_pool (TbInfo::align), sites that are checked when they execute
    // have a code hook (trap_hooks, TrapKind::Align) reading their entry in align_sites.
    std::vector<std::vector<AlignCheck>> align_pool;
    std::vector<std::uint32_t> align_free;
    std::vector<AlignCheck> decoded_checks;              // of the block decode_tb saw last
    bool decoded_spin = false;                           // that block is `b .` (kSpinBlock)
    std::map<std::uint32_t, AlignSiteHook> align_sites;  // every site seen, by address
    // (literal pool word, block): a Static verdict rests on that word staying as it was.
    std::set<std::pair<std::uint32_t, std::uint32_t>> literal_blocks;
    std::uint32_t align_fault_addr = 0;
    bool align_fault_counted = false;  // the block hook charged the faulting block whole
    // The code hook pointed the base register elsewhere (see on_align_site): its real value.
    std::optional<std::pair<int, std::uint32_t>> align_base_saved;
    void set_slot(TbInfo& slot, std::uint32_t addr, std::uint32_t size, std::uint32_t count);
    void clear_slot(TbInfo& slot);
    bool check_alignment(const TbInfo& slot, std::uint32_t addr, std::uint32_t size);
    void handle_unaligned_site();
    void refuse_mmio_gap(std::uint32_t addr, unsigned size, AccessKind kind);
    void refuse_data_access(std::uint32_t addr, AccessKind kind, unsigned size,
                            const MpuDecision& d, StopCause why);
    void handle_mmio_gap();
    void drop_translations(std::uint32_t addr, std::uint32_t len);

    // CCR.UNALIGN_TRP: a data hook that checks alignment exists only while the bit is set, so
    // code pays for it only then (hooks bind at translation: code is dropped on each change).
    uc_hook align_hook = 0;
    bool align_wanted() const { return (scs.ccr() & scb::UNALIGN_TRP) != 0; }
    void update_align_hook();

    // MPU enforcement: the data hook exists only while unprivileged code runs, unless the
    // Unicorn 2.0.1 fast path (uc_fastpath.hpp) is on: then the TLB enforces it for
    // unprivileged code (translate() below decides per 1 KiB page) and only privileged checks
    // (PRIVDEFENA off, restrictive regions) still use the hook.
    uc_hook mpu_hook = 0;
    std::unique_ptr<ucfast::Engine> fast;
    std::uint64_t user_tlb_mpu = UINT64_MAX;  // Mpu::generation() the unprivileged TLB reflects
    bool decoded_unpriv_access = false;       // decode_tb: the block has an LDRT/STRT-class insn
    bool unpriv_access_seen = false;          // some block had one (sync_user_tlb)
    bool user_tlb_setmpend = false;           // CCR.USERSETMPEND it reflects
    bool tlb_mpu() const { return fast != nullptr; }
    ucfast::PageVerdict translate(std::uint32_t addr, ucfast::Access kind,
                                  bool negative_priority) override;
    void sync_user_tlb();
    bool user_tlb_current() const;
    bool mpu_hook_wanted() const {
        return privileged_checks_translated ||
               (!tlb_mpu() && (unprivileged || mpu_checks_active()));
    }
    void handle_tlb_denial(const ucfast::Denial& d);
    unsigned access_size_at(std::uint32_t pc);
    void report_mpu_data(std::uint32_t fpc);
    bool unprivileged = false;  // shadow of (thread mode && CONTROL.nPRIV) at the last stop
    struct Denied {
        std::uint32_t addr;
        AccessKind kind;
        unsigned size;
        MpuDecision decision;
        std::vector<std::uint8_t> old_bytes;
    } denied{};

    // Sleep and the event register (B1.5.18-B1.5.19): WFE sleeps only without an event; an
    // exception return, SEV (its code hook), a preempting asynchronous exception and, with
    // SCR.SEVONPEND, any exception entering the Pending state set it.
    bool event_register = false;
    bool wfe_sleep = false;  // asleep in WFE (else WFI or sleep-on-exit)
    bool hint_stop();        // uc_emu_start stopped after a WFE or YIELD: run it
    bool bkpt_halt = false;  // a BKPT halted the core for the debugger
    void go_to_sleep(bool wfe);
    void wake_up();

    // Run limits in executed-instruction terms.
    std::uint64_t limit = 0;
    std::uint64_t idle_cycles = 0;  // cycles spent asleep (WFI fast-forward)
    bool poll_masks = false;
    ExceptionState::Masks cached_masks;
    bool exit_requested = false;
    int exit_code = 0;
    bool reset_requested = false;
    std::string lockup_message;
    std::set<std::uint32_t> dirty_flash_pages;

    Impl(CortexM4& c, MachineContext& x, ExceptionState& e, Scs& s, Mpu& m)
        : core(c), ctx(x), exc(e), scs(s), mpu(m) {}

    // ---- Unicorn register access ----
    // Register reads between two runs are cached: an exception entry or return asks for IPSR,
    // CONTROL and the masks dozens of times, and each uc_reg_read costs ~40 ns. Any write drops
    // the cache (writes to one special register change others); so does running the guest, and
    // hooks inside a run read Unicorn directly.
    std::uint32_t rd(int id) const {
        const auto i = static_cast<unsigned>(id);
        if (!in_emulation && i < reg_cache.size() && reg_valid.test(i)) return reg_cache[i];
        std::uint32_t v = 0;
        uc_reg_read(uc, id, &v);
        if (!in_emulation && i < reg_cache.size()) {
            reg_cache[i] = v;
            reg_valid.set(i);
        }
        return v;
    }
    void wr(int id, std::uint32_t v) {
        reg_valid.reset();
        uc_reg_write(uc, id, &v);
    }
    bool in_emulation = false;
    mutable std::array<std::uint32_t, 256> reg_cache{};
    mutable std::bitset<256> reg_valid;
    // The one way into uc_emu_start: the unprivileged TLB brought up to date, the fast path's
    // scope, and the register cache dropped on both sides.
    uc_err emu_start(std::uint32_t pc, std::size_t count) {
        sync_user_tlb();
        ucfast::Engine::Scope scope(fast.get());
        reg_valid.reset();
        in_emulation = true;
        const uc_err err = uc_emu_start(uc, pc | 1, kUntil, 0, count);
        in_emulation = false;
        reg_valid.reset();
        return err;
    }
    // Unicorn takes EPSR.T from bit 0 of a PC write: always write Thumb addresses.
    void set_pc(std::uint32_t a) { wr(UC_ARM_REG_PC, a | 1u); }
    // Writing APSR_NZCV back rebuilds Unicorn's cached hflags (unicorn.md §0.3).
    void rebuild_hflags() { wr(UC_ARM_REG_APSR_NZCV, rd(UC_ARM_REG_APSR_NZCV)); }

    struct Sys {
        std::uint32_t ipsr, control, msp, psp, primask, basepri, faultmask;
    };
    // Banked/special registers, correct in every mode: while unprivileged in thread mode the API
    // reads them as 0, so step into handler mode for the read (unicorn.md §7.2 get_banked).
    Sys read_sys() {
        Sys s{};
        s.ipsr = rd(UC_ARM_REG_IPSR) & XPSR_IPSR;
        s.control = rd(UC_ARM_REG_CONTROL);
        const bool unpriv_thread = s.ipsr == 0 && (s.control & CONTROL_NPRIV);
        if (unpriv_thread) wr(UC_ARM_REG_IPSR, 1);
        s.msp = rd(UC_ARM_REG_MSP);
        s.psp = rd(UC_ARM_REG_PSP);
        s.primask = rd(UC_ARM_REG_PRIMASK);
        s.basepri = rd(UC_ARM_REG_BASEPRI);
        s.faultmask = rd(UC_ARM_REG_FAULTMASK);
        if (unpriv_thread) {
            wr(UC_ARM_REG_IPSR, 0);
            rebuild_hflags();
        }
        return s;
    }
    // Drops every translated block, memory by memory. Invalidating the code ranges costs
    // microseconds where UC_CTL_TB_FLUSH costs ~45 ms (unicorn.md §6.4).
    void drop_all_code() {
        for (const auto& m : ctx.bus.memories())
            uc_ctl_remove_cache(uc, m->base, std::uint64_t{m->base} + m->bytes.size());
        for (auto& t : tbs) clear_slot(t);
    }
    // The privileged-safe sequence of unicorn.md §7.2: mode, privilege and both stack pointers.
    void set_core(std::uint32_t ipsr, std::uint32_t control, std::uint32_t msp, std::uint32_t psp) {
        wr(UC_ARM_REG_IPSR, 1);
        wr(UC_ARM_REG_CONTROL, 0);
        wr(UC_ARM_REG_IPSR, 0);
        wr(UC_ARM_REG_CONTROL, 0);
        wr(UC_ARM_REG_MSP, msp);
        wr(UC_ARM_REG_PSP, psp);
        if (ipsr == 0 && (control & CONTROL_SPSEL)) wr(UC_ARM_REG_CONTROL, CONTROL_SPSEL);
        if (ipsr) wr(UC_ARM_REG_IPSR, ipsr);
        wr(UC_ARM_REG_CONTROL, ipsr ? (control & ~CONTROL_SPSEL) : control);
        rebuild_hflags();
    }
    // Writes a special register that the API ignores while unprivileged.
    void write_privileged(int id, std::uint32_t v) {
        const std::uint32_t ipsr = rd(UC_ARM_REG_IPSR) & XPSR_IPSR;
        const bool unpriv_thread = ipsr == 0 && (rd(UC_ARM_REG_CONTROL) & CONTROL_NPRIV);
        if (unpriv_thread) wr(UC_ARM_REG_IPSR, 1);
        wr(id, v);
        if (unpriv_thread) {
            wr(UC_ARM_REG_IPSR, 0);
            rebuild_hflags();
        }
    }

    ExceptionState::Masks masks() {
        const std::uint32_t ipsr = rd(UC_ARM_REG_IPSR) & XPSR_IPSR;
        const std::uint32_t control = rd(UC_ARM_REG_CONTROL);
        // Unprivileged thread code cannot change the masks (MSR/CPS are ignored there) and the
        // API reads them as 0: the values from the last privileged point still hold.
        if (ipsr == 0 && (control & CONTROL_NPRIV)) return cached_masks;
        cached_masks.primask = rd(UC_ARM_REG_PRIMASK) & 1;
        cached_masks.faultmask = rd(UC_ARM_REG_FAULTMASK) & 1;
        cached_masks.basepri = static_cast<std::uint8_t>(rd(UC_ARM_REG_BASEPRI));
        return cached_masks;
    }
    int exec_priority() { return exc.execution_priority(masks()); }
    // Code hook at an LDREX*/STREX* site (the instruction has not run yet).
    void exclusive_site(std::uint32_t addr, std::uint16_t hw1, std::uint16_t hw2) {
        if (is_load_exclusive(hw1, hw2)) {
            monitor_cleared = false;  // Unicorn's own monitor now holds this LDREX
        } else if (monitor_cleared && cause == StopCause::None && !strex_in_it.contains(addr) &&
                   store_exclusive_status_reg(hw1, hw2) >= 0) {
            cause = StopCause::Trap;
            trap_kind = TrapKind::StrexFail;
            trap_pc = addr;
            uc_emu_stop(uc);
        }
    }
    void mask_basepri() {
        if (is_unprivileged()) return;  // the MSR was ignored
        const std::uint32_t v = rd(UC_ARM_REG_BASEPRI);
        if (v & 0x0F) wr(UC_ARM_REG_BASEPRI, v & 0xF0);
    }
    bool is_unprivileged() {
        return (rd(UC_ARM_REG_IPSR) & XPSR_IPSR) == 0 && (rd(UC_ARM_REG_CONTROL) & CONTROL_NPRIV);
    }

    // ---- Time ----
    void sync_clock() {
        const std::uint64_t target = core.executed_ + idle_cycles;
        if (target > ctx.clock.cycles()) ctx.clock.advance_cycles(target - ctx.clock.cycles());
    }

    // ---- Events ----
    template <class T>
    void publish(T&& payload) {
        if (!ctx.events.active()) return;
        sync_clock();
        ctx.publish(EventPayload{std::forward<T>(payload)});
    }

    // ---- Guest memory for the exception engine ----
    bool mpu_allows(std::uint32_t addr, AccessKind kind, bool privileged) {
        if (!mpu.enabled()) return true;
        if (privileged && !mpu.privileged_checks_needed()) return true;
        return mpu.check(addr, kind, privileged, exec_priority()).allowed;
    }
    bool read_word(std::uint32_t addr, std::uint32_t& v) {
        const BusResult r = ctx.bus.read(addr, 4, Initiator::Cpu);
        v = r.value;
        return r.ok;
    }

    // ---- Translation blocks ----
    static unsigned tb_index(std::uint32_t addr) { return (addr >> 1) & (kTbSets - 1); }
    // The slot of (addr, size), moved to the first way when found in the second; or nullptr.
    TbInfo* find_tb(std::uint32_t addr, std::uint32_t size) {
        TbInfo& first = tbs[tb_index(addr)];
        if (first.addr == addr && first.size == size) return &first;
        TbInfo& second = tbs[tb_index(addr) + kTbSets];
        if (second.addr != addr || second.size != size) return nullptr;
        std::swap(first, second);
        return &first;
    }
    // The most recently decoded block starting at addr, whatever its size.
    const TbInfo* find_tb_at(std::uint32_t addr) const {
        const TbInfo& first = tbs[tb_index(addr)];
        const TbInfo& second = tbs[tb_index(addr) + kTbSets];
        return first.addr == addr ? &first : second.addr == addr ? &second : nullptr;
    }
    // A free first-way slot for a block at addr: the second way's block is dropped, the first
    // way's moves there.
    TbInfo& claim_tb(std::uint32_t addr) {
        TbInfo& first = tbs[tb_index(addr)];
        TbInfo& second = tbs[tb_index(addr) + kTbSets];
        clear_slot(second);
        second = first;
        first = TbInfo{};
        return first;
    }
    std::uint32_t decode_tb(std::uint32_t addr, std::uint32_t size);
    void classify_alignment_sites(std::uint32_t block, const cs_insn* insn, std::size_t n);
    std::string disassemble_one(std::uint32_t pc);
    std::uint32_t rewind_to_denied_access();
    void restore_itstate(std::uint32_t pc);
    // ITSTATE after the instructions of [block, end), entered with ITSTATE `start`.
    std::uint8_t itstate_after(std::uint32_t block, std::uint32_t end, std::uint8_t start);
    // Unicorn 2.0.1 ends a block at an ISB without storing the block's IT state, so the next
    // block would run under ITSTATE 0. The ISB's hook (isb_site) records the right value here;
    // the next block start stops and sets it (on_block_slow).
    struct ItstateFixup {
        std::uint32_t pc;
        std::uint8_t itstate;
    };
    std::optional<ItstateFixup> itstate_fixup;
    // ITSTATE after each ISB that follows an IT instruction in its block (known at decode).
    std::map<std::uint32_t, std::uint8_t> isb_itstate;
    // The entry ITSTATE of the last block that records it (AlignCheck::record_itstate).
    struct {
        std::uint32_t block = 0xFFFFFFFF;
        std::uint8_t itstate = 0;
    } isb_entry;
    void isb_site(std::uint32_t addr);
    void note_isb_sites(std::uint32_t block, const cs_insn* insn, std::size_t n);
    bool writes_any(const cs_insn& insn, const std::vector<unsigned>& regs);
    void ignore_bus_fault(std::uint32_t fpc);
    bool ran_up_to(const cs_insn* insn, unsigned from, unsigned to,
                   const std::vector<unsigned>& regs);
    std::optional<std::pair<std::uint32_t, unsigned>> locate_access(std::uint32_t fault_addr,
                                                                    int want_store = -1);
    std::optional<unsigned> index_in_last_tb(std::uint32_t pc);
    std::uint32_t insn_size(std::uint32_t pc);
    void stop_inside_block(std::uint32_t pc, unsigned index);
    void stop_at_watched_access();

    // ---- Exceptions ----
    std::uint32_t vector(unsigned n, bool& ok) {
        std::uint32_t v = 0;
        ok = read_word(scs.vtor() + 4 * n, v);
        return v;
    }
    void enter(unsigned n, std::uint32_t return_address,
               std::optional<std::uint32_t> xpsr_override = std::nullopt);
    void tail_chain(unsigned n, std::uint32_t exc_return);
    void exception_return(std::uint32_t exc_return);
    void branch_to_handler(std::uint32_t vector_entry);
    void invpc_on_return(std::uint32_t exc_return, const std::string& invalid);
    void unstacking_error(FaultClass cls, std::uint32_t cfsr_bit, std::uint32_t exc_return,
                          std::uint32_t addr);
    void raise_fault(FaultClass cls, std::uint32_t cfsr_bits, std::uint32_t return_address,
                     std::optional<std::uint32_t> address, std::string detail,
                     std::optional<std::uint32_t> xpsr_override = std::nullopt);
    void escalate_or_lockup(unsigned& target, std::uint32_t pc, const std::string& why);
    void lockup(std::uint32_t pc, std::string reason);
    bool take_pending();
    bool wake_condition();

    // ---- Stop handlers ----
    void handle_interrupt();
    void handle_error(uc_err err);
    void handle_svc(std::uint32_t return_address);
    void handle_bkpt(std::uint32_t pc);
    void handle_trap();
    void handle_mpu_data();
    void handle_unaligned();
    void install_traps();
    void hook_pending_traps();
    void update_mpu_hook();
    // MPU checks apply to the code about to run: always for unprivileged code with the MPU on,
    // for privileged code only when some region could deny it (Mpu::privileged_checks_needed).
    bool mpu_checks_active() const {
        return mpu.enabled() && (unprivileged || mpu.privileged_checks_needed());
    }
    void rearm_div_traps();

    std::uint64_t compute_limit(Picos deadline, std::uint64_t insn_limit) {
        sync_clock();
        Picos t = deadline;
        if (auto d = ctx.clock.next_deadline(); d && *d < t) t = *d;
        const std::uint64_t c = ctx.clock.cycles_until(t);
        std::uint64_t l = core.executed_ + std::max<std::uint64_t>(c, 1);
        return std::min(l, insn_limit);
    }
    Picos run_deadline = 0;
    int cached_prio = kThreadPriority;  // execution priority while unprivileged code runs
    // MPU fetch checks in the block hook: on while unprivileged with the MPU on, or while some
    // region can deny a privileged fetch. fetch_gen names the current (MPU configuration,
    // privilege, priority) state; blocks remember the generation they were checked under.
    // A state seen recently keeps its number, so that a process's blocks stay checked across
    // the kernel's work between two of its time slices (Mpu::generation() does the same).
    bool fetch_checks = false;
    std::uint32_t fetch_gen = 1, fetch_gens = 1;
    struct FetchKey {
        std::uint64_t mpu = 0;
        bool unpriv = false;
        int prio = 0;
        std::uint32_t gen = 0;  // 0: unused
    };
    std::array<FetchKey, 4> fetch_keys{};
    unsigned fetch_key_next = 0;
    bool fetch_checks_wanted() const {
        return mpu.enabled() && (unprivileged || mpu.privileged_fetch_checks_needed());
    }
    void arm_fetch_checks() {
        fetch_checks = fetch_checks_wanted();
        select_fetch_gen();
    }
    void select_fetch_gen() {
        for (const FetchKey& k : fetch_keys)
            if (k.gen && k.mpu == mpu.generation() && k.unpriv == unprivileged &&
                k.prio == cached_prio) {
                fetch_gen = k.gen;
                return;
            }
        fetch_gen = ++fetch_gens;
        fetch_keys[fetch_key_next++ % fetch_keys.size()] = {mpu.generation(), unprivileged,
                                                            cached_prio, fetch_gen};
    }
    std::uint64_t run_insn_limit = UINT64_MAX;
};

}  // namespace tockemu
