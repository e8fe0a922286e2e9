// Exception entry (B1.5.6 ExceptionEntry, PushStack, ExceptionTaken), return (B1.5.8
// ExceptionReturn, PopStack) and tail-chaining (B1.5.12), in the order of the manual's pseudocode;
// SVC, BKPT and interrupts as the run loop hands them over. Fault raising is in faults.cpp.

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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

}  // namespace tockemu
