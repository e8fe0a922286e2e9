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

namespace {

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
void tramp_block(uc_engine*, std::uint64_t addr, std::uint32_t size, void* ud) {
    static_cast<CortexM4*>(ud)->on_block(addr, size);
}
void tramp_intr(uc_engine*, std::uint32_t intno, void* ud) {
    static_cast<CortexM4*>(ud)->on_interrupt(intno);
}
bool tramp_unmapped(uc_engine*, uc_mem_type type, std::uint64_t addr, int size, std::int64_t value,
                    void* ud) {
    return static_cast<CortexM4*>(ud)->on_unmapped(type, addr, size, value);
}
bool tramp_write_prot(uc_engine*, uc_mem_type, std::uint64_t addr, int size, std::int64_t value,
                      void* ud) {
    return static_cast<CortexM4*>(ud)->on_write_prot(addr, size, value);
}
void tramp_trap(uc_engine*, std::uint64_t addr, std::uint32_t, void* ud) {
    static_cast<CortexM4*>(ud)->on_trap(addr);
}
void tramp_watch(uc_engine*, uc_mem_type type, std::uint64_t addr, int size, std::int64_t,
                 void* ud) {
    static_cast<CortexM4*>(ud)->on_watch(type, addr, size);
}
std::uint64_t tramp_mmio_read(uc_engine*, std::uint64_t off, unsigned size, void* ud) {
    auto* r = static_cast<MmioRange*>(ud);
    return r->core->mmio_read(r->base + static_cast<std::uint32_t>(off), size);
}
void tramp_mmio_write(uc_engine*, std::uint64_t off, unsigned size, std::uint64_t value, void* ud) {
    auto* r = static_cast<MmioRange*>(ud);
    r->core->mmio_write(r->base + static_cast<std::uint32_t>(off), size, value);
}

int uc_reg_of(CoreReg r) {
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
bool is_msr_special(std::uint16_t hw1, std::uint16_t hw2) {
    const unsigned sysm = hw2 & 0xFF;
    return (hw1 & 0xFFF0) == 0xF380 && (hw2 & 0xFF00) == 0x8800 && sysm >= 0x10 && sysm <= 0x14;
}
// LDREX (T1: 1110 1000 0101 Rn) and LDREXB/LDREXH (1110 1000 1101 Rn | Rt 1111 010x 1111).
bool is_load_exclusive(std::uint16_t hw1, std::uint16_t hw2) {
    return (hw1 & 0xFFF0) == 0xE850 || ((hw1 & 0xFFF0) == 0xE8D0 && (hw2 & 0xE0) == 0x40);
}
// STREX (T1: 1110 1000 0100 Rn | Rt Rd imm8) and STREXB/STREXH (1110 1000 1100 Rn |
// Rt 1111 010x Rd). Returns the status register Rd, or -1.
int store_exclusive_status_reg(std::uint16_t hw1, std::uint16_t hw2) {
    if ((hw1 & 0xFFF0) == 0xE840) return (hw2 >> 8) & 0xF;
    if ((hw1 & 0xFFF0) == 0xE8C0 && (hw2 & 0xE0) == 0x40) return hw2 & 0xF;
    return -1;
}
// CPSIE (T1: 1011 0110 0110 0 0 I F), which clears PRIMASK/FAULTMASK.
bool is_cpsie(std::uint16_t hw1, unsigned size) {
    return size == 2 && (hw1 & 0xFFFC) == 0xB660;
}

bool is_coprocessor(std::uint16_t hw1) {
    return (hw1 & 0xEC00) == 0xEC00;
}

// SEV (T1 0xBF40, T2 0xF3AF 0x8004).
bool is_sev(std::uint16_t hw1, std::uint16_t hw2) {
    return hw1 == 0xBF40 || (hw1 == 0xF3AF && hw2 == 0x8004);
}
// ISB (T1: 1111 0011 1011 1111 | 1000 1111 0110 option).
bool is_isb(std::uint16_t hw1, std::uint16_t hw2) {
    return hw1 == 0xF3BF && (hw2 & 0xFFF0) == 0x8F60;
}

// ITAdvance (A7.3.3): the ITSTATE of the next instruction.
std::uint8_t it_advance(std::uint8_t it) {
    return (it & 7) == 0 ? 0 : static_cast<std::uint8_t>((it & 0xE0) | ((it << 1) & 0x1F));
}
std::uint32_t xpsr_with_itstate(std::uint32_t xpsr, std::uint8_t it) {
    return (xpsr & ~XPSR_IT) | ((it & 3u) << 25) | (std::uint32_t{it} >> 2 << 10);
}
std::uint8_t itstate_of(std::uint32_t xpsr) {
    return static_cast<std::uint8_t>(((xpsr >> 25) & 3u) | ((xpsr >> 8) & 0xFCu));
}

}  // namespace

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

namespace {
void tramp_align_site(uc_engine*, std::uint64_t, std::uint32_t, void* ud) {
    auto* site = static_cast<AlignSiteHook*>(ud);
    site->core->on_align_site(site);
}
}  // namespace

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
    // Block information, two ways per set: kernel and app code 64 KiB apart must not evict
    // each other at every system call (a miss decodes the block again with Capstone).
    static constexpr unsigned kTbSetBits = 12;
    std::array<TbInfo, 2u << kTbSetBits> tbs{};
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
    TbInfo* tb_set(std::uint32_t addr) {
        return &tbs[2 * (((addr >> 1) * 0x9E3779B1u) >> (32 - kTbSetBits))];
    }
    TbInfo* find_tb(std::uint32_t addr, std::uint32_t size) {
        TbInfo* set = tb_set(addr);
        if (set[0].addr == addr && set[0].size == size) return &set[0];
        if (set[1].addr == addr && set[1].size == size) return &set[1];
        return nullptr;
    }
    // The most recently decoded block starting at addr, whatever its size.
    const TbInfo* find_tb_at(std::uint32_t addr) {
        TbInfo* set = tb_set(addr);
        return set[0].addr == addr ? &set[0] : set[1].addr == addr ? &set[1] : nullptr;
    }
    // A free slot for a block at addr: the set's older way is dropped, the newer one ages.
    TbInfo& claim_tb(std::uint32_t addr) {
        TbInfo* set = tb_set(addr);
        clear_slot(set[1]);
        set[1] = set[0];
        set[0] = TbInfo{};
        return set[0];
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

// ------------------------------------------------------------------------------------------------
// Construction, mapping, reset

CortexM4::CortexM4(MachineContext& ctx, ExceptionState& exceptions, Scs& scs, Mpu& mpu)
    : impl_(std::make_unique<Impl>(*this, ctx, exceptions, scs, mpu)) {
    auto& I = *impl_;
    // Thumb-only mode + explicit model: UC_MODE_MCLASS would give a Cortex-M33 (unicorn.md §0.1).
    if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &I.uc) != UC_ERR_OK)
        throw std::runtime_error("unicorn: cannot open an ARM engine");
    if (uc_ctl_set_cpu_model(I.uc, UC_CPU_ARM_CORTEX_M4) != UC_ERR_OK)
        throw std::runtime_error("unicorn: cannot select the Cortex-M4 model");
    if (cs_open(CS_ARCH_ARM, static_cast<cs_mode>(CS_MODE_THUMB | CS_MODE_MCLASS), &I.cs) !=
        CS_ERR_OK)
        throw std::runtime_error("capstone: cannot open a Thumb disassembler");
    cs_option(I.cs, CS_OPT_DETAIL, CS_OPT_ON);
    if (ucfast::status().enabled) I.fast = std::make_unique<ucfast::Engine>(I.uc, &I);
    spdlog::debug("{}", ucfast::status().text);

    uc_hook h;
    uc_hook_add(I.uc, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(tramp_block), this, 1, 0);
    uc_hook_add(I.uc, &h, UC_HOOK_INTR, reinterpret_cast<void*>(tramp_intr), this, 1, 0);
    uc_hook_add(I.uc, &h, UC_HOOK_MEM_UNMAPPED, reinterpret_cast<void*>(tramp_unmapped), this, 1,
                0);
    uc_hook_add(I.uc, &h, UC_HOOK_MEM_WRITE_PROT, reinterpret_cast<void*>(tramp_write_prot), this,
                1, 0);

    exceptions.on_change = [this] { force_boundary(); };
    // SEVONPEND: an exception entering the Pending state, enabled or not, asleep or not, is a
    // WFE wake-up event and so sets the event register (B1.5.18).
    exceptions.on_pend = [this] {
        if (impl_->scs.scr() & scb::SEVONPEND) impl_->event_register = true;
    };
    scs.current_exception = [this] { return impl_->rd(UC_ARM_REG_IPSR) & XPSR_IPSR; };
    scs.on_ccr_change = [this] {
        impl_->rearm_div_traps();
        impl_->privilege_check = true;  // UNALIGN_TRP may need the alignment hook
    };
    scs.on_system_reset = [this] {
        impl_->reset_requested = true;
        force_boundary();
    };
}

CortexM4::~CortexM4() {
    impl_->fast.reset();
    if (impl_->uc) uc_close(impl_->uc);
    if (impl_->cs) cs_close(&impl_->cs);
}

void CortexM4::map_bus() {
    auto& I = *impl_;
    constexpr std::uint32_t kPage = 0x400;
    for (const auto& m : I.ctx.bus.memories()) {
        const std::uint32_t size = (m->size() + kPage - 1) & ~(kPage - 1);
        if (size != m->size()) m->bytes.resize(size, 0xFF);
        // Flash is read/execute: CPU stores trap to the write-protect hook, which routes them to
        // the flash controller's page buffer (Memory::store_handler).
        const bool is_flash = m->base < 0x20000000;
        const std::uint32_t perms = is_flash ? (UC_PROT_READ | UC_PROT_EXEC) : UC_PROT_ALL;
        if (uc_mem_map_ptr(I.uc, m->base, size, perms, m->bytes.data()) != UC_ERR_OK)
            throw std::runtime_error(
                fmt::format("unicorn: cannot map memory {} at {:#010x}", m->name, m->base));
        if (I.fast) I.fast->add_ram(m->base, m->bytes.data(), size, !is_flash);
    }
    // Devices: whole 1 KiB pages (Unicorn's granularity), merged; accesses between devices on a
    // mapped page are answered by the bus (bus error => logged, read as zero).
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pages;
    for (const auto& d : I.ctx.bus.devices()) {
        const std::uint64_t b = d.base & ~std::uint64_t{kPage - 1};
        const std::uint64_t e =
            (std::uint64_t{d.base} + d.size + kPage - 1) & ~std::uint64_t{kPage - 1};
        if (!pages.empty() && b <= pages.back().second)
            pages.back().second = std::max(pages.back().second, e);
        else
            pages.emplace_back(b, e);
    }
    for (const auto& [b, e] : pages) {
        I.mmio.push_back(
            std::make_unique<MmioRange>(MmioRange{this, static_cast<std::uint32_t>(b)}));
        if (uc_mmio_map(I.uc, b, e - b, tramp_mmio_read, I.mmio.back().get(), tramp_mmio_write,
                        I.mmio.back().get()) != UC_ERR_OK)
            throw std::runtime_error(fmt::format("unicorn: cannot map MMIO {:#x}-{:#x}", b, e));
    }
}

void CortexM4::reset(std::uint32_t vtor) {
    auto& I = *impl_;
    I.scs.set_vtor(vtor);
    bool ok0 = false, ok1 = false;
    const std::uint32_t sp = I.vector(0, ok0);
    const std::uint32_t pc = I.vector(1, ok1);
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; ++r) I.wr(r, 0);
    I.set_core(0, 0, sp & ~3u, 0);
    I.wr(UC_ARM_REG_PRIMASK, 0);
    I.wr(UC_ARM_REG_BASEPRI, 0);
    I.wr(UC_ARM_REG_FAULTMASK, 0);
    I.wr(UC_ARM_REG_XPSR, XPSR_T);
    I.wr(UC_ARM_REG_LR, 0xFFFFFFFF);
    I.set_pc(pc & ~1u);
    I.cached_masks = {};
    I.unprivileged = false;
    I.update_mpu_hook();
    sleeping_ = locked_up_ = false;
    I.wfe_sleep = I.event_register = I.bkpt_halt = false;
    I.reset_requested = false;
    I.skip_breakpoint.reset();
    I.skip_watch.reset();
    I.in_block_left = 0;
    if (!ok0 || !ok1) {
        I.lockup(pc, fmt::format("reset: vector table at {:#010x} is not readable", vtor));
    } else if (!(pc & 1)) {
        // ARMv7-M: a reset vector without the Thumb bit faults on the first instruction; with
        // nothing else active that is a HardFault (INVSTATE escalated).
        I.raise_fault(FaultClass::UsageFault, scb::INVSTATE, pc & ~1u, std::nullopt,
                      "INVSTATE: reset vector without the Thumb bit", 0u);
    }
}

void CortexM4::mpu_changed() {
    // Blocks already checked for execute access must be checked again under the new regions
    // (or keep the verdicts they had under this configuration before).
    impl_->select_fetch_gen();
    impl_->privilege_check = true;
    force_boundary();
}

void CortexM4::invalidate_code(std::uint32_t addr, std::uint32_t len) {
    auto& I = *impl_;
    I.drop_translations(addr, len);
    const std::uint64_t end = std::uint64_t{addr} + len;
    // Blocks whose alignment verdict read a literal pool word in the range.
    for (auto it = I.literal_blocks.lower_bound({addr, 0});
         it != I.literal_blocks.end() && it->first < end;) {
        I.drop_translations(it->second, 2);
        it = I.literal_blocks.erase(it);
    }
    // Code hooks of alignment sites whose instruction may have changed: decoding the new code
    // installs what it needs.
    for (auto it = I.trap_hooks.lower_bound(addr); it != I.trap_hooks.end() && it->first < end;) {
        if (!I.align_sites.contains(it->first)) {
            ++it;
            continue;
        }
        uc_hook_del(I.uc, it->second);
        it = I.trap_hooks.erase(it);
    }
}

// Drops the translated code and block information of [addr, addr + len) so that it is
// translated again (with the hooks that exist now); the code itself is unchanged.
void CortexM4::Impl::drop_translations(std::uint32_t addr, std::uint32_t len) {
    uc_ctl_remove_cache(uc, addr, std::uint64_t{addr} + len);
    for (auto& t : tbs)
        if (t.addr + t.size > addr && t.addr < addr + len) clear_slot(t);
}

void CortexM4::Impl::clear_slot(TbInfo& slot) {
    if (slot.align && slot.align != kSpinBlock) {
        align_pool[slot.align - 1].clear();
        align_free.push_back(slot.align - 1);
    }
    slot = TbInfo{};
}

void CortexM4::Impl::set_slot(TbInfo& slot, std::uint32_t addr, std::uint32_t size,
                              std::uint32_t count) {
    clear_slot(slot);
    slot = {addr, static_cast<std::uint16_t>(size), static_cast<std::uint16_t>(count)};
    if (decoded_spin) {
        slot.align = kSpinBlock;
        return;
    }
    if (decoded_checks.empty()) return;
    if (align_free.empty()) {
        align_free.push_back(static_cast<std::uint32_t>(align_pool.size()));
        align_pool.emplace_back();
    }
    slot.align = align_free.back() + 1;
    align_free.pop_back();
    align_pool[slot.align - 1] = std::move(decoded_checks);
    decoded_checks.clear();
}

