// Fault raising (B1.5.14 priority escalation, B3.2.15-18 status registers, lockup) and
// locating the faulting instruction of a block Unicorn aborted (B1.5.6: the stacked PC and
// ITSTATE are the faulting instruction's).

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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

}  // namespace tockemu
