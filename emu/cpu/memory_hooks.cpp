// Memory hooks: unmapped and write-protected accesses, MMIO dispatch to the bus devices,
// watchpoints.

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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

}  // namespace tockemu