// ------------------------------------------------------------------------------------------------
// Hooks

// One instruction as text, for fault explanations (cold path only).
std::string CortexM4::Impl::disassemble_one(std::uint32_t pc) {
    std::array<std::uint8_t, 4> code{};
    if (!ctx.bus.read_block(pc & ~1u, code, Initiator::Debugger)) return {};
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code.data(), code.size(), pc & ~1u, 1, &insn);
    std::string text;
    if (n > 0) {
        text = insn[0].mnemonic;
        if (insn[0].op_str[0] != '\0') text += std::string(" ") + insn[0].op_str;
    }
    if (insn != nullptr) cs_free(insn, n);
    return text;
}

std::uint32_t CortexM4::Impl::decode_tb(std::uint32_t addr, std::uint32_t size) {
    std::vector<std::uint8_t> code(size);
    if (!ctx.bus.read_block(addr, code, Initiator::Debugger)) return std::max(1u, size / 2);
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code.data(), code.size(), addr, 0, &insn);
    std::uint32_t decoded_bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
        decoded_bytes += insn[i].size;
        const auto a = static_cast<std::uint32_t>(insn[i].address);
        const std::uint16_t hw1 =
            static_cast<std::uint16_t>(insn[i].bytes[0] | (insn[i].bytes[1] << 8));
        // The SAM4L has no FPU and no coprocessors: these raise NOCP (Unicorn's M4 would run
        // them as an M4F, unicorn.md §7.2).
        if (insn[i].size == 4 && is_coprocessor(hw1) && !trap_hooks.contains(a))
            traps_to_install.emplace_back(a, TrapKind::Nocp);
        // MSR CONTROL can drop privilege in thread mode: the MPU data hook must then be
        // installed, so these few sites get a hook that asks for a look at the next boundary.
        // Instructions that can unmask interrupts (CPSIE, MSR PRIMASK/BASEPRI/BASEPRI_MAX/
        // FAULTMASK) get the same kind of hook, so that a pending, masked interrupt is looked at
        // again only when the masks may have dropped instead of at every block.
        const std::uint16_t hw2 =
            insn[i].size == 4
                ? static_cast<std::uint16_t>(insn[i].bytes[2] | (insn[i].bytes[3] << 8))
                : 0;
        if ((is_msr_special(hw1, hw2) || is_cpsie(hw1, insn[i].size)) && !trap_hooks.contains(a))
            traps_to_install.emplace_back(a, TrapKind::MsrControl);
        // SEV runs as a NOP in Unicorn: its hook sets the event register. ISB: see isb_site().
        if ((insn[i].id == ARM_INS_SEV || insn[i].id == ARM_INS_ISB) && !trap_hooks.contains(a))
            traps_to_install.emplace_back(a, TrapKind::Hint);
        if (insn[i].id == ARM_INS_SDIV || insn[i].id == ARM_INS_UDIV) {
            div_sites.insert(a);
            if (div_trap_armed && !trap_hooks.contains(a))
                traps_to_install.emplace_back(a, TrapKind::DivZero);
        }
    }
    classify_alignment_sites(addr, insn, n);
    note_isb_sites(addr, insn, n);
    // Unprivileged loads and stores (A7.7: LDRT, STRT and their byte/halfword forms) use the
    // unprivileged TLB from privileged code (sync_user_tlb).
    decoded_unpriv_access = std::any_of(insn, insn + n, [](const cs_insn& x) {
        switch (x.id) {
            case ARM_INS_LDRT:
            case ARM_INS_LDRBT:
            case ARM_INS_LDRHT:
            case ARM_INS_LDRSBT:
            case ARM_INS_LDRSHT:
            case ARM_INS_STRT:
            case ARM_INS_STRBT:
            case ARM_INS_STRHT:
                return true;
            default:
                return false;
        }
    });
    // A block that is one branch to itself: B (T2) 0xE7FE or B.W (T4) 0xF7FF 0xBFFE.
    decoded_spin = n == 1 && decoded_bytes == size &&
                   ((size == 2 && insn[0].bytes[0] == 0xFE && insn[0].bytes[1] == 0xE7) ||
                    (size == 4 && insn[0].bytes[0] == 0xFF && insn[0].bytes[1] == 0xF7 &&
                     insn[0].bytes[2] == 0xFE && insn[0].bytes[3] == 0xBF));
    // LDREX*/STREX* sites get a code hook so that a STREX after an exception entry or return
    // fails (local monitor, see monitor_cleared). An alignment hook at the same site does both.
    for (std::size_t i = 0; i < n; ++i) {
        const auto a = static_cast<std::uint32_t>(insn[i].address);
        if (insn[i].size != 4 || trap_hooks.contains(a)) continue;
        const auto hw1 = static_cast<std::uint16_t>(insn[i].bytes[0] | (insn[i].bytes[1] << 8));
        const auto hw2 = static_cast<std::uint16_t>(insn[i].bytes[2] | (insn[i].bytes[3] << 8));
        const bool load = is_load_exclusive(hw1, hw2);
        if (!load && store_exclusive_status_reg(hw1, hw2) < 0) continue;
        // Unicorn ignores a stop requested from a code hook inside an IT block (F9 note): a
        // conditional STREX there follows Unicorn's monitor alone.
        const arm_cc cc = insn[i].detail->arm.cc;
        if (!load && cc != ARM_CC_AL && cc != ARM_CC_INVALID) {
            strex_in_it.insert(a);
            continue;
        }
        traps_to_install.emplace_back(a, TrapKind::Exclusive);
    }
    if (insn) cs_free(insn, n);
    // Bytes Capstone could not decode (UDF, data) count as one instruction per halfword.
    std::uint32_t count = static_cast<std::uint32_t>(n);
    if (decoded_bytes < size) count += (size - decoded_bytes + 1) / 2;
    return std::max(1u, count);
}

// The alignment-checked sites of a block being decoded: block-entry checks go to
// decoded_checks (for the block's slot), sites that need a run-time check are queued for a code
// hook.
void CortexM4::Impl::classify_alignment_sites(std::uint32_t block, const cs_insn* insn,
                                              std::size_t n) {
    decoded_checks.clear();
    // Safety: literal words are read only from flash, whose every rewrite ends in
    // invalidate_code(); RAM literals could change under a cached verdict.
    const LiteralReader flash_literal = [this](std::uint32_t at) -> std::optional<std::uint32_t> {
        const Memory* m = ctx.bus.memory_at(at, 4);
        if (m == nullptr || m->base >= 0x20000000) return std::nullopt;
        std::uint32_t w = 0;
        std::memcpy(&w, m->bytes.data() + (at - m->base), 4);
        return w;
    };
    for (const AlignSite& s : scan_alignment_sites(cs, insn, n, flash_literal)) {
        if (s.literal) literal_blocks.insert({*s.literal, block});
        if (s.how == AlignSite::Base::Static && !s.misaligned_static()) continue;
        const int uc_reg =
            s.site_reg == 14 ? UC_ARM_REG_LR : UC_ARM_REG_R0 + static_cast<int>(s.site_reg);
        align_sites[s.pc] = {&core, s.pc, uc_reg, s.mask, s.disp, s.store, s.mnemonic, s.itstate};
        if (s.how == AlignSite::Base::Runtime) {
            if (!trap_hooks.contains(s.pc)) traps_to_install.emplace_back(s.pc, TrapKind::Align);
            continue;
        }
        const int entry_reg = s.how == AlignSite::Base::Static ? -1
                              : s.reg == 14                    ? UC_ARM_REG_LR
                                            : UC_ARM_REG_R0 + static_cast<int>(s.reg);
        decoded_checks.push_back(
            {s.pc, s.mask, entry_reg, s.offset, s.disp, s.first && !s.conditional, false});
    }
}

// Block-entry alignment checks (the registers are exact here). A predicted fault of the first
// instruction is taken at once; one further in (or in an IT block) gets a code hook at its site
// and the block is restarted, so that the instructions before it run and the fault is precise.
bool CortexM4::Impl::check_alignment(const TbInfo& slot, std::uint32_t addr, std::uint32_t size) {
    for (const AlignCheck& c : align_pool[slot.align - 1]) {
        if (c.record_itstate) [[unlikely]] {
            isb_entry = {addr, itstate_of(rd(UC_ARM_REG_XPSR))};
            continue;
        }
        const std::uint32_t base = c.reg < 0 ? c.offset : rd(c.reg) + c.offset;
        if ((base & c.mask) == 0) [[likely]]
            continue;
        if (trap_hooks.contains(c.site)) continue;  // its code hook decides
        block_stop_pc = addr;
        if (c.exact_at_entry && !(rd(UC_ARM_REG_XPSR) & XPSR_IT)) {
            cause = StopCause::UnalignedSite;
            trap_pc = c.site;
            align_fault_addr = base + static_cast<std::uint32_t>(c.disp);
            align_fault_counted = false;
        } else {
            traps_to_install.emplace_back(c.site, TrapKind::Align);
            cause = StopCause::InstallTraps;
            last_tb_addr = addr;
            last_tb_size = size;
        }
        uc_emu_stop(uc);
        return false;
    }
    return true;
}

bool CortexM4::on_block_slow(std::uint32_t addr, std::uint32_t size) {
    auto& I = *impl_;
    // Before anything that can stop the block (a stop for new trap hooks restarts with a fresh
    // stop_at_, so the boundary the MSR forced would not come back).
    if (I.basepri_mask_pending) [[unlikely]] {
        I.basepri_mask_pending = false;
        I.mask_basepri();
    }
    if (I.itstate_fixup) [[unlikely]] {
        // The block after an ISB inside an IT block (isb_site): it was looked up under a stale
        // ITSTATE. Set the right one and restart here, so that it is translated under it.
        const auto fix = *I.itstate_fixup;
        I.itstate_fixup.reset();
        if (fix.pc == addr) {
            I.wr(UC_ARM_REG_XPSR, xpsr_with_itstate(I.rd(UC_ARM_REG_XPSR), fix.itstate) | XPSR_T);
            if (I.cause == StopCause::None) I.cause = StopCause::Boundary;
            I.block_stop_pc = addr;
            uc_emu_stop(I.uc);
            return false;
        }
    }
    TbInfo* found = I.find_tb(addr, size);
    if (!found) [[unlikely]] {
        const std::uint32_t count = I.decode_tb(addr, size);
        if (!I.traps_to_install.empty()) {
            I.cause = StopCause::InstallTraps;
            I.last_tb_addr = addr;
            I.last_tb_size = size;
            I.block_stop_pc = addr;
            uc_emu_stop(I.uc);
            return false;
        }
        found = &I.claim_tb(addr);
        I.set_slot(*found, addr, size, count);
        if (I.decoded_unpriv_access && !I.unpriv_access_seen) {
            // The first LDRT/STRT-class instruction: from now on the unprivileged TLB follows
            // every configuration change; it may hold another configuration's entries now.
            I.unpriv_access_seen = true;
            if (!I.unprivileged && !I.user_tlb_current()) {
                I.cause = StopCause::Boundary;
                I.block_stop_pc = addr;
                uc_emu_stop(I.uc);
                return false;
            }
        }
    }
    TbInfo& slot = *found;
    if (I.in_block_left) [[unlikely]] {
        // Resuming inside the free run's block: the free run looked at its start already.
        // The next block start gets the full look.
        I.in_block_left = 0;
        stop_at_ = 0;
    } else if (executed_ >= stop_at_) [[unlikely]] {
        // A closer look: deadline, stop request, an interrupt that became takeable, the MPU.
        bool stop = stop_requested_ || I.reset_requested || executed_ >= I.limit;
        if (!stop) {
            I.limit = I.compute_limit(I.run_deadline, I.run_insn_limit);
            stop = executed_ >= I.limit;
        }
        if (!stop && I.privilege_check) {
            I.privilege_check = false;
            // Privilege or MPU configuration changed: restart re-arms the MPU hooks if needed.
            const bool priv_checks = I.mpu.enabled() && I.mpu.privileged_checks_needed();
            stop = I.is_unprivileged() != I.unprivileged || (I.mpu_hook_wanted() && !I.mpu_hook) ||
                   (priv_checks && !I.privileged_checks_translated) ||
                   I.align_wanted() != (I.align_hook != 0);
            // Fetch checks live in this hook: they follow the MPU without a stop (Tock turns
            // the MPU on in its SVC handler, twice per system call).
            if (!stop && I.fetch_checks_wanted() != I.fetch_checks) {
                I.cached_prio = I.exec_priority();
                I.arm_fetch_checks();
            }
        }
        // A pending interrupt that is masked now is looked at again when something may unmask
        // it: exception return (a stop), NVIC/SCB writes (force_boundary via on_change), or a
        // CPSIE/MSR-to-mask site (trap hook, force_boundary). No polling at every block.
        if (!stop && I.exc.any_pending_enabled() && I.exc.preempting(I.exec_priority()))
            stop = true;
        if (stop) {
            spdlog::trace("boundary stop at {:#010x}: req={} limit={} executed={} pending={}", addr,
                          stop_requested_, I.limit, executed_, I.exc.highest_pending().value_or(0));
            if (I.cause == StopCause::None) I.cause = StopCause::Boundary;
            I.block_stop_pc = addr;
            uc_emu_stop(I.uc);
            return false;
        }
        stop_at_ = I.limit;
    }
    // MPU fetch check of the block start, once per block and MPU/privilege state (the verdict
    // is remembered in the slot until Impl::fetch_gen moves on).
    if (I.fetch_checks && slot.fetch_ok != I.fetch_gen) [[unlikely]] {
        const MpuDecision d =
            I.mpu.check(addr, AccessKind::Execute, !I.unprivileged, I.cached_prio);
        if (!d.allowed) {
            I.cause = StopCause::MpuFetch;
            I.denied = {addr, AccessKind::Execute, 2, d, {}};
            I.block_stop_pc = addr;
            uc_emu_stop(I.uc);
            return false;
        }
        slot.fetch_ok = I.fetch_gen;
    }
    if (slot.align == kSpinBlock) [[unlikely]] {
        // `b .` changes nothing but the count until the next look (an interrupt, an event, a
        // limit): run the iterations up to there at once, as many as one at a time would.
        // Not with breakpoints or watchpoints, which look at every iteration.
        if (I.breakpoints.empty() && I.watches.empty() && stop_at_ > executed_ + slot.count &&
            stop_at_ != UINT64_MAX)
            executed_ = stop_at_ - slot.count;
        return true;
    }
    if (slot.align && !I.check_alignment(slot, addr, size)) return false;
    return true;
}

// The hot path: one slot lookup, compares, one addition. Everything else (a block seen for the
// first time, a boundary that needs a closer look, an MPU fetch check) is in on_block_slow(), out
// of line so that this function stays small.
void CortexM4::on_block(std::uint64_t addr64, std::uint32_t size) {
    auto& I = *impl_;
    const auto addr = static_cast<std::uint32_t>(addr64);
    const TbInfo* slot = I.find_tb(addr, size);
    if (!slot || executed_ >= stop_at_ || (I.fetch_checks && slot->fetch_ok != I.fetch_gen) ||
        slot->align) [[unlikely]] {
        if (!on_block_slow(addr, size)) return;
        slot = I.find_tb(addr, size);
    }
    I.last_tb_addr = addr;
    I.last_tb_size = size;
    I.last_tb_count = slot->count;
    executed_ += slot->count;
}

