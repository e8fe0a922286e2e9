// Translation-block bookkeeping: block slots, block decoding with Capstone (instruction
// classification, trap sites, alignment sites), positions inside the last block, and the
// ISB/ITSTATE repair. The block hook itself (the hot path) is in cortex_m4.cpp.

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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

}  // namespace tockemu
