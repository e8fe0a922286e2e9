// One-instruction code-hook traps (NOCP, DIVBYZERO, MSR/CPSIE, exclusives, SEV, ISB) and
// the alignment traps (A3.2.1: UNALIGN_TRP and the always-aligned forms).

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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

}  // namespace tockemu