void CortexM4::on_interrupt(std::uint32_t intno) {
    auto& I = *impl_;
    I.cause = StopCause::Interrupt;
    I.intno = intno;
    uc_emu_stop(I.uc);
}

bool CortexM4::on_unmapped(int type, std::uint64_t addr, int size, std::int64_t) {
    auto& I = *impl_;
    if (I.cause == StopCause::UnalignedSite) return false;  // the redirected access (on_align_site)
    // The MPU decides before the bus: an access the MPU denies is a MemManage fault even when
    // nothing is mapped there (Unicorn reports unmapped addresses before any read/write hook).
    if (I.mpu_checks_active() && type != UC_MEM_FETCH_UNMAPPED) {
        const AccessKind kind =
            type == UC_MEM_WRITE_UNMAPPED ? AccessKind::Write : AccessKind::Read;
        const auto a = static_cast<std::uint32_t>(addr);
        const MpuDecision d = I.mpu.check(a, kind, !I.unprivileged, I.cached_prio);
        if (!d.allowed) {
            I.denied = {a, kind, static_cast<unsigned>(size), d, {}};
            I.cause = StopCause::MpuData;
            return false;
        }
    }
    I.cause = StopCause::Unmapped;
    I.fault_addr = static_cast<std::uint32_t>(addr);
    I.fault_write = type == UC_MEM_WRITE_UNMAPPED;
    I.intno = static_cast<std::uint32_t>(type);
    return false;
}

bool CortexM4::on_write_prot(std::uint64_t addr, int size, std::int64_t value) {
    auto& I = *impl_;
    // A CPU store into flash: the flash controller's page buffer takes it (the write to the
    // read-only mapping itself is discarded by Unicorn when we return true).
    const auto a = static_cast<std::uint32_t>(addr);
    // Unicorn raises this before its TLB fill, so with the TLB fast path (no MPU data hook)
    // an unprivileged store to flash is checked here; refused, it is discarded.
    if (I.tlb_mpu() && I.unprivileged && I.mpu.enabled()) {
        std::uint32_t bad = a;
        const MpuDecision d = I.mpu.check_access(a, static_cast<unsigned>(size), AccessKind::Write,
                                                 false, I.cached_prio, &bad);
        if (!d.allowed) {
            I.refuse_data_access(bad, AccessKind::Write, static_cast<unsigned>(size), d,
                                 StopCause::MpuData);
            return true;
        }
    }
    I.sync_clock();
    if (!I.ctx.bus.write(a, static_cast<std::uint32_t>(value), static_cast<unsigned>(size),
                         Initiator::Cpu)) {
        I.cause = StopCause::Unmapped;
        I.fault_addr = a;
        I.fault_write = true;
        return false;
    }
    Memory* m = I.ctx.bus.memory_at(a, static_cast<std::uint32_t>(size));
    if (m && !m->store_handler) invalidate_code(a, static_cast<std::uint32_t>(size));
    // Flash changes only when the flash controller later commits its page buffer; remember the
    // page so its translated code is dropped at the next flash-controller command.
    if (m && m->store_handler) I.dirty_flash_pages.insert(a & ~(kFlashPage - 1));
    force_boundary();
    return true;
}

void CortexM4::on_trap(std::uint64_t addr64) {
    auto& I = *impl_;
    const auto addr = static_cast<std::uint32_t>(addr64);
    if (I.breakpoints.contains(addr)) {
        if (I.skip_breakpoint == addr) {
            I.skip_breakpoint.reset();
        } else {
            I.cause = StopCause::Breakpoint;
            I.trap_pc = addr;
            uc_emu_stop(I.uc);
            return;
        }
    }
    auto it = I.trap_hooks.find(addr);
    if (it == I.trap_hooks.end()) return;
    std::uint16_t hw[2] = {};
    std::uint8_t b[4] = {};
    if (!I.ctx.bus.read_block(addr, b, Initiator::Debugger)) return;
    hw[0] = static_cast<std::uint16_t>(b[0] | (b[1] << 8));
    hw[1] = static_cast<std::uint16_t>(b[2] | (b[3] << 8));
    // (A code hook runs only when the instruction's condition passes.)
    if (is_sev(hw[0], hw[1])) {
        I.event_register = true;  // single core: SEV sets our own event register (B1.5.18)
        return;
    }
    if (is_isb(hw[0], hw[1])) return I.isb_site(addr);
    if (is_load_exclusive(hw[0], hw[1]) || store_exclusive_status_reg(hw[0], hw[1]) >= 0) {
        // An alignment-checked exclusive shares this hook: alignment first (UNALIGNED wins).
        if (auto as = I.align_sites.find(addr); as != I.align_sites.end())
            return on_align_site(&as->second);
        I.exclusive_site(addr, hw[0], hw[1]);
        return;
    }
    if (is_msr_special(hw[0], hw[1])) {
        // MSR CONTROL may change privilege, MSR to a mask may unmask a pending interrupt: both
        // are looked at at the next boundary (Unicorn ends the block after an M-profile MSR).
        if ((hw[1] & 0xFF) == 0x14) I.privilege_check = true;
        // MSR BASEPRI/BASEPRI_MAX: Unicorn keeps all 8 bits; the SAM4L implements [7:4] only.
        if ((hw[1] & 0xFF) == 0x11 || (hw[1] & 0xFF) == 0x12) I.basepri_mask_pending = true;
        force_boundary();
        return;
    }
    if (is_cpsie(hw[0], 2)) {
        force_boundary();
        return;
    }
    if (is_coprocessor(hw[0])) {
        I.cause = StopCause::Trap;
        I.trap_kind = TrapKind::Nocp;
        I.trap_pc = addr;
        uc_emu_stop(I.uc);
        return;
    }
    // SDIV/UDIV T1: hw1 = 1111 1011 1x01 Rn, hw2 = 1111 Rd 1111 Rm.
    if (I.div_trap_armed && (hw[0] & 0xFFD0) == 0xFB90) {
        const unsigned rm = hw[1] & 0xF;
        if (I.rd(UC_ARM_REG_R0 + static_cast<int>(rm)) == 0) {
            I.cause = StopCause::Trap;
            I.trap_kind = TrapKind::DivZero;
            I.trap_pc = addr;
            uc_emu_stop(I.uc);
        }
    }
}

void CortexM4::on_watch(int type, std::uint64_t addr, int size) {
    auto& I = *impl_;
    if (I.watch_suppressed || I.cause == StopCause::Watchpoint ||
        I.cause == StopCause::UnalignedSite)
        return;
    for (const auto& w : I.watches) {
        const bool hit_range = addr + size > w.addr && addr < std::uint64_t{w.addr} + w.len;
        const bool kind_ok =
            w.kind == WatchKind::Access || (w.kind == WatchKind::Write) == (type == UC_MEM_WRITE);
        if (hit_range && kind_ok) {
            I.cause = StopCause::Watchpoint;
            I.watch_hit = static_cast<std::uint32_t>(addr);
            I.watch_write = type == UC_MEM_WRITE;
            for (int r = 0; r < 13; ++r)
                I.watch_regs[static_cast<std::size_t>(r)] = I.rd(UC_ARM_REG_R0 + r);
            I.watch_regs[13] = I.rd(UC_ARM_REG_SP);
            I.watch_regs[14] = I.rd(UC_ARM_REG_LR);
            I.watch_old_bytes.clear();
            // Only RAM can be put back; a device store keeps its effect.
            Memory* m = I.ctx.bus.memory_at(I.watch_hit, static_cast<std::uint32_t>(size));
            if (I.watch_write && m && !m->store_handler) {
                I.watch_old_bytes.resize(static_cast<std::size_t>(size));
                if (!I.ctx.bus.read_block(I.watch_hit, I.watch_old_bytes, Initiator::Debugger))
                    I.watch_old_bytes.clear();
            }
            uc_emu_stop(I.uc);
            return;
        }
    }
}

std::uint64_t CortexM4::mmio_read(std::uint32_t addr, unsigned size) {
    auto& I = *impl_;
    if (I.cause != StopCause::None) return 0;  // refused: no read side effects
    I.sync_clock();
    const BusResult r = I.ctx.bus.read(addr, size, Initiator::Cpu);
    if (!r.ok) I.refuse_mmio_gap(addr, size, AccessKind::Read);
    force_boundary();
    return r.value;
}

// Unicorn maps MMIO in 1 KiB pages: an access between devices of a page reaches us, where it
// is what any unmapped address is, a precise BusFault. Unicorn stops right after the access
// (the load's register is not written, nothing after it runs), and the run loop rewinds to the
// accessing instruction as for other refused accesses.
void CortexM4::Impl::refuse_mmio_gap(std::uint32_t addr, unsigned size, AccessKind kind) {
    denied = {addr, kind, size, MpuDecision{}, {}};
    cause = StopCause::MmioGap;
    uc_emu_stop(uc);
}

// A data hook refusing an access (MPU, UNALIGN_TRP). The hook runs before a store, which still
// happens: the bytes it overwrites are kept so the rewind can put them back.
void CortexM4::Impl::refuse_data_access(std::uint32_t addr, AccessKind kind, unsigned size,
                                        const MpuDecision& d, StopCause why) {
    denied = {addr, kind, size, d, {}};
    if (kind == AccessKind::Write) {
        denied.old_bytes.resize(size);
        if (!ctx.bus.read_block(addr, denied.old_bytes, Initiator::Debugger))
            denied.old_bytes.clear();
    }
    cause = why;
    uc_emu_stop(uc);
}

void CortexM4::mmio_write(std::uint32_t addr, unsigned size, std::uint64_t value) {
    auto& I = *impl_;
    if (I.cause != StopCause::None) return;  // refused: the store must have no effect
    if (addr >= kFlashControllerBase && addr < kFlashControllerBase + 0x400 &&
        !I.dirty_flash_pages.empty()) {
        for (std::uint32_t page : I.dirty_flash_pages) invalidate_code(page, kFlashPage);
        I.dirty_flash_pages.clear();
    }
    I.sync_clock();
    if (!I.ctx.bus.write(addr, static_cast<std::uint32_t>(value), size, Initiator::Cpu))
        I.refuse_mmio_gap(addr, size, AccessKind::Write);
    force_boundary();
}

// ------------------------------------------------------------------------------------------------
// Exception entry, return, faults

void CortexM4::Impl::enter(unsigned n, std::uint32_t return_address,
                           std::optional<std::uint32_t> xpsr_override) {
    const int prio_before = exec_priority();
    const Sys s = read_sys();
    monitor_cleared = true;
    CoreState st{};
    for (int i = 0; i < 4; ++i) st.r[i] = rd(UC_ARM_REG_R0 + i);
    st.r12 = rd(UC_ARM_REG_R12);
    st.lr = rd(UC_ARM_REG_LR);
    st.pc = return_address;
    st.xpsr = xpsr_override ? *xpsr_override : rd(UC_ARM_REG_XPSR);

    const bool from_thread = s.ipsr == 0;
    const bool on_psp = from_thread && (s.control & CONTROL_SPSEL);
    const bool unpriv = from_thread && (s.control & CONTROL_NPRIV);
    std::uint32_t msp = s.msp, psp = s.psp;
    std::uint32_t& sp = on_psp ? psp : msp;
    // PushStack (B1.5.6): 8-byte alignment when CCR.STKALIGN, recorded in stacked xPSR bit 9.
    const bool realign = (scs.ccr() & scb::STKALIGN) && (sp & 4);
    const std::uint32_t frame = (sp - 32) & ~(realign ? 4u : 0u);
    const std::uint32_t words[8] = {
        st.r[0], st.r[1], st.r[2],     st.r[3],
        st.r12,  st.lr,   st.pc & ~1u, (st.xpsr & ~XPSR_STKALIGN) | (realign ? XPSR_STKALIGN : 0)};
    std::uint32_t stack_fault = 0, stack_fault_addr = 0;
    for (unsigned i = 0; i < 8; ++i) {
        const std::uint32_t a = frame + 4 * i;
        if (!mpu_allows(a, AccessKind::Write, !unpriv)) {
            stack_fault = scb::MSTKERR;
            stack_fault_addr = a;
            break;
        }
        if (!ctx.bus.write(a, words[i], 4, Initiator::Cpu)) {
            stack_fault = scb::STKERR;
            stack_fault_addr = a;
            break;
        }
    }
    sp = frame;
    spdlog::trace("enter exception {} from pc={:#010x} xpsr={:#010x} frame={:#010x}", n, st.pc,
                  st.xpsr, frame);
    const std::uint32_t exc_return = !from_thread
                                         ? EXC_RETURN_HANDLER
                                         : (on_psp ? EXC_RETURN_THREAD_PSP : EXC_RETURN_THREAD_MSP);
    unsigned taken = n;
    if (stack_fault) {
        // A stacking error is a derived exception of this entry, treated as a late arrival
        // (B1.5.15): its escalation is judged against the priority of the context being
        // preempted, and of the original and the derived exception the higher-priority one is
        // taken (ties: lower number, so MemManage beats an SVC of equal priority) while the
        // other stays pending; no second frame is pushed. Derived while entering HardFault, it
        // merges into that HardFault (the handler sees MSTKERR/STKERR and FORCED). Lockup only
        // when the preempted context already ran at priority <= -1.
        scs.faults().cfsr |= stack_fault;
        (void)stack_fault_addr;  // MMFAR/BFAR are not valid for stacking errors
        unsigned derived = stack_fault == scb::MSTKERR ? exc::kMemManage : exc::kBusFault;
        if (!exc.fault_enabled(derived) ||
            exc.group_priority(exc.priority(derived)) >= prio_before) {
            scs.faults().hfsr |= scb::FORCED;
            derived = exc::kHardFault;
        }
        if (derived == exc::kHardFault && prio_before <= -1)
            return lockup(st.pc, "stacking error while in HardFault");
        if (n != exc::kHardFault) {
            exc.set_pending(n, true);
            exc.set_pending(derived, true);
            taken = exc.preempting(prio_before).value_or(derived);
        }
    }

    set_core(taken, s.control & ~CONTROL_SPSEL, msp, psp);
    wr(UC_ARM_REG_XPSR, (st.xpsr & 0xF80F0000u) | XPSR_T | taken);
    wr(UC_ARM_REG_LR, exc_return);
    exc.activate(taken);
    unprivileged = false;
    wake_up();

    bool ok = false;
    const std::uint32_t handler = vector(taken, ok);
    if (ctx.events.active())
        publish(ExceptionEntryEvent{taken, st.pc & ~1u, frame, from_thread, on_psp, unpriv});
    if (!ok) {
        scs.faults().hfsr |= scb::VECTTBL;
        if (taken == exc::kHardFault || taken == exc::kNmi)
            return lockup(st.pc, fmt::format("vector table read for exception {} failed", taken));
        exc.deactivate(taken);
        exc.activate(exc::kHardFault);
        set_core(exc::kHardFault, s.control & ~CONTROL_SPSEL, msp, psp);
        wr(UC_ARM_REG_XPSR, XPSR_T | exc::kHardFault);
        bool ok2 = false;
        const std::uint32_t hf = vector(exc::kHardFault, ok2);
        if (!ok2) return lockup(st.pc, "vector table unreadable for HardFault");
        return branch_to_handler(hf);
    }
    branch_to_handler(handler);
}

