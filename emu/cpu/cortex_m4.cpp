// The Cortex-M4 core on Unicorn: construction, memory mapping, reset, the block hook and the
// run loop, the MPU in the TLB, registers and debug. The state is CortexM4::Impl
// (cortex_m4_impl.hpp); the exception model is in exception_model.cpp, faults in faults.cpp,
// code-hook traps in traps.cpp, block bookkeeping in tb_blocks.cpp, sleep in sleep.cpp,
// memory hooks and MMIO in memory_hooks.cpp.

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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
    const TbInfo& slot = I.tbs[Impl::tb_index(addr)];
    if (slot.addr != addr || slot.size != size || executed_ >= stop_at_ ||
        (I.fetch_checks && slot.fetch_ok != I.fetch_gen) || slot.align) [[unlikely]] {
        if (!on_block_slow(addr, size)) return;  // on return, the block is in the first way
    }
    I.last_tb_addr = addr;
    I.last_tb_size = size;
    I.last_tb_count = slot.count;
    executed_ += slot.count;
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

namespace {
constexpr std::uint32_t kTlbPage = 0x400;  // Unicorn's ARM TARGET_PAGE_SIZE
constexpr std::uint32_t kPpbStart = 0xE0000000u, kPpbEnd = 0xE0100000u, kStir = 0xE000EF00u;
}  // namespace

// ---- MPU in the TLB (Unicorn 2.0.1 fast path, uc_fastpath.hpp) ----

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
