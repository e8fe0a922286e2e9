// Sleep (B1.5.19 WFI, WFE, sleep-on-exit) and the event register (B1.5.18).

#include "emu/cpu/cortex_m4_impl.hpp"

namespace tockemu {

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

}  // namespace tockemu