// ExceptionTaken (B1.5.6): branch to the vector AND ~1 with EPSR.T = vector<0>. Unicorn must
// never run with T = 0 (unicorn.md §2), so an even vector takes the INVSTATE UsageFault of the
// handler's first instruction here, stacking that address with T = 0 and the new IPSR.
void CortexM4::Impl::branch_to_handler(std::uint32_t vector_entry) {
    const std::uint32_t handler = vector_entry & ~1u;
    set_pc(handler);
    if (vector_entry & 1u) return;
    raise_fault(FaultClass::UsageFault, scb::INVSTATE, handler, std::nullopt,
                fmt::format("INVSTATE: vector {:#010x} has bit 0 clear", vector_entry),
                rd(UC_ARM_REG_XPSR) & ~XPSR_T);
}

void CortexM4::Impl::tail_chain(unsigned n, std::uint32_t exc_return) {
    const Sys s = read_sys();
    set_core(n, s.control & ~CONTROL_SPSEL, s.msp, s.psp);
    wr(UC_ARM_REG_XPSR, XPSR_T | n);
    wr(UC_ARM_REG_LR, exc_return);
    exc.activate(n);
    bool ok = false;
    const std::uint32_t handler = vector(n, ok);
    if (ctx.events.active()) {
        // Tail-chained: the frame already on the stack is the one this handler will return to.
        const std::uint32_t frame = (exc_return & 4) ? s.psp : s.msp;
        std::uint32_t stacked_pc = 0;
        read_word(frame + 24, stacked_pc);
        publish(ExceptionEntryEvent{n, stacked_pc, frame, (exc_return & 8) != 0,
                                    (exc_return & 4) != 0, (s.control & CONTROL_NPRIV) != 0});
    }
    if (!ok) return lockup(0, fmt::format("vector table read for exception {} failed", n));
    branch_to_handler(handler);
}

void CortexM4::Impl::lockup(std::uint32_t pc, std::string reason) {
    core.locked_up_ = true;
    std::string where = core.symbolize ? core.symbolize(pc) : std::string{};
    lockup_message = fmt::format("core locked up at pc={:#010x}{}: {}", pc,
                                 where.empty() ? "" : " (" + where + ")", reason);
    publish(LockupEvent{pc, reason});
}

void CortexM4::Impl::raise_fault(FaultClass cls, std::uint32_t cfsr_bits,
                                 std::uint32_t return_address, std::optional<std::uint32_t> address,
                                 std::string detail, std::optional<std::uint32_t> xpsr_override) {
    FaultStatus& fs = scs.faults();
    unsigned target = cls == FaultClass::MemManage    ? exc::kMemManage
                      : cls == FaultClass::BusFault   ? exc::kBusFault
                      : cls == FaultClass::UsageFault ? exc::kUsageFault
                                                      : exc::kHardFault;
    fs.cfsr |= cfsr_bits;
    if (address) {
        if (target == exc::kMemManage) {
            fs.mmfar = *address;
            fs.cfsr |= scb::MMARVALID;
        } else if (target == exc::kBusFault) {
            fs.bfar = *address;
            fs.cfsr |= scb::BFARVALID;
        }
    }
    const int prio = exec_priority();
    // A synchronous fault that is disabled or cannot preempt escalates to HardFault (B1.5.4).
    if (target != exc::kHardFault &&
        (!exc.fault_enabled(target) || exc.group_priority(exc.priority(target)) >= prio)) {
        fs.hfsr |= scb::FORCED;
        target = exc::kHardFault;
    }
    const bool unpriv = is_unprivileged();
    spdlog::debug("fault at pc={:#010x}: {} (cfsr={:#010x} hfsr={:#010x})", return_address, detail,
                  fs.cfsr, fs.hfsr);
    if (ctx.events.active())
        publish(FaultEvent{cls, return_address, address.value_or(0), address.has_value(), fs.cfsr,
                           fs.hfsr, unpriv, detail});
    if (target == exc::kHardFault && prio <= -1)
        return lockup(return_address, fmt::format("{} while the execution priority is {} "
                                                  "(HardFault, NMI or FAULTMASK)",
                                                  detail, prio));
    enter(target, return_address, xpsr_override);
}

void CortexM4::Impl::unstacking_error(FaultClass cls, std::uint32_t cfsr_bit,
                                      std::uint32_t exc_return, std::uint32_t addr) {
    // A derived exception of the return (B1.5.15): the returning exception is already
    // deactivated, so the fault is judged against the context being returned to and entered
    // tail-chained, on the frame left in place with the same EXC_RETURN in LR (QEMU does the
    // same). MMFAR/BFAR are not valid for unstacking errors.
    FaultStatus& fs = scs.faults();
    fs.cfsr |= cfsr_bit;
    unsigned target = cls == FaultClass::MemManage ? exc::kMemManage : exc::kBusFault;
    const int prio = exec_priority();
    if (!exc.fault_enabled(target) || exc.group_priority(exc.priority(target)) >= prio) {
        fs.hfsr |= scb::FORCED;
        target = exc::kHardFault;
    }
    const std::string detail =
        fmt::format("{}: unstacking from {:#010x} failed",
                    cfsr_bit == scb::MUNSTKERR ? "MUNSTKERR" : "UNSTKERR", addr);
    if (ctx.events.active())
        publish(FaultEvent{cls, exc_return, 0, false, fs.cfsr, fs.hfsr, false, detail});
    spdlog::debug("fault on return via {:#010x}: {} (cfsr={:#010x} hfsr={:#010x})", exc_return,
                  detail, fs.cfsr, fs.hfsr);
    if (target == exc::kHardFault && prio <= -1) return lockup(exc_return, detail);
    tail_chain(target, exc_return);
}

// INVPC on exception return (B1.5.8): the returning exception is already deactivated; the
// UsageFault is entered on the frame left in place. ExceptionReturn takes EXC_RETURN as bits(28)
// and sets LR = 0xF0000000 + EXC_RETURN<27:0>, i.e. the handler sees the 0xFFFFFFFx value again
// (QEMU agrees).
void CortexM4::Impl::invpc_on_return(std::uint32_t exc_return, const std::string& invalid) {
    scs.faults().cfsr |= scb::INVPC;
    unsigned target = exc::kUsageFault;
    const int prio = exec_priority();
    if (!exc.fault_enabled(target) || exc.group_priority(exc.priority(target)) >= prio) {
        scs.faults().hfsr |= scb::FORCED;
        target = exc::kHardFault;
    }
    if (ctx.events.active())
        publish(FaultEvent{FaultClass::UsageFault, exc_return, 0, false, scs.faults().cfsr,
                           scs.faults().hfsr, false, "INVPC: " + invalid});
    if (target == exc::kHardFault && prio <= -1) return lockup(exc_return, "INVPC: " + invalid);
    tail_chain(target, 0xF0000000u | (exc_return & 0x0FFFFFFFu));
}

void CortexM4::Impl::exception_return(std::uint32_t exc_return) {
    Sys s = read_sys();
    monitor_cleared = true;
    const unsigned returning = s.ipsr;
    const std::uint32_t low = exc_return & 0xF;
    const bool to_thread = low == 0x9 || low == 0xD;
    const bool legal_form =
        (exc_return & 0xFFFFFFF0u) == 0xFFFFFFF0u && (low == 0x1 || low == 0x9 || low == 0xD);
    const unsigned nested = exc.active_count();
    std::string invalid;
    if (!legal_form)
        invalid =
            fmt::format("EXC_RETURN {:#010x} is not a valid return value (no FPU)", exc_return);
    else if (!exc.active(returning))
        invalid = fmt::format("returning from exception {} which is not active", returning);
    else if (low == 0x1 && nested <= 1)
        invalid = "return to handler mode with no other exception active";
    else if (to_thread && nested > 1 && !(scs.ccr() & scb::NONBASETHRDENA))
        invalid = "return to thread mode with other exceptions active (NONBASETHRDENA=0)";
    if (!invalid.empty()) {
        // ExceptionReturn (B1.5.8): INVPC UsageFault, taken without unstacking.
        exc.deactivate(returning);
        return invpc_on_return(exc_return, invalid);
    }

    if (returning != exc::kNmi) wr(UC_ARM_REG_FAULTMASK, 0);
    exc.deactivate(returning);
    // Tail-chaining (B1.5.12): a pending exception that would preempt the context we return to
    // is entered directly, keeping the frame already on the stack.
    if (auto next = exc.preempting(exec_priority())) {
        tail_chain(*next, exc_return);
        return;
    }

    const bool use_psp = low == 0xD;
    std::uint32_t msp = s.msp, psp = s.psp;
    std::uint32_t& sp = use_psp ? psp : msp;
    const std::uint32_t new_control = (s.control & ~CONTROL_SPSEL) | (use_psp ? CONTROL_SPSEL : 0);
    const bool unpriv_target = to_thread && (new_control & CONTROL_NPRIV);
    std::uint32_t w[8] = {};
    for (unsigned i = 0; i < 8; ++i) {
        const std::uint32_t a = sp + 4 * i;
        const bool mpu_ok = mpu_allows(a, AccessKind::Read, !unpriv_target);
        if (!mpu_ok || !read_word(a, w[i])) {
            unstacking_error(mpu_ok ? FaultClass::BusFault : FaultClass::MemManage,
                             mpu_ok ? scb::UNSTKERR : scb::MUNSTKERR, exc_return, a);
            return;
        }
    }
    const std::uint32_t frame_xpsr = w[7];
    spdlog::trace("return from {} via {:#010x}: frame at {:#010x} pc={:#010x} xpsr={:#010x}",
                  returning, exc_return, sp, w[6], w[7]);
    // IPSR comes from the frame and must agree with the mode EXC_RETURN names (B1.5.8);
    // otherwise INVPC, with the frame put back where it was (it is still in place).
    const std::uint32_t ipsr = frame_xpsr & XPSR_IPSR;
    if (to_thread != (ipsr == 0))
        return invpc_on_return(
            exc_return, fmt::format("stacked IPSR {} does not match a return to {} mode", ipsr,
                                    to_thread ? "Thread" : "Handler"));
    // PopStack (B1.5.8): SP = (SP + framesize) OR ((psr<9> AND CCR.STKALIGN) << 2).
    const bool realigned = (frame_xpsr & XPSR_STKALIGN) && (scs.ccr() & scb::STKALIGN);
    sp = (sp + 32) | (realigned ? 4u : 0u);
    set_core(ipsr, new_control, msp, psp);
    for (int i = 0; i < 4; ++i) wr(UC_ARM_REG_R0 + i, w[i]);
    wr(UC_ARM_REG_R12, w[4]);
    wr(UC_ARM_REG_LR, w[5]);
    const std::uint32_t pc = w[6] & ~1u;
    unprivileged = unpriv_target;
    if (ctx.events.active())
        publish(ExceptionReturnEvent{returning, exc_return, pc, to_thread, use_psp, unpriv_target,
                                     psp});
    if (!(frame_xpsr & XPSR_T)) {
        // The stacked EPSR.T is 0: the first instruction after the return raises INVSTATE. Unicorn
        // must never see T=0 in XPSR (unicorn.md §2), so take the fault right here.
        wr(UC_ARM_REG_XPSR, (frame_xpsr & ~(XPSR_IPSR | XPSR_STKALIGN)) | XPSR_T | ipsr);
        set_pc(pc);
        raise_fault(FaultClass::UsageFault, scb::INVSTATE, pc, std::nullopt,
                    "INVSTATE: exception return to a frame with EPSR.T = 0",
                    (frame_xpsr & ~(XPSR_IPSR | XPSR_STKALIGN)) | ipsr);
        return;
    }
    wr(UC_ARM_REG_XPSR, (frame_xpsr & ~(XPSR_IPSR | XPSR_STKALIGN)) | ipsr);
    // XPSR writes leave APSR.GE alone (unicorn.md §2); PopStack restores GE from psr<19:16>.
    wr(UC_ARM_REG_APSR_G, frame_xpsr);
    set_pc(pc);
    event_register = true;  // ExceptionReturn: SetEventRegister()
    // Sleep-on-exit (B1.5.19): returning to Thread mode with SCR.SLEEPONEXIT set, the core
    // sleeps as for WFI. The manual lets an implementation skip the unstacking; we unstack
    // first (ExceptionReturn's pseudocode order), so the next exception is an ordinary entry
    // from Thread mode at the instruction the handler returned to.
    if (to_thread && (scs.scr() & scb::SLEEPONEXIT)) go_to_sleep(false);
}

bool CortexM4::Impl::take_pending() {
    if (!exc.any_pending_enabled()) return false;
    auto n = exc.preempting(exec_priority());
    if (!n) return false;
    event_register = true;  // a preempting asynchronous exception is a WFE wake-up event
    enter(*n, rd(UC_ARM_REG_PC));
    return true;
}

void CortexM4::Impl::go_to_sleep(bool wfe) {
    if (core.sleeping_) return;
    core.sleeping_ = true;
    wfe_sleep = wfe;
    // The board publishes the sleep with the clock's time: bring it up to date first, so a
    // stepped run and a free run report the same time.
    sync_clock();
    if (core.on_sleep) core.on_sleep((scs.scr() & scb::SLEEPDEEP) != 0);
}

void CortexM4::Impl::wake_up() {
    if (!core.sleeping_) return;
    core.sleeping_ = false;
    wfe_sleep = false;
    sync_clock();
    if (core.on_wake) core.on_wake();
}

bool CortexM4::Impl::wake_condition() {
    // WFE also wakes on an event (the register is consumed).
    if (wfe_sleep && event_register) {
        event_register = false;
        return true;
    }
    // WFI wakes on an exception that would preempt if PRIMASK were clear (B1.5.19).
    if (!exc.any_pending_enabled()) return false;
    ExceptionState::Masks m = masks();
    m.primask = false;
    return exc.preempting(exc.execution_priority(m)).has_value();
}

// ------------------------------------------------------------------------------------------------
// Stop handlers

void CortexM4::Impl::handle_svc(std::uint32_t return_address) {
    std::uint8_t b[2] = {};
    ctx.bus.read_block(return_address - 2, b, Initiator::Debugger);
    if (ctx.events.active()) {
        const Sys s = read_sys();
        const bool thread = s.ipsr == 0;
        SvcEvent ev{return_address - 2,
                    b[0],
                    {},
                    thread && (s.control & CONTROL_SPSEL) ? s.psp : s.msp,
                    thread && (s.control & CONTROL_NPRIV)};
        for (int i = 0; i < 5; ++i) ev.r[static_cast<std::size_t>(i)] = rd(UC_ARM_REG_R0 + i);
        publish(std::move(ev));
    }
    const int prio = exec_priority();
    if (exc.group_priority(exc.priority(exc::kSvCall)) >= prio) {
        // SVC is synchronous: if it cannot be taken now it escalates (B1.5.4).
        scs.faults().hfsr |= scb::FORCED;
        if (prio <= -1) return lockup(return_address - 2, "SVC executed at HardFault/NMI priority");
        if (ctx.events.active())
            publish(FaultEvent{FaultClass::HardFault, return_address - 2, 0, false,
                               scs.faults().cfsr, scs.faults().hfsr, is_unprivileged(),
                               "FORCED: SVC executed with insufficient priority"});
        enter(exc::kHardFault, return_address);
        return;
    }
    enter(exc::kSvCall, return_address);
}

void CortexM4::Impl::handle_bkpt(std::uint32_t pc) {
    std::uint8_t b[2] = {};
    ctx.bus.read_block(pc, b, Initiator::Debugger);
    if (b[0] == 0xAB) {
        SemihostingRequest req{rd(UC_ARM_REG_R0), rd(UC_ARM_REG_R1)};
        SemihostingResult res = semihost(req, ctx.bus, ctx.clock, core.semihosting_output);
        if (ctx.events.active() && !res.text.empty()) publish(SemihostingEvent{req.op, res.text});
        wr(UC_ARM_REG_R0, res.r0);
        set_pc(pc + 2);
        if (res.exit) {
            exit_requested = true;
            exit_code = res.exit_code;
        }
        return;
    }
    // A BKPT debug event (C1.6.1: DFSR.BKPT). A halting debugger takes it; else, with
    // DEMCR.MON_EN, the DebugMonitor exception when its priority can preempt (it is synchronous);
    // otherwise it escalates to HardFault with HFSR.DEBUGEVT (B1.5.4, C1.7.2).
    scs.faults().dfsr |= scb::DFSR_BKPT;
    if (core.debugger_attached_) {
        scs.faults().dfsr |= scb::DFSR_HALTED;
        bkpt_halt = true;
        return;
    }
    const int prio = exec_priority();
    if (exc.enabled(exc::kDebugMonitor) &&
        exc.group_priority(exc.priority(exc::kDebugMonitor)) < prio) {
        if (ctx.events.active())
            publish(FaultEvent{FaultClass::HardFault, pc, 0, false, scs.faults().cfsr,
                               scs.faults().hfsr, is_unprivileged(),
                               fmt::format("BKPT {:#x}: DebugMonitor", b[0])});
        enter(exc::kDebugMonitor, pc);
        return;
    }
    scs.faults().hfsr |= scb::DEBUGEVT;
    raise_fault(FaultClass::HardFault, 0, pc, std::nullopt,
                fmt::format("DEBUGEVT: bkpt {:#x} with no debugger attached{}", b[0],
                            exc.enabled(exc::kDebugMonitor)
                                ? " and the DebugMonitor's priority too low to preempt"
                                : " and no DebugMonitor (DEMCR.MON_EN = 0)"));
}

void CortexM4::request_system_reset() {
    impl_->reset_requested = true;
    force_boundary();
}

void CortexM4::Impl::handle_interrupt() {
    const std::uint32_t pc = rd(UC_ARM_REG_PC);
    switch (intno) {
        case 2:
            handle_svc(pc);
            return;  // EXCP_SWI: PC is past the svc
        case 7:
            handle_bkpt(pc);
            return;  // EXCP_BKPT: PC at the bkpt
        case 8:
            exception_return(pc | 1);
            return;  // EXCP_EXCEPTION_EXIT: PC = EXC_RETURN & ~1
        case 4: {    // EXCP_DATA_ABORT: the TLB refused an unprivileged access (translate()),
                     // or Unicorn's own alignment check of LDREX/LDREXH (MO_ALIGN)
            if (auto d = fast ? fast->take_denial() : std::nullopt) {
                handle_tlb_denial(*d);
                return;
            }
            if (auto i = index_in_last_tb(pc); i && last_tb_count > *i)
                core.executed_ -= last_tb_count - *i;
            raise_fault(FaultClass::UsageFault, scb::UNALIGNED, pc, std::nullopt,
                        fmt::format("UNALIGNED: {} at {:#010x} of an unaligned address",
                                    disassemble_one(pc), pc));
            return;
        }
        case 3:  // EXCP_PREFETCH_ABORT: XN fetch (default map)
            raise_fault(FaultClass::MemManage, scb::IACCVIOL, pc, std::nullopt,
                        fmt::format("IACCVIOL: instruction fetch from execute-never {:#010x}", pc));
            return;
        default:
            raise_fault(FaultClass::UsageFault, scb::UNDEFINSTR, pc, std::nullopt,
                        fmt::format("UNDEFINSTR: unexpected trap {} at {:#010x}", intno, pc));
            return;
    }
}

// Finds the instruction of the last TB that made a data access covering `fault_addr`, from
// the register values now (the instructions before it did execute; it and later ones did not).
// want_store: -1 any access, 1 only stores, 0 only loads.
std::optional<std::pair<std::uint32_t, unsigned>> CortexM4::Impl::locate_access(
    std::uint32_t fault_addr, int want_store) {
    std::vector<std::uint8_t> code(last_tb_size);
    if (last_tb_size == 0 || !ctx.bus.read_block(last_tb_addr, code, Initiator::Debugger))
        return std::nullopt;
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code.data(), code.size(), last_tb_addr, 0, &insn);
    // Memory instructions of the block whose access (evaluated with today's registers) covers
    // fault_addr, with the registers their address is computed from.
    struct Candidate {
        std::uint32_t pc;
        unsigned index;
        std::vector<unsigned> addr_regs;
    };
    std::vector<Candidate> matches;
    auto regval = [&](unsigned r, std::uint32_t pc) -> std::uint32_t {
        if (r == ARM_REG_PC) return (pc + 4) & ~3u;
        if (r == ARM_REG_SP) return rd(UC_ARM_REG_SP);
        if (r == ARM_REG_LR) return rd(UC_ARM_REG_LR);
        if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
            return rd(UC_ARM_REG_R0 + static_cast<int>(r - ARM_REG_R0));
        return 0;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const cs_arm& a = insn[i].detail->arm;
        const auto pc = static_cast<std::uint32_t>(insn[i].address);
        std::uint64_t lo = 0, hi = 0;
        bool mem = false;
        std::vector<unsigned> addr_regs;
        for (int k = 0; k < a.op_count; ++k) {
            const cs_arm_op& op = a.operands[k];
            if (op.type != ARM_OP_MEM) continue;
            addr_regs.push_back(op.mem.base);
            if (op.mem.index != ARM_REG_INVALID) addr_regs.push_back(op.mem.index);
            std::uint32_t ea = regval(op.mem.base, pc);
            if (op.mem.index != ARM_REG_INVALID) {
                std::uint32_t idx = regval(op.mem.index, pc) << op.mem.lshift;
                ea = op.mem.scale < 0 ? ea - idx : ea + idx;
            }
            ea += static_cast<std::uint32_t>(op.mem.disp);
            lo = ea;
            hi = std::uint64_t{ea} + 8;  // up to a doubleword
            // Pre-indexed with writeback: the base may already hold the new value.
            mem = true;
        }
        if (!mem) {
            // LDM/STM/PUSH/POP: a range around the base register.
            switch (insn[i].id) {
                case ARM_INS_PUSH:
                case ARM_INS_POP:
                case ARM_INS_LDM:
                case ARM_INS_STM:
                case ARM_INS_LDMDB:
                case ARM_INS_STMDB:
                case ARM_INS_VPUSH:
                case ARM_INS_VPOP: {
                    const bool stack = insn[i].id == ARM_INS_PUSH || insn[i].id == ARM_INS_POP;
                    const std::uint32_t base =
                        stack ? rd(UC_ARM_REG_SP) : regval(a.operands[0].reg, pc);
                    addr_regs.push_back(stack ? unsigned{ARM_REG_SP} : a.operands[0].reg);
                    lo = std::uint64_t{base} >= 64 ? base - 64 : 0;
                    hi = std::uint64_t{base} + 64;
                    mem = true;
                    break;
                }
                default:
                    break;
            }
        }
        if (mem) {
            // The access of a single load/store is known exactly: [ea, ea + access size), so a
            // neighbouring access of the same base does not match. want_store >= 0 filters by
            // direction (watchpoints, refused accesses).
            std::string_view m = insn[i].mnemonic;
            const bool store = m.starts_with("st") || m.starts_with("push");
            if (want_store >= 0) mem = store == (want_store == 1);
            if (m.find('.') != std::string_view::npos) m = m.substr(0, m.find('.'));
            if (m.size() > 3 && m.ends_with('t')) m.remove_suffix(1);  // ldrt, strbt, ...
            const bool single = m.starts_with("ldr") || m.starts_with("str");
            if (single && hi == lo + 8 && !m.ends_with('d'))
                hi = lo + (m.ends_with('b') ? 1 : m.ends_with('h') ? 2 : 4);
        }
        if (mem && fault_addr >= lo && fault_addr < hi)
            matches.push_back({pc, static_cast<unsigned>(i), std::move(addr_regs)});
    }
    // The registers are those before the faulting instruction. An earlier match is stale when
    // a register of its address was rewritten before the next match ran (an access of the same
    // direction to the same address would have faulted first); a later match can be a
    // coincidence of registers not yet rewritten. Both look alike, so a match is passed over only
    // when every register of its address that is written before the next match was last
    // written by a simple instruction (MOV, literal LDR) whose result the registers hold now,
    // i.e. the code between them visibly ran. Otherwise the first match is taken.
    std::optional<std::pair<std::uint32_t, unsigned>> found;
    for (std::size_t m = 0; m < matches.size() && !found; ++m) {
        const Candidate& c = matches[m];
        const bool passed_over =
            m + 1 < matches.size() && ran_up_to(insn, c.index, matches[m + 1].index, c.addr_regs);
        if (!passed_over) found = {c.pc, c.index};
    }
    if (insn) cs_free(insn, n);
    return found;
}

// Whether the registers show that the instructions between `from` and `to` (exclusive) ran:
// at least one of `regs` is written there, and the last writer of each such register is an
// unconditional MOV or literal LDR whose result the register holds now.
bool CortexM4::Impl::ran_up_to(const cs_insn* insn, unsigned from, unsigned to,
                               const std::vector<unsigned>& regs) {
    auto reg_now = [&](unsigned r) -> std::optional<std::uint32_t> {
        if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
            return rd(UC_ARM_REG_R0 + static_cast<int>(r - ARM_REG_R0));
        return std::nullopt;
    };
    bool any = false;
    for (unsigned r : regs) {
        int last = -1;
        for (unsigned k = from + 1; k < to; ++k)
            if (writes_any(insn[k], {r})) last = static_cast<int>(k);
        if (last < 0) continue;
        any = true;
        const cs_insn& w = insn[last];
        const cs_arm& a = w.detail->arm;
        if ((a.cc != ARM_CC_AL && a.cc != ARM_CC_INVALID) || a.op_count != 2) return false;
        const cs_arm_op& src = a.operands[1];
        std::optional<std::uint32_t> value;
        if ((w.id == ARM_INS_MOV || w.id == ARM_INS_MOVW) && src.type == ARM_OP_IMM) {
            value = static_cast<std::uint32_t>(src.imm);
        } else if (w.id == ARM_INS_MOV && src.type == ARM_OP_REG) {
            for (unsigned k = static_cast<unsigned>(last) + 1; k < to; ++k)
                if (writes_any(insn[k], {static_cast<unsigned>(src.reg)})) return false;
            value = reg_now(static_cast<unsigned>(src.reg));
        } else if (w.id == ARM_INS_LDR && src.type == ARM_OP_MEM && src.mem.base == ARM_REG_PC &&
                   src.mem.index == ARM_REG_INVALID) {
            const std::uint32_t at = ((static_cast<std::uint32_t>(w.address) + 4) & ~3u) +
                                     static_cast<std::uint32_t>(src.mem.disp);
            std::uint32_t word = 0;
            if (read_word(at, word)) value = word;
        }
        const auto now = reg_now(r);
        if (!value || !now || *value != *now) return false;
    }
    return any;
}

// Whether `insn` writes one of `regs` (Capstone register ids), as a destination or by
// writeback.
bool CortexM4::Impl::writes_any(const cs_insn& insn, const std::vector<unsigned>& regs) {
    cs_regs read_regs, write_regs;
    std::uint8_t n_read = 0, n_write = 0;
    if (cs_regs_access(cs, &insn, read_regs, &n_read, write_regs, &n_write) != CS_ERR_OK)
        return true;  // unknown: assume it does
    for (std::uint8_t w = 0; w < n_write; ++w)
        for (unsigned r : regs)
            if (write_regs[w] == r) return true;
    return false;
}

// CCR.BFHFNMIGN (B3.2.8): at a negative execution priority a precise data BusFault is ignored;
// the access completes with no effect (a load's destination is UNKNOWN: left as it was) and
// execution goes on after the instruction, advancing ITSTATE as it would have.
void CortexM4::Impl::ignore_bus_fault(std::uint32_t fpc) {
    std::uint8_t b[2] = {};
    if (!ctx.bus.read_block(fpc, b, Initiator::Debugger)) return;
    const unsigned hw1 = b[0] | (b[1] << 8);
    const bool wide = (hw1 >> 11) >= 0x1D;  // 0b11101, 0b11110, 0b11111: 32-bit encodings
    const std::uint32_t xpsr = rd(UC_ARM_REG_XPSR);
    std::uint32_t it = ((xpsr >> 25) & 3u) | (((xpsr >> 10) & 0x3Fu) << 2);
    it = (it & 7u) == 0 ? 0 : ((it & 0xE0u) | ((it << 1) & 0x1Fu));
    wr(UC_ARM_REG_XPSR, (xpsr & ~XPSR_IT) | ((it & 3u) << 25) | ((it >> 2) << 10) | XPSR_T);
    ++core.executed_;
    set_pc(fpc + (wide ? 4 : 2));
}

void CortexM4::Impl::handle_error(uc_err err) {
    const std::uint32_t pc = rd(UC_ARM_REG_PC);
    switch (err) {
        case UC_ERR_READ_UNMAPPED:
        case UC_ERR_WRITE_UNMAPPED:
        case UC_ERR_READ_PROT:
        case UC_ERR_WRITE_PROT: {
            // Unicorn leaves PC at the TB start; the registers reflect the instructions before
            // the faulting one (unicorn.md §5). Find it, and undo the over-counted instructions.
            std::uint32_t fpc = pc;
            bool located = false;
            if (auto f = locate_access(fault_addr, fault_write ? 1 : 0)) {
                fpc = f->first;
                located = true;
                if (last_tb_count > f->second) core.executed_ -= last_tb_count - f->second;
                restore_itstate(fpc);
            }
            set_pc(fpc);
            if (located && (scs.ccr() & scb::BFHFNMIGN) && exec_priority() < 0)
                return ignore_bus_fault(fpc);
            raise_fault(FaultClass::BusFault, scb::PRECISERR, fpc, fault_addr,
                        fmt::format("PRECISERR: {} of unmapped address {:#010x}",
                                    fault_write ? "write" : "read", fault_addr));
            return;
        }
        case UC_ERR_FETCH_UNMAPPED:
        case UC_ERR_FETCH_PROT:
            raise_fault(FaultClass::BusFault, scb::IBUSERR, pc, std::nullopt,
                        fmt::format("IBUSERR: instruction fetch from unmapped {:#010x}", pc));
            return;
        case UC_ERR_INSN_INVALID: {
            if (!(rd(UC_ARM_REG_XPSR) & XPSR_T)) {
                raise_fault(FaultClass::UsageFault, scb::INVSTATE, pc, std::nullopt,
                            fmt::format("INVSTATE: execution in ARM state at {:#010x}", pc),
                            rd(UC_ARM_REG_XPSR));
                return;
            }
            if (hint_stop()) return;
            std::uint8_t b[2] = {};
            ctx.bus.read_block(pc, b, Initiator::Debugger);
            const std::uint16_t hw1 = static_cast<std::uint16_t>(b[0] | (b[1] << 8));
            raise_fault(
                FaultClass::UsageFault, is_coprocessor(hw1) ? scb::NOCP : scb::UNDEFINSTR, pc,
                std::nullopt,
                fmt::format("UNDEFINSTR: undefined instruction {:#06x} at {:#010x}", hw1, pc));
            return;
        }
        case UC_ERR_EXCEPTION: {
            const std::uint32_t xpsr = rd(UC_ARM_REG_XPSR);
            if (!(xpsr & XPSR_T)) {
                raise_fault(FaultClass::UsageFault, scb::INVSTATE, pc, std::nullopt,
                            fmt::format("INVSTATE: execution in ARM state at {:#010x}", pc), xpsr);
                return;
            }
            raise_fault(FaultClass::UsageFault, scb::UNDEFINSTR, pc, std::nullopt,
                        fmt::format("UNDEFINSTR: unhandled exception at {:#010x}", pc));
            return;
        }
        default:
            lockup(pc, fmt::format("emulator error: {}", uc_strerror(err)));
            return;
    }
}

// WFE and YIELD stop Unicorn 2.0.1 with UC_ERR_INSN_INVALID (EXCP_YIELD is one of its "stop"
// exceptions) and PC already past the hint, which ended its block; an undefined instruction
// stops with PC at itself. So the stop is a hint's when the last block ends at PC with a
// WFE/YIELD. YIELD is a NOP; WFE (A7.7.261, B1.5.18) consumes the event register or sleeps
// until a wake-up event.
bool CortexM4::Impl::hint_stop() {
    const std::uint32_t pc = rd(UC_ARM_REG_PC);
    if (last_tb_size < 2 || pc != last_tb_addr + last_tb_size) return false;
    std::uint8_t b[4] = {};
    const bool wide_room = last_tb_size >= 4;
    if (!ctx.bus.read_block(wide_room ? pc - 4 : pc - 2, std::span(b, wide_room ? 4 : 2),
                            Initiator::Debugger))
        return false;
    const auto h = [&](int i) { return static_cast<std::uint16_t>(b[i] | (b[i + 1] << 8)); };
    const std::uint16_t last = wide_room ? h(2) : h(0);
    unsigned hint = 0;  // 1 YIELD, 2 WFE
    if (wide_room && h(0) == 0xF3AF && (last == 0x8001 || last == 0x8002))
        hint = last & 0xF;
    else if (last == 0xBF10 || last == 0xBF20)
        hint = (last >> 4) & 0xF;
    if (hint == 0) return false;
    if (hint == 2) {
        if (event_register)
            event_register = false;
        else
            go_to_sleep(true);
    }
    return true;
}

void CortexM4::Impl::handle_trap() {
    if (trap_kind == TrapKind::StrexFail) {
        // The local monitor is in Open Access state: the store is not done, Rd = 1.
        std::uint8_t b[4] = {};
        if (!ctx.bus.read_block(trap_pc, b, Initiator::Debugger)) return;
        const int rd_reg =
            store_exclusive_status_reg(static_cast<std::uint16_t>(b[0] | (b[1] << 8)),
                                       static_cast<std::uint16_t>(b[2] | (b[3] << 8)));
        wr(UC_ARM_REG_R0 + rd_reg, 1);
        set_pc(trap_pc + 4);
        return;
    }
    if (trap_kind == TrapKind::Nocp) {
        raise_fault(FaultClass::UsageFault, scb::NOCP, trap_pc, std::nullopt,
                    fmt::format("NOCP: coprocessor/FPU instruction at {:#010x} (no FPU)", trap_pc));
    } else {
        raise_fault(FaultClass::UsageFault, scb::DIVBYZERO, trap_pc, std::nullopt,
                    fmt::format("DIVBYZERO: division by zero at {:#010x}", trap_pc));
    }
}

// One-site code hooks for the queued trap sites; the caller drops the TBs that must be
// retranslated to see them.
void CortexM4::Impl::hook_pending_traps() {
    for (const auto& entry : traps_to_install) {
        const std::uint32_t addr = entry.first;
        if (trap_hooks.contains(addr)) continue;
        uc_hook h = 0;
        if (entry.second == TrapKind::Align)
            uc_hook_add(uc, &h, UC_HOOK_CODE, reinterpret_cast<void*>(tramp_align_site),
                        &align_sites.at(addr), addr, addr);
        else
            uc_hook_add(uc, &h, UC_HOOK_CODE, reinterpret_cast<void*>(tramp_trap), &core, addr,
                        addr);
        trap_hooks[addr] = h;
    }
    traps_to_install.clear();
}

void CortexM4::Impl::install_traps() {
    hook_pending_traps();
    drop_translations(last_tb_addr, last_tb_size);
}

void CortexM4::Impl::rearm_div_traps() {
    const bool armed = scs.ccr() & scb::DIV_0_TRP;
    if (armed == div_trap_armed) return;
    div_trap_armed = armed;
    if (armed) {
        for (std::uint32_t a : div_sites) traps_to_install.emplace_back(a, TrapKind::DivZero);
        hook_pending_traps();
        // Every TB containing a known division must be retranslated with its hook: drop them.
        for (std::uint32_t a : div_sites) drop_translations(a, 4);
    }
    core.force_boundary();
}

// Index of the instruction at `pc` in the block the block hook saw last (instructions before it).
std::optional<unsigned> CortexM4::Impl::index_in_last_tb(std::uint32_t pc) {
    if (pc < last_tb_addr || pc >= last_tb_addr + last_tb_size) return std::nullopt;
    std::vector<std::uint8_t> code(pc - last_tb_addr);
    if (code.empty()) return 0u;
    if (!ctx.bus.read_block(last_tb_addr, code, Initiator::Debugger)) return std::nullopt;
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code.data(), code.size(), last_tb_addr, 0, &insn);
    std::uint32_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) bytes += insn[i].size;
    if (insn) cs_free(insn, n);
    // Undecodable halfwords count one each, as decode_tb counts them.
    return static_cast<unsigned>(n + (code.size() - bytes + 1) / 2);
}

std::uint32_t CortexM4::Impl::insn_size(std::uint32_t pc) {
    std::uint8_t b[2] = {};
    if (!ctx.bus.read_block(pc, b, Initiator::Debugger)) return 2;
    // Thumb-2: a first halfword 0b11101/0b11110/0b11111 starts a 32-bit instruction.
    const unsigned top = b[1] >> 3;
    return top == 0x1D || top == 0x1E || top == 0x1F ? 4 : 2;
}

// A debugger stop before the instruction at `pc`, the `index`-th of the last block: the block
// hook charged the whole block, so take back what did not run, and remember that the free
// run's block goes on from here (see in_block_left).
void CortexM4::Impl::stop_inside_block(std::uint32_t pc, unsigned index) {
    const unsigned count = std::max(last_tb_count, index);
    core.executed_ -= count - index;
    in_block_left = count - index;
    set_pc(pc);
}

// A watchpoint stop as QEMU reports it to gdb, which on ARM expects the stop before the access
// (non-steppable watchpoints: gdb then steps over it with the watchpoint removed): PC at the
// accessing instruction, a watched store undone, the count exact. The write hook's stop comes
// after the store, the read hook's before the load.
void CortexM4::Impl::stop_at_watched_access() {
    for (int r = 0; r < 13; ++r) wr(UC_ARM_REG_R0 + r, watch_regs[static_cast<std::size_t>(r)]);
    wr(UC_ARM_REG_SP, watch_regs[13]);
    wr(UC_ARM_REG_LR, watch_regs[14]);
    const auto f = locate_access(watch_hit, watch_write ? 1 : 0);
    if (!f) return;  // unknown instruction: leave PC where Unicorn stopped (block start)
    if (watch_write && !watch_old_bytes.empty())
        ctx.bus.write_block(watch_hit, watch_old_bytes, Initiator::Debugger);
    stop_inside_block(f->first, f->second);
    skip_watch = f->first;
}

// A data hook stopped the run at a refused access: undo it and point PC at the instruction that
// made it, so that instruction does not complete and the fault is precise. Returns that PC.
std::uint32_t CortexM4::Impl::rewind_to_denied_access() {
    // The store (if any) was performed before the hook could stop it: put the bytes back.
    if (denied.kind == AccessKind::Write && !denied.old_bytes.empty())
        ctx.bus.write_block(denied.addr, denied.old_bytes, Initiator::Debugger);
    std::uint32_t fpc = rd(UC_ARM_REG_PC);
    if (auto f = locate_access(denied.addr, denied.kind == AccessKind::Write ? 1 : 0)) {
        fpc = f->first;
        if (last_tb_count > f->second) core.executed_ -= last_tb_count - f->second;
        restore_itstate(fpc);
    }
    set_pc(fpc);
    return fpc;
}

// An aborted access leaves Unicorn's IT state where its block started: give the faulting
// instruction at `pc` (in the last block) its own ITSTATE, so that the stacked xPSR is right
// and a handler that retries it runs the rest of the IT block under its conditions. Only IT
// instructions inside the block are known (a block that starts mid-IT keeps what it has).
void CortexM4::Impl::restore_itstate(std::uint32_t pc) {
    if (pc <= last_tb_addr || pc >= last_tb_addr + last_tb_size) return;
    std::vector<std::uint8_t> code(pc - last_tb_addr);
    if (!ctx.bus.read_block(last_tb_addr, code, Initiator::Debugger)) return;
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code.data(), code.size(), last_tb_addr, 0, &insn);
    std::uint8_t it = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (insn[i].id == ARM_INS_IT)
            it = insn[i].bytes[0];
        else if ((it & 7) == 0)
            it = 0;
        else
            it = static_cast<std::uint8_t>((it & 0xE0) | ((it << 1) & 0x1F));
    }
    if (insn) cs_free(insn, n);
    if (it == 0) return;
    wr(UC_ARM_REG_XPSR, (rd(UC_ARM_REG_XPSR) & ~XPSR_IT) | ((it & 3u) << 25) |
                            (std::uint32_t{it} >> 2 << 10) | XPSR_T);
}

std::uint8_t CortexM4::Impl::itstate_after(std::uint32_t block, std::uint32_t end,
                                           std::uint8_t start) {
    if (end <= block) return start;
    std::vector<std::uint8_t> code(end - block);
    if (!ctx.bus.read_block(block, code, Initiator::Debugger)) return start;
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code.data(), code.size(), block, 0, &insn);
    std::uint8_t it = start;
    for (std::size_t i = 0; i < n; ++i)
        it = insn[i].id == ARM_INS_IT ? insn[i].bytes[0] : it_advance(it);
    if (insn) cs_free(insn, n);
    return it;
}

// The ITSTATE each ISB of a block being decoded leaves: fixed by an IT instruction before it
// in the block, or, for one of the first four instructions (an IT block begun before the block
// start), worked out at run time from the block's entry ITSTATE, which the block then records.
void CortexM4::Impl::note_isb_sites(std::uint32_t block, const cs_insn* insn, std::size_t n) {
    std::optional<std::uint8_t> it;  // known ITSTATE before insn[i]
    for (std::size_t i = 0; i < n; ++i) {
        if (insn[i].id == ARM_INS_ISB) {
            const auto a = static_cast<std::uint32_t>(insn[i].address);
            if (it)
                isb_itstate[a] = it_advance(*it);
            else if (i < 4)
                decoded_checks.push_back({block, 0, -1, 0, 0, false, true});
        }
        if (insn[i].id == ARM_INS_IT)
            it = insn[i].bytes[0];
        else if (it)
            it = it_advance(*it);
    }
}

// An ISB whose condition passed (its code hook). Unicorn 2.0.1 (QEMU 5.0 trans_ISB) leaves the
// block through gen_goto_tb without writing the block's IT state back. A block clears the IT
// state in the CPU at its start (QEMU tracks it at translation), so the XPSR holds 0 and the
// next block is looked up and run under ITSTATE 0: the rest of the IT block would run
// unconditionally, and an interrupt taken after the ISB would stack ITSTATE 0 (B1.5.6).
void CortexM4::Impl::isb_site(std::uint32_t addr) {
    std::uint8_t after = 0;
    if (auto k = isb_itstate.find(addr); k != isb_itstate.end())
        after = k->second;
    else if (isb_entry.block == last_tb_addr && isb_entry.itstate != 0 && addr >= last_tb_addr &&
             addr < last_tb_addr + last_tb_size)
        after = itstate_after(last_tb_addr, addr + 4, isb_entry.itstate);
    if (after == 0) return;  // what the block's exit leaves: right
    itstate_fixup = ItstateFixup{addr + 4, after};
    core.force_boundary();
}

void CortexM4::Impl::handle_mmio_gap() {
    const std::uint32_t fpc = rewind_to_denied_access();
    raise_fault(FaultClass::BusFault, scb::PRECISERR, fpc, denied.addr,
                fmt::format("PRECISERR: {} of {:#010x}, where no device is",
                            denied.kind == AccessKind::Write ? "write" : "read", denied.addr));
}

void CortexM4::Impl::handle_mpu_data() {
    report_mpu_data(rewind_to_denied_access());
}

// A MemManage fault for the access in `denied`, made by the instruction at `fpc`.
void CortexM4::Impl::report_mpu_data(std::uint32_t fpc) {
    const MpuDecision& d = denied.decision;
    if (ctx.events.active()) {
        MpuDeniedEvent ev{fpc,
                          denied.addr,
                          static_cast<std::uint8_t>(denied.kind),
                          denied.size,
                          unprivileged,
                          d.region,
                          0,
                          0,
                          0,
                          0,
                          false,
                          d.reason};
        if (d.region >= 0) {
            const MpuRegion& r = mpu.regions()[static_cast<std::size_t>(d.region)];
            ev.region_base = r.base();
            ev.region_size = r.size_bytes();
            ev.srd = r.srd();
            ev.ap = r.ap();
            ev.xn = r.xn();
        }
        ev.instruction = disassemble_one(fpc);
        publish(std::move(ev));
    }
    raise_fault(FaultClass::MemManage, scb::DACCVIOL, fpc, denied.addr,
                fmt::format("DACCVIOL: {} of {:#010x} denied by {} ({})",
                            denied.kind == AccessKind::Write ? "write" : "read", denied.addr,
                            d.region >= 0 ? fmt::format("region {}", d.region)
                                          : std::string("the background map"),
                            d.reason));
}

// ---- MPU in the TLB (Unicorn 2.0.1 fast path, uc_fastpath.hpp) ----

namespace {
constexpr std::uint32_t kTlbPage = 0x400;  // Unicorn's ARM TARGET_PAGE_SIZE
constexpr std::uint32_t kPpbStart = 0xE0000000u, kPpbEnd = 0xE0100000u, kStir = 0xE000EF00u;
}  // namespace

// An unprivileged access to the page holding `addr`: what QEMU's TLB may cache for the page.
ucfast::PageVerdict CortexM4::Impl::translate(std::uint32_t addr, ucfast::Access kind,
                                              bool negative_priority) {
    using ucfast::Access;
    ucfast::PageVerdict v;
    const std::uint32_t page = addr & ~(kTlbPage - 1);
    // The Private Peripheral Bus is privileged-only (B3.2.1), except a write to STIR when
    // CCR.USERSETMPEND is set: that page is checked access by access.
    if (addr >= kPpbStart && addr < kPpbEnd) {
        v.read = v.write = false;
        if (kind == Access::Fetch) return v;
        if (page == (kStir & ~(kTlbPage - 1)) && (scs.ccr() & scb::USERSETMPEND)) {
            v.whole_page = false;
            v.deny = !(kind == Access::Write && addr == kStir);
            v.write = !v.deny;
            return v;
        }
        v.deny = true;
        return v;
    }
    // Entries made now would outlive this configuration (sync_user_tlb): check every access.
    if (!user_tlb_current()) {
        v.whole_page = false;
        const AccessKind k = kind == Access::Write ? AccessKind::Write : AccessKind::Read;
        v.deny =
            kind != Access::Fetch && !mpu.check(addr, k, false, negative_priority ? -1 : 0).allowed;
        return v;
    }
    if (!mpu.enabled()) return v;
    // Only a negative priority matters to the MPU (HFNMIENA).
    const int prio = negative_priority ? -1 : 0;
    const auto r = mpu.uniform(page, kTlbPage, AccessKind::Read, false, prio);
    const auto w = mpu.uniform(page, kTlbPage, AccessKind::Write, false, prio);
    v.read = r.value_or(false);
    v.write = w.value_or(false);
    if (kind == Access::Fetch) return v;  // fetches are checked per block (on_block_slow)
    const bool write = kind == Access::Write;
    const std::optional<bool>& u = write ? w : r;
    v.deny =
        u ? !*u
          : !mpu.check(addr, write ? AccessKind::Write : AccessKind::Read, false, prio).allowed;
    if (r && w) return v;
    // A region or sub-region boundary cuts the page. All PMSAv7 boundaries are multiples of 32
    // bytes (B3.5.8: regions of 32 bytes or more, sub-regions of regions of 256 bytes or more),
    // so a verdict per 32-byte chunk is exact.
    v.whole_page = false;
    v.chunked = true;
    for (unsigned i = 0; i < 32; ++i) {
        const std::uint32_t a = page + i * 32;
        const std::uint32_t bit = 1u << i;
        if (mpu.check(a, AccessKind::Read, false, prio).allowed) v.read_chunks |= bit;
        if (mpu.check(a, AccessKind::Write, false, prio).allowed) v.write_chunks |= bit;
    }
    v.read = v.read_chunks != 0;
    v.write = v.write_chunks != 0;
    return v;
}

// The unprivileged TLB entries rest on the MPU configuration and CCR.USERSETMPEND; both change
// only in privileged code, which reaches unprivileged code only through a stop. Privileged code
// leaves the entries alone: Tock turns the MPU off for kernel work and back on with the same
// process configuration, which then finds its entries still there. Only LDRT/STRT-class
// instructions make privileged code use them; once one is seen, every change flushes.
bool CortexM4::Impl::user_tlb_current() const {
    return mpu.generation() == user_tlb_mpu &&
           ((scs.ccr() & scb::USERSETMPEND) != 0) == user_tlb_setmpend;
}

void CortexM4::Impl::sync_user_tlb() {
    if (!fast || user_tlb_current()) return;
    if (!unprivileged && !unpriv_access_seen) return;
    user_tlb_mpu = mpu.generation();
    user_tlb_setmpend = (scs.ccr() & scb::USERSETMPEND) != 0;
    fast->flush_user();
}

// The TLB refused an unprivileged access. QEMU aborted it before it happened and put PC and
// ITSTATE back at the instruction, so only the block hook's count needs correcting.
void CortexM4::Impl::handle_tlb_denial(const ucfast::Denial& d) {
    const std::uint32_t pc = rd(UC_ARM_REG_PC);
    if (auto i = index_in_last_tb(pc); i && last_tb_count > *i)
        core.executed_ -= last_tb_count - *i;
    const bool write = d.kind == ucfast::Access::Write;
    if (d.addr >= kPpbStart && d.addr < kPpbEnd) {
        raise_fault(FaultClass::BusFault, scb::PRECISERR, pc, d.addr,
                    fmt::format("PRECISERR: unprivileged {} of {:#010x} in the System Control "
                                "Space",
                                write ? "write" : "read", d.addr));
        return;
    }
    const AccessKind kind = write ? AccessKind::Write : AccessKind::Read;
    denied = {d.addr, kind, access_size_at(pc), mpu.check(d.addr, kind, false, cached_prio), {}};
    report_mpu_data(pc);
}

// The size of one memory access of the load/store at `pc` (an element of LDM/STM/LDRD).
unsigned CortexM4::Impl::access_size_at(std::uint32_t pc) {
    std::uint8_t code[4] = {};
    if (!ctx.bus.read_block(pc, code, Initiator::Debugger)) return 4;
    cs_insn* insn = nullptr;
    const std::size_t n = cs_disasm(cs, code, sizeof code, pc, 1, &insn);
    if (n == 0) return 4;
    std::string m = insn[0].mnemonic;
    cs_free(insn, n);
    if (m.starts_with("tbb")) return 1;
    if (m.starts_with("tbh")) return 2;
    if (!m.starts_with("ldr") && !m.starts_with("str")) return 4;
    m = m.substr(3);
    if (m.starts_with("ex")) m = m.substr(2);
    if (m.starts_with("s")) m = m.substr(1);
    return m.starts_with("b") ? 1 : m.starts_with("h") ? 2 : 4;
}

namespace {
void tramp_mpu(uc_engine*, uc_mem_type type, std::uint64_t addr, int size, std::int64_t, void* ud) {
    static_cast<CortexM4*>(ud)->on_mpu_access(type, addr, size);
}
}  // namespace

void CortexM4::Impl::update_mpu_hook() {
    // The data hook exists only while code that must be checked runs, so that kernel TBs are
    // translated without it and keep Unicorn's inline fast path (unicorn.md §7.4). Unprivileged
    // TBs are distinct from privileged ones (the TB key includes the privilege), so they are
    // always translated with the hook. Privileged TBs are not: when privileged checks start or
    // stop being needed (PRIVDEFENA off, or a region restricting privileged access), every TB
    // is dropped once so that kernel code is retranslated with the slow path, and from then on
    // the hook stays (a kernel that toggles the MPU at every context switch, as upstream Tock
    // does, would otherwise pay a ~45 ms flush per switch); its callback returns at once while
    // no check is needed.
    const bool privileged_checks = mpu.enabled() && mpu.privileged_checks_needed();
    if (privileged_checks && !privileged_checks_translated) {
        privileged_checks_translated = true;
        drop_all_code();
    }
    // Without the TLB fast path unprivileged code always runs with it: it also refuses PPB
    // accesses (with it, translate() does).
    const bool want = mpu_hook_wanted();
    if (want && !mpu_hook) {
        uc_hook_add(uc, &mpu_hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                    reinterpret_cast<void*>(tramp_mpu), &core, 1, 0);
    } else if (!want && mpu_hook) {
        uc_hook_del(uc, mpu_hook);
        mpu_hook = 0;
    }
}

namespace {
void tramp_align(uc_engine*, uc_mem_type type, std::uint64_t addr, int size, std::int64_t,
                 void* ud) {
    static_cast<CortexM4*>(ud)->on_align_access(type, addr, size);
}
}  // namespace

void CortexM4::Impl::update_align_hook() {
    const bool want = align_wanted();
    if (want == (align_hook != 0)) return;
    if (want)
        uc_hook_add(uc, &align_hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                    reinterpret_cast<void*>(tramp_align), &core, 1, 0);
    else {
        uc_hook_del(uc, align_hook);
        align_hook = 0;
    }
    drop_all_code();
}

void CortexM4::on_align_access(int type, std::uint64_t addr, int size) {
    auto& I = *impl_;
    // Alignment is checked before the MPU (A3.2.1, B3.5): it wins over an MPU stop.
    if ((I.cause != StopCause::None && I.cause != StopCause::MpuData) || size <= 1 ||
        (addr & static_cast<unsigned>(size - 1)) == 0)
        return;
    // ARMv7-M A3.2.1: with UNALIGN_TRP every unaligned halfword/word access faults.
    const auto a = static_cast<std::uint32_t>(addr);
    const AccessKind kind = type == UC_MEM_WRITE ? AccessKind::Write : AccessKind::Read;
    I.refuse_data_access(a, kind, static_cast<unsigned>(size), MpuDecision{}, StopCause::Unaligned);
}

void CortexM4::Impl::handle_unaligned() {
    const std::uint32_t fpc = rewind_to_denied_access();
    raise_fault(
        FaultClass::UsageFault, scb::UNALIGNED, fpc, std::nullopt,
        fmt::format("UNALIGNED: {}-byte {} at {:#010x} with CCR.UNALIGN_TRP set", denied.size,
                    denied.kind == AccessKind::Write ? "write" : "read", denied.addr));
}

void CortexM4::on_align_site(const AlignSiteHook* site) {
    auto& I = *impl_;
    if (I.cause != StopCause::None) return;
    const std::uint32_t base = I.rd(site->uc_reg);
    if ((base & site->mask) == 0) {
        std::uint8_t b[4] = {};
        if (I.ctx.bus.read_block(site->pc, b, Initiator::Debugger))
            I.exclusive_site(site->pc, static_cast<std::uint16_t>(b[0] | (b[1] << 8)),
                             static_cast<std::uint16_t>(b[2] | (b[3] << 8)));
        return;
    }
    I.cause = StopCause::UnalignedSite;
    I.trap_pc = site->pc;
    I.align_fault_addr = base + static_cast<std::uint32_t>(site->disp);
    I.align_fault_counted = true;
    // A stop requested from a code hook is not honoured inside an IT block: Unicorn runs on to
    // the block's end (measured). Pointing the base at unmapped memory instead makes the access
    // itself abort, before any of it is done and before anything after it runs; the base is put
    // back when the fault is taken.
    I.align_base_saved = {site->uc_reg, base};
    I.wr(site->uc_reg, kAlignTrapBase);
    uc_emu_stop(I.uc);
}

// ARMv7-M A3.2.1: LDRD/STRD, LDM/STM, STREX/STREXH at an unaligned address are a UsageFault
// UNALIGNED whatever CCR.UNALIGN_TRP says. Nothing of the instruction has been done (the stop
// came before it), so the fault is precise.
void CortexM4::Impl::handle_unaligned_site() {
    if (align_fault_counted) {
        if (auto i = index_in_last_tb(trap_pc); i && last_tb_count > *i)
            core.executed_ -= last_tb_count - *i;
    }
    if (align_base_saved) wr(align_base_saved->first, align_base_saved->second);
    align_base_saved.reset();
    set_pc(trap_pc);
    const auto it = align_sites.find(trap_pc);
    // The aborted access left Unicorn's IT state where the block started: the stacked xPSR must
    // hold the faulting instruction's (IT[1:0] in bits 26:25, IT[7:2] in bits 15:10).
    if (it != align_sites.end() && it->second.itstate) {
        const std::uint32_t its = it->second.itstate;
        wr(UC_ARM_REG_XPSR,
           (rd(UC_ARM_REG_XPSR) & ~XPSR_IT) | ((its & 3u) << 25) | ((its >> 2) << 10) | XPSR_T);
    }
    const std::string what = it != align_sites.end() ? it->second.mnemonic : "access";
    const unsigned need = it != align_sites.end() ? it->second.mask + 1 : 4;
    raise_fault(FaultClass::UsageFault, scb::UNALIGNED, trap_pc, std::nullopt,
                fmt::format("UNALIGNED: {} at {:#010x} of address {:#010x}, which must be "
                            "{}-byte aligned",
                            what, trap_pc, align_fault_addr, need));
}

void CortexM4::on_mpu_access(int type, std::uint64_t addr, int size) {
    auto& I = *impl_;
    if (I.cause == StopCause::MpuData || I.cause == StopCause::PpbDenied ||
        I.cause == StopCause::Unaligned || I.cause == StopCause::UnalignedSite)
        return;
    // The Private Peripheral Bus is privileged-only (B3.2.1): an unprivileged access is a
    // precise BusFault, except a write to STIR when CCR.USERSETMPEND is set.
    if (I.unprivileged && addr >= 0xE0000000u && addr < 0xE0100000u) {
        const bool stir =
            addr == 0xE000EF00u && type == UC_MEM_WRITE && (I.scs.ccr() & scb::USERSETMPEND);
        if (!stir) {
            I.fault_addr = static_cast<std::uint32_t>(addr);
            I.fault_write = type == UC_MEM_WRITE;
            I.cause = StopCause::PpbDenied;
            uc_emu_stop(I.uc);
            return;
        }
    }
    if (!I.mpu_checks_active()) return;
    const bool privileged = !I.unprivileged;
    const AccessKind kind = type == UC_MEM_WRITE ? AccessKind::Write : AccessKind::Read;
    const auto a = static_cast<std::uint32_t>(addr);
    // Privileged code can raise FAULTMASK within a block (cpsid f), which takes the MPU out of
    // the way when HFNMIENA=0: only a negative priority matters to the MPU, and the active set
    // cannot change inside a block, so FAULTMASK is all that must be read live.
    const int prio = privileged
                         ? ((I.rd(UC_ARM_REG_FAULTMASK) & 1) ? -1 : I.exc.execution_priority({}))
                         : I.cached_prio;
    MpuDecision d = I.mpu.check(a, kind, privileged, prio);
    // An access is checked at its first and last byte (regions are at least 32 bytes).
    if (d.allowed && size > 1)
        d = I.mpu.check(a + static_cast<std::uint32_t>(size) - 1, kind, privileged, prio);
    if (d.allowed) return;
    I.refuse_data_access(a, kind, static_cast<unsigned>(size), d, StopCause::MpuData);
}

// ------------------------------------------------------------------------------------------------
// Run loop

RunResult CortexM4::run_until(Picos deadline, std::uint64_t max_instructions) {
    auto& I = *impl_;
    I.run_deadline = deadline;
    I.run_insn_limit = max_instructions == UINT64_MAX ? UINT64_MAX : executed_ + max_instructions;
    for (;;) {
        I.sync_clock();
        // Inside the free run's block (a debugger stopped there) nothing happens until its
        // end: events, interrupts and limits are looked at where the free run looks at them.
        const bool boundary = I.in_block_left == 0;
        if (boundary) I.ctx.clock.run_due();
        if (locked_up_) return {StopReason::Lockup, 1, I.lockup_message};
        if (I.exit_requested) {
            I.exit_requested = false;
            return {StopReason::SemihostingExit, I.exit_code, {}};
        }
        if (stop_requested_) {
            stop_requested_ = false;
            return {StopReason::Requested, 0, {}};
        }
        if (boundary && I.ctx.clock.now() >= deadline) return {StopReason::TimeLimit, 0, {}};
        if (boundary && executed_ >= I.run_insn_limit) return {StopReason::InstructionLimit, 0, {}};
        if (boundary && I.reset_requested) {
            I.reset_requested = false;
            // AIRCR.SYSRESETREQ: the whole system resets (the Machine also resets the board and
            // redoes the bootloader hand-off); without a Machine, a core + SCS reset.
            if (system_reset) {
                system_reset();
            } else {
                I.scs.reset();
                reset(0);
            }
            continue;
        }
        if (boundary && sleeping_) {
            if (I.wake_condition()) {
                I.wake_up();
            } else {
                Picos t = deadline;
                if (auto d = I.ctx.clock.next_deadline(); d && *d < t) t = *d;
                // Whole cycles: wake on the first cycle at or after the event time.
                I.ctx.clock.advance_cycles(I.ctx.clock.cycles_until(t));
                I.idle_cycles = I.ctx.clock.cycles() - executed_;
                continue;
            }
        }
        if (boundary && I.take_pending()) continue;
        if (I.skip_watch && *I.skip_watch == (I.rd(UC_ARM_REG_PC) & ~1u)) {
            step_one();  // the access a watchpoint stopped before, unwatched
            continue;
        }
        I.skip_watch.reset();
        I.unprivileged = I.is_unprivileged();
        I.update_mpu_hook();
        I.update_align_hook();
        I.limit = I.compute_limit(deadline, I.run_insn_limit);
        I.poll_masks = I.exc.any_pending_enabled();
        // Resuming inside a block: the slow path at its start knows what to skip.
        stop_at_ = I.in_block_left ? 0 : I.poll_masks ? executed_ : I.limit;
        I.cached_prio = I.exec_priority();
        I.arm_fetch_checks();
        I.cause = StopCause::None;
        const std::uint32_t pc = I.rd(UC_ARM_REG_PC);
        const uc_err err = I.emu_start(pc, 0);
        spdlog::trace("run slice from {:#010x}: cause {} err {} now pc={:#010x} insns={}", pc,
                      static_cast<int>(I.cause), static_cast<int>(err), I.rd(UC_ARM_REG_PC),
                      executed_);

        if (I.cause == StopCause::Boundary || I.cause == StopCause::InstallTraps ||
            I.cause == StopCause::MpuFetch)
            I.set_pc(I.block_stop_pc);
        switch (I.cause) {
            case StopCause::Boundary:
                break;
            case StopCause::Interrupt:
                I.handle_interrupt();
                if (I.bkpt_halt) {
                    I.bkpt_halt = false;
                    return {StopReason::Breakpoint, 0, {}};
                }
                break;
            case StopCause::InstallTraps:
                I.install_traps();
                break;
            case StopCause::Trap:
                I.handle_trap();
                break;
            case StopCause::PpbDenied: {
                std::uint32_t fpc = I.rd(UC_ARM_REG_PC);
                if (auto f = I.locate_access(I.fault_addr, I.fault_write ? 1 : 0)) {
                    fpc = f->first;
                    if (I.last_tb_count > f->second) executed_ -= I.last_tb_count - f->second;
                }
                I.set_pc(fpc);
                I.raise_fault(FaultClass::BusFault, scb::PRECISERR, fpc, I.fault_addr,
                              fmt::format("PRECISERR: unprivileged {} of {:#010x} in the "
                                          "System Control Space",
                                          I.fault_write ? "write" : "read", I.fault_addr));
                break;
            }
            case StopCause::MpuData:
                I.handle_mpu_data();
                break;
            case StopCause::Unaligned:
                I.handle_unaligned();
                break;
            case StopCause::UnalignedSite:
                I.handle_unaligned_site();
                break;
            case StopCause::MmioGap:
                I.handle_mmio_gap();
                break;
            case StopCause::MpuFetch:
                I.raise_fault(FaultClass::MemManage, scb::IACCVIOL, I.denied.addr, std::nullopt,
                              fmt::format("IACCVIOL: fetch from {:#010x} denied ({})",
                                          I.denied.addr, I.denied.decision.reason));
                break;
            case StopCause::Breakpoint:
                if (auto i = I.index_in_last_tb(I.trap_pc))
                    I.stop_inside_block(I.trap_pc, *i);
                else
                    I.set_pc(I.trap_pc);
                I.skip_breakpoint = I.trap_pc;
                return {StopReason::Breakpoint, 0, {}};
            case StopCause::Watchpoint: {
                I.stop_at_watched_access();
                RunResult r{StopReason::Watchpoint, 0, {}};
                r.watch_address = I.watch_hit;
                return r;
            }
            case StopCause::Unmapped:
            case StopCause::None:
                if (err != UC_ERR_OK) {
                    I.handle_error(err);
                } else {
                    // uc_emu_start returned by itself: WFI (unicorn.md §3) or the until
                    // address.
                    const std::uint32_t now_pc = I.rd(UC_ARM_REG_PC);
                    std::uint8_t b[4] = {};
                    I.ctx.bus.read_block(now_pc - 4, b, Initiator::Debugger);
                    const bool wfi16 = b[2] == 0x30 && b[3] == 0xBF;
                    const bool wfi32 = b[0] == 0xAF && b[1] == 0xF3 && b[2] == 0x03 && b[3] == 0x80;
                    if (now_pc == kUntil)
                        I.raise_fault(FaultClass::MemManage, scb::IACCVIOL, now_pc, std::nullopt,
                                      "IACCVIOL: fetch from the system region");
                    else if (wfi16 || wfi32) {
                        I.go_to_sleep(false);
                        spdlog::debug("wfi at {:#010x} xpsr={:#010x}", now_pc,
                                      I.rd(UC_ARM_REG_XPSR));
                    }
                }
                break;
        }
    }
}

RunResult CortexM4::step(Picos deadline) {
    auto& I = *impl_;
    I.sync_clock();
    if (locked_up_) return {StopReason::Lockup, 1, I.lockup_message};
    if (I.in_block_left == 0) {
        // A boundary of the free run: do what run_until does there (events, reset, sleep,
        // interrupts). Asleep, the step is the wait for the wake-up event and its entry.
        for (unsigned waits = 0;; ++waits) {
            I.sync_clock();
            I.ctx.clock.run_due();
            if (locked_up_) return {StopReason::Lockup, 1, I.lockup_message};
            if (I.exit_requested) {
                I.exit_requested = false;
                return {StopReason::SemihostingExit, I.exit_code, {}};
            }
            if (I.ctx.clock.now() >= deadline) return {StopReason::TimeLimit, 0, {}};
            if (I.reset_requested) {
                I.reset_requested = false;
                if (system_reset) {
                    system_reset();
                } else {
                    I.scs.reset();
                    reset(0);
                }
                return {StopReason::Step, 0, {}};
            }
            if (!sleeping_) break;
            if (I.wake_condition()) {
                I.wake_up();
                break;
            }
            Picos t = deadline;
            if (auto d = I.ctx.clock.next_deadline(); d && *d < t) t = *d;
            // Nothing will ever wake the core (or only after very many events that do not):
            // the step ends asleep, as a debugger's Ctrl-C would find it.
            if (t == ~Picos{0} || waits >= 100000) return {StopReason::Step, 0, {}};
            I.ctx.clock.advance_cycles(I.ctx.clock.cycles_until(t));
            I.idle_cycles = I.ctx.clock.cycles() - executed_;
        }
        if (I.take_pending()) return {StopReason::Step, 0, {}};
    }
    return step_one();
}

// Executes the instruction at PC and nothing else (no boundary work: see step()).
RunResult CortexM4::step_one() {
    auto& I = *impl_;
    const bool at_boundary = I.in_block_left == 0;
    const std::uint32_t left_before = I.in_block_left;
    I.cause = StopCause::None;
    // The next block start stops (Boundary): the count hook alone would let a block translated
    // without it run whole.
    I.limit = executed_ + 1;
    stop_at_ = executed_ + 1;
    I.unprivileged = I.is_unprivileged();
    I.update_mpu_hook();
    I.update_align_hook();
    I.cached_prio = I.exec_priority();
    I.arm_fetch_checks();
    const std::uint32_t pc = I.rd(UC_ARM_REG_PC);
    if (I.breakpoints.contains(pc)) I.skip_breakpoint = pc;
    I.watch_suppressed = I.skip_watch == pc;
    I.skip_watch.reset();
    std::uint8_t code[4] = {};
    I.ctx.bus.read_block(pc, code, Initiator::Debugger);
    const bool wfi = (code[0] == 0x30 && code[1] == 0xBF) ||
                     (code[0] == 0xAF && code[1] == 0xF3 && code[2] == 0x03 && code[3] == 0x80);
    // Unicorn never stops inside an IT block: stepping an IT instruction runs the whole block,
    // and the block hook counts its instructions whether their condition passes or not.
    const bool it = code[1] == 0xBF && (code[0] & 0x0F) != 0;
    const unsigned retired =
        it ? 1 + 4 - static_cast<unsigned>(std::countr_zero(code[0] & 0x0Fu)) : 1;
    const std::uint64_t before = executed_;
    // uc_emu_start's instruction count is a code hook, and hooks bind at translation: a block
    // translated before (by the free run) would run whole. Retranslate the one at PC.
    uc_ctl_remove_cache(I.uc, pc, std::uint64_t{pc} + 2);
    I.in_block_left = 0;  // set again below; the block hook must only count here
    const uc_err err = I.emu_start(pc, 1);
    // The block hook counted the whole block; one instruction retired (none if it faulted).
    executed_ = before + retired;
    // Where the free run's block stands now: a stop handler below (exception entry or
    // return) ends it, as in the free run.
    // A block-hook stop at the next block (the count stops at the second instruction's code
    // hook, after that block's hook ran) comes after the instruction completed.
    const bool next_block_stop =
        (I.cause == StopCause::InstallTraps || I.cause == StopCause::MpuFetch ||
         I.cause == StopCause::Boundary) &&
        I.block_stop_pc != pc;
    const bool plain = (I.cause == StopCause::None && err == UC_ERR_OK) || next_block_stop;
    std::uint32_t left = 0;
    if (plain && !wfi) {
        const TbInfo* slot = I.find_tb_at(pc);
        left = !at_boundary ? left_before : slot ? slot->count : 0;
        left = left > retired ? left - retired : 0;
    }
    I.in_block_left = left;
    switch (I.cause) {
        case StopCause::Interrupt:
            if (I.intno == 4) {  // the instruction faulted: nothing retired
                executed_ = before;
                I.last_tb_count = 0;
            }
            I.handle_interrupt();
            I.bkpt_halt = false;  // a step ends here anyway
            break;
        case StopCause::Boundary:
            I.set_pc(I.block_stop_pc);
            break;
        case StopCause::InstallTraps:
            I.install_traps();
            I.set_pc(I.block_stop_pc);
            if (next_block_stop) break;
            executed_ = before;
            I.in_block_left = left_before;
            return step_one();
        case StopCause::Trap:
            executed_ = before;
            I.handle_trap();
            break;
        case StopCause::UnalignedSite:
            // Predicted at the next block's entry: the stepped instruction completed.
            if (I.align_fault_counted || I.block_stop_pc == pc) executed_ = before;
            I.align_fault_counted = false;
            I.handle_unaligned_site();
            break;
        case StopCause::MpuData:
            executed_ = before;
            I.last_tb_count = 0;
            I.handle_mpu_data();
            break;
        case StopCause::MmioGap:
            executed_ = before;
            I.last_tb_count = 0;
            I.handle_mmio_gap();
            break;
        case StopCause::MpuFetch:
            if (!next_block_stop) executed_ = before;
            I.in_block_left = 0;
            I.set_pc(I.block_stop_pc);
            I.raise_fault(FaultClass::MemManage, scb::IACCVIOL, I.denied.addr, std::nullopt,
                          fmt::format("IACCVIOL: fetch from {:#010x} denied ({})", I.denied.addr,
                                      I.denied.decision.reason));
            break;
        default:
            if (err != UC_ERR_OK) {
                executed_ = before;
                I.last_tb_count = 0;
                I.handle_error(err);
            } else if (wfi && plain) {
                I.go_to_sleep(false);
            }
            break;
    }
    I.skip_breakpoint.reset();
    I.watch_suppressed = false;
    if (locked_up_) return {StopReason::Lockup, 1, I.lockup_message};
    if (I.exit_requested) {
        I.exit_requested = false;
        return {StopReason::SemihostingExit, I.exit_code, {}};
    }
    return {StopReason::Step, 0, {}};
}

std::uint64_t CortexM4::slow_stores() const {
    return impl_->fast ? impl_->fast->slow_collections() : 0;
}

// ------------------------------------------------------------------------------------------------
// Registers and debug

std::uint32_t CortexM4::reg(CoreReg r) {
    auto& I = *impl_;
    switch (r) {
        case CoreReg::MSP:
            return I.read_sys().msp;
        case CoreReg::PSP:
            return I.read_sys().psp;
        case CoreReg::PRIMASK:
            return I.read_sys().primask;
        case CoreReg::BASEPRI:
            return I.read_sys().basepri;
        case CoreReg::FAULTMASK:
            return I.read_sys().faultmask;
        default:
            return I.rd(uc_reg_of(r));
    }
}

void CortexM4::set_reg(CoreReg r, std::uint32_t value) {
    auto& I = *impl_;
    switch (r) {
        case CoreReg::MSP:
        case CoreReg::PSP:
        case CoreReg::PRIMASK:
        case CoreReg::FAULTMASK:
            I.write_privileged(uc_reg_of(r), value);
            break;
        case CoreReg::BASEPRI:
            I.write_privileged(uc_reg_of(r), value & 0xF0);  // priority bits [7:4] only
            break;
        case CoreReg::CONTROL: {
            const auto s = I.read_sys();
            I.set_core(s.ipsr, value & 3, s.msp, s.psp);
            break;
        }
        case CoreReg::XPSR:
            // Never let Unicorn see T = 0 (unicorn.md §2).
            I.wr(UC_ARM_REG_XPSR, value | XPSR_T);
            I.rebuild_hflags();
            break;
        case CoreReg::PC:
            // The debugger moved the core: no breakpoint to skip, no block to finish.
            if ((value & ~1u) != (I.rd(UC_ARM_REG_PC) & ~1u)) {
                I.skip_breakpoint.reset();
                I.skip_watch.reset();
                I.in_block_left = 0;
            }
            I.set_pc(value & ~1u);
            break;
        default:
            I.wr(uc_reg_of(r), value);
            break;
    }
    force_boundary();
}

void CortexM4::add_breakpoint(std::uint32_t addr) {
    auto& I = *impl_;
    addr &= ~1u;
    if (I.breakpoints.contains(addr)) return;
    uc_hook h = 0;
    uc_hook_add(I.uc, &h, UC_HOOK_CODE, reinterpret_cast<void*>(tramp_trap), this, addr, addr);
    I.breakpoints[addr] = h;
    I.drop_translations(addr, 2);
}

void CortexM4::remove_breakpoint(std::uint32_t addr) {
    auto& I = *impl_;
    addr &= ~1u;
    auto it = I.breakpoints.find(addr);
    if (it == I.breakpoints.end()) return;
    uc_hook_del(I.uc, it->second);
    I.breakpoints.erase(it);
    I.drop_translations(addr, 2);
}

void CortexM4::add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) {
    auto& I = *impl_;
    int type = kind == WatchKind::Write  ? UC_HOOK_MEM_WRITE
               : kind == WatchKind::Read ? UC_HOOK_MEM_READ
                                         : (UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE);
    uc_hook h = 0;
    uc_hook_add(I.uc, &h, type, reinterpret_cast<void*>(tramp_watch), this, addr,
                std::uint64_t{addr} + (len ? len : 1) - 1);
    I.watches.push_back({addr, len ? len : 1, kind, h});
    // Hooks bind at translation: retranslate everything (rare; debugger only).
    I.drop_all_code();
}

void CortexM4::remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) {
    auto& I = *impl_;
    auto it = std::find_if(I.watches.begin(), I.watches.end(), [&](const auto& w) {
        return w.addr == addr && w.len == (len ? len : 1) && w.kind == kind;
    });
    if (it == I.watches.end()) return;
    uc_hook_del(I.uc, it->hook);
    I.watches.erase(it);
}

}  // namespace tockemu
