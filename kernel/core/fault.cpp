// Process faults: the report printed on the console and the board's fault policy
// (tock-abi.md 7.3, 7.5).
#include "arch/cortex-m/cortexm.hpp"
#include "core/debug.hpp"
#include "core/events.hpp"
#include "core/process.hpp"

namespace kernel {
namespace {

PolicyConfig g_policy{FaultPolicy::ThresholdRestartThenPanic, 4, 10'000};

void print_line(const char* text, void*) {
    kprintf("%s\r\n", text);
}

unsigned long ul(std::uint32_t v) {
    return static_cast<unsigned long>(v);
}

void print_memory_map(const Process& p) {
    std::uint32_t grant_bytes = p.block_end() - p.kernel_break;
    std::uint32_t enabled_end = p.enabled_ram_end();
    kprintf(" +===========+==========================================+\r\n");
    kprintf(" |  Address  | Region Name    Used | Allocated (bytes)  |\r\n");
    kprintf(" +0x%08lX=+==========================================+\r\n", ul(p.block_end()));
    kprintf("             | Grant         %6lu\r\n", ul(grant_bytes));
    kprintf("  0x%08lX +-------------------------------------------  kernel break\r\n",
            ul(p.kernel_break));
    kprintf("             | Unused        %6lu   (MPU-accessible up to 0x%08lX)\r\n",
            ul(p.kernel_break - p.app_break), ul(enabled_end));
    kprintf("  0x%08lX +-------------------------------------------  app break\r\n",
            ul(p.app_break));
    if (p.heap_hint != 0 && p.heap_hint <= p.app_break) {
        kprintf("             | Heap          %6lu\r\n", ul(p.app_break - p.heap_hint));
        kprintf("  0x%08lX +------------------------------------------- heap start\r\n",
                ul(p.heap_hint));
    }
    if (p.stack_hint != 0 && p.heap_hint >= p.stack_hint) {
        kprintf("             | Data          %6lu\r\n", ul(p.heap_hint - p.stack_hint));
        kprintf("  0x%08lX +------------------------------------------- stack top\r\n",
                ul(p.stack_hint));
    }
    std::uint32_t sp = p.ctx.psp;
    bool exceeded = sp < p.memory_start;
    kprintf("             | v Stack       SP 0x%08lX%s\r\n", ul(sp), exceeded ? " EXCEEDED!" : "");
    kprintf("  0x%08lX +-------------------------------------------  memory start (%lu bytes)\r\n",
            ul(p.memory_start), ul(p.memory_size));
    kprintf("             ...\r\n");
    kprintf("  0x%08lX +------------------------------------------- flash end\r\n",
            ul(p.tbf.flash_start + p.tbf.total_size));
    kprintf("             | App Flash     %6lu\r\n", ul(p.tbf.total_size - p.tbf.protected_size()));
    kprintf("  0x%08lX +------------------------------------------- app start\r\n",
            ul(p.tbf.app_start()));
    kprintf("             | Protected     %6lu\r\n", ul(p.tbf.protected_size()));
    kprintf("  0x%08lX +------------------------------------------- flash start\r\n",
            ul(p.tbf.flash_start));
}

void print_registers(const Process& p) {
    // The hardware frame is only trusted if it lies inside the process's RAM block.
    bool frame_ok = p.ctx.psp >= p.memory_start && p.ctx.psp <= p.block_end() - 32;
    const auto* f = reinterpret_cast<const std::uint32_t*>(p.ctx.psp);
    auto fr = [&](unsigned i) { return frame_ok ? f[i] : 0xBAD00BADu; };
    kprintf("\r\n  R0 : 0x%08lX    R6 : 0x%08lX\r\n", ul(fr(0)), ul(p.ctx.regs[2]));
    kprintf("  R1 : 0x%08lX    R7 : 0x%08lX\r\n", ul(fr(1)), ul(p.ctx.regs[3]));
    kprintf("  R2 : 0x%08lX    R8 : 0x%08lX\r\n", ul(fr(2)), ul(p.ctx.regs[4]));
    kprintf("  R3 : 0x%08lX    R10: 0x%08lX\r\n", ul(fr(3)), ul(p.ctx.regs[6]));
    kprintf("  R4 : 0x%08lX    R11: 0x%08lX\r\n", ul(p.ctx.regs[0]), ul(p.ctx.regs[7]));
    kprintf("  R5 : 0x%08lX    R12: 0x%08lX\r\n", ul(p.ctx.regs[1]), ul(fr(4)));
    kprintf("  R9 : 0x%08lX (Static Base Register)\r\n", ul(p.ctx.regs[5]));
    kprintf("  SP : 0x%08lX (Process Stack Pointer)\r\n", ul(p.ctx.psp));
    kprintf("  LR : 0x%08lX\r\n", ul(fr(5)));
    kprintf("  PC : 0x%08lX\r\n", ul(fr(6)));
    kprintf(" YPC : 0x%08lX\r\n", ul(p.ctx.yield_pc));
    std::uint32_t psr = fr(7);
    kprintf("\r\n APSR: N %lu Z %lu C %lu V %lu Q %lu\r\n", ul(psr >> 31 & 1), ul(psr >> 30 & 1),
            ul(psr >> 29 & 1), ul(psr >> 28 & 1), ul(psr >> 27 & 1));
    kprintf("       GE 0 0 0 0\r\n");
    kprintf(" EPSR: ICI.IT 0x%02lx\r\n       ThumbBit %s\r\n",
            ul((psr >> 25 & 3) | (psr >> 8 & 0xFC)), (psr >> 24 & 1) ? "true" : "false");
    kprintf(" xPSR: 0x%08lX\r\n", ul(psr));
}

void print_mpu(const Process& p) {
    for (unsigned i = 0; i < cortexm::kMpuRegions; ++i) {
        std::uint32_t rasr = p.mpu.rasr[i];
        if ((rasr & 1u) == 0) continue;
        std::uint32_t base = p.mpu.rbar[i] & ~0x1Fu;
        std::uint32_t size = 1u << (((rasr >> 1) & 0x1F) + 1);
        std::uint32_t ap = rasr >> 24 & 7;
        bool xn = (rasr >> 28) & 1;
        const char* access = ap == cortexm::kApFullAccess ? (xn ? "ReadWrite" : "ReadWriteExecute")
                             : ap == cortexm::kApUserReadOnly ? (xn ? "ReadOnly" : "ReadExecute")
                                                              : "Other";
        std::uint32_t srd = rasr >> 8 & 0xFF;
        char map[9];
        for (unsigned sub = 0; sub < 8; ++sub) map[sub] = (srd >> sub & 1) ? 'D' : 'E';
        map[8] = 0;
        kprintf(" Region %u: [0x%08lX:0x%08lX], length: %lu bytes; %s, sub-regions %s\r\n", i,
                ul(base), ul(base + size), ul(size), access, map);
    }
}

const char* action_text(FaultAction a) {
    switch (a) {
        case FaultAction::Panic:
            return "Panic";
        case FaultAction::Stop:
            return "Stop";
        default:
            return "Restart";
    }
}

}  // namespace

const PolicyConfig& policy_config() {
    return g_policy;
}

void policy_init() {
    const volatile BoardConfig& c = tockemu_board_config;
    if (c.magic != kBoardConfigMagic || c.version != kBoardConfigVersion) return;
    if (c.fault_policy <= static_cast<std::uint32_t>(FaultPolicy::ThresholdRestartThenPanic)) {
        g_policy.policy = static_cast<FaultPolicy>(c.fault_policy);
    }
    g_policy.threshold = c.restart_threshold;
    if (c.timeslice_us >= 1000 && c.timeslice_us <= 300'000) g_policy.timeslice_us = c.timeslice_us;
}

const char* fault_policy_name(FaultPolicy p) {
    switch (p) {
        case FaultPolicy::Panic:
            return "Panic";
        case FaultPolicy::Stop:
            return "Stop";
        case FaultPolicy::Restart:
            return "Restart";
        case FaultPolicy::ThresholdRestartThenStop:
            return "ThresholdRestartThenStop";
        default:
            return "ThresholdRestartThenPanic";
    }
}

void print_fault_status(const Process& p) {
    kprintf("---| Cortex-M Fault Status |---\r\n");
    if (!p.has_fault) {
        kprintf("No Cortex-M faults detected.\r\n");
        kprintf("Kernel-detected fault: %s\r\n", p.fault_reason ? p.fault_reason : "unknown");
        if (p.has_last_syscall) {
            kprintf("Last syscall: class %lu, r0 0x%08lX\r\n", ul(p.last_syscall[0]),
                    ul(p.last_syscall[1]));
        }
        return;
    }
    const cortexm::FaultStatus& f = p.last_fault;
    cortexm::decode_fault_status(f.cfsr, f.hfsr, print_line, nullptr);
    if (f.cfsr & (1u << 7)) kprintf("Faulting Memory Address:            0x%08lX\r\n", ul(f.mmfar));
    if (f.cfsr & (1u << 15)) kprintf("Bus Fault Address:                  0x%08lX\r\n", ul(f.bfar));
    kprintf("Fault Status Register (CFSR):       0x%08lX\r\n", ul(f.cfsr));
    kprintf("Hard Fault Status Register (HFSR):  0x%08lX\r\n", ul(f.hfsr));
}

void print_process_overview(const Process& p) {
    kprintf("App: %.*s   -   [%s]  restarts %lu, syscalls %lu, RAM 0x%08lX-0x%08lX\r\n",
            static_cast<int>(p.tbf.name_len), p.tbf.name ? p.tbf.name : "",
            process_state_name(p.state), ul(p.restart_count), ul(p.syscall_count),
            ul(p.memory_start), ul(p.block_end()));
}

void print_process_report(const Process& p, bool with_fault) {
    if (with_fault) print_fault_status(p);
    kprintf("\r\n---| App Status |---\r\n");
    kprintf("App: %.*s   -   [%s]\r\n", static_cast<int>(p.tbf.name_len),
            p.tbf.name ? p.tbf.name : "", process_state_name(p.state));
    kprintf(" Events Queued: %u   Syscall Count: %lu   Dropped Upcall Count: %lu\r\n", p.task_count,
            ul(p.syscall_count), ul(p.dropped_upcalls));
    kprintf(" Restart Count: %lu\r\n", ul(p.restart_count));
    if (p.has_last_syscall) {
        kprintf(" Last Syscall: class %lu (0x%08lX, 0x%08lX, 0x%08lX, 0x%08lX)\r\n",
                ul(p.last_syscall[0]), ul(p.last_syscall[1]), ul(p.last_syscall[2]),
                ul(p.last_syscall[3]), ul(p.last_syscall[4]));
    } else {
        kprintf(" Last Syscall: None\r\n");
    }
    if (p.has_completion_code) {
        kprintf(" Completion Code: %lu\r\n", ul(p.completion_code));
    } else {
        kprintf(" Completion Code: None\r\n");
    }
    kprintf("\r\n");
    print_memory_map(p);
    print_registers(p);
    unsigned used = 0;
    for (auto g : p.grant_ptrs) used += g != 0;
    kprintf("\r\n Total number of grant regions defined: %u, allocated: %u\r\n",
            registered_grant_count(), used);
    print_mpu(p);
    kprintf("\r\nTo debug libtock-c apps, run `make debug RAM_START=0x%08lx FLASH_INIT=0x%lx`\r\n",
            ul(p.memory_start), ul(p.tbf.init_address()));
}

// The short report printed for a fault the policy survives: everything needed to see what
// happened, small enough (about 700 bytes) that a fault loop cannot flood the debug buffer.
void print_fault_summary(const Process& p) {
    print_fault_status(p);
    bool frame_ok = p.ctx.psp >= p.memory_start && p.ctx.psp <= p.block_end() - 32;
    const auto* f = reinterpret_cast<const std::uint32_t*>(p.ctx.psp);
    auto fr = [&](unsigned i) { return frame_ok ? f[i] : 0xBAD00BADu; };
    kprintf(" PC 0x%08lX  LR 0x%08lX  SP 0x%08lX  xPSR 0x%08lX\r\n", ul(fr(6)), ul(fr(5)),
            ul(p.ctx.psp), ul(fr(7)));
    kprintf(
        " RAM 0x%08lX-0x%08lX: app break 0x%08lX, kernel break 0x%08lX (%lu bytes of grants)\r\n",
        ul(p.memory_start), ul(p.block_end()), ul(p.app_break), ul(p.kernel_break),
        ul(p.block_end() - p.kernel_break));
    kprintf(" Flash 0x%08lX-0x%08lX (app from 0x%08lX)\r\n", ul(p.tbf.flash_start),
            ul(p.tbf.flash_start + p.tbf.total_size), ul(p.tbf.app_start()));
    print_mpu(p);
}

void process_fault(Process& p) {
    std::uint32_t pc = 0;
    if (p.ctx.psp >= p.memory_start && p.ctx.psp <= p.block_end() - 32) {
        pc = reinterpret_cast<const std::uint32_t*>(p.ctx.psp)[6];
    }
    std::uint32_t ev[6] = {p.id.index,         pc,
                           p.last_fault.cfsr,  p.last_fault.hfsr,
                           p.last_fault.mmfar, p.last_fault.bfar};
    cortexm::itm_event(kEvProcessFault, ev, 6);

    const PolicyConfig& c = g_policy;
    FaultAction action;
    switch (c.policy) {
        case FaultPolicy::Panic:
            action = FaultAction::Panic;
            break;
        case FaultPolicy::Stop:
            action = FaultAction::Stop;
            break;
        case FaultPolicy::Restart:
            action = FaultAction::Restart;
            break;
        case FaultPolicy::ThresholdRestartThenStop:
            action = p.restart_count <= c.threshold ? FaultAction::Restart : FaultAction::Stop;
            break;
        default:
            action = p.restart_count <= c.threshold ? FaultAction::Restart : FaultAction::Panic;
            break;
    }
    std::uint32_t dec[3] = {p.id.index, static_cast<std::uint32_t>(action), p.restart_count};
    cortexm::itm_event(kEvPolicyDecision, dec, 3);

    if (action == FaultAction::Panic) {
        p.state = ProcessState::Faulted;
        panic_at(__FILE__, __LINE__, "Process %.*s had a fault", static_cast<int>(p.tbf.name_len),
                 p.tbf.name ? p.tbf.name : "");
    }
    kprintf("\r\nProcess %.*s had a fault (policy %s, restarts %lu): %s\r\n",
            static_cast<int>(p.tbf.name_len), p.tbf.name ? p.tbf.name : "",
            fault_policy_name(c.policy), ul(p.restart_count), action_text(action));
    print_fault_summary(p);
    if (action == FaultAction::Restart) {
        kprintf("Process %.*s faulted and will be restarted.\r\n", static_cast<int>(p.tbf.name_len),
                p.tbf.name ? p.tbf.name : "");
        process_restart(p);
    } else {
        kprintf("Process %.*s faulted and was stopped.\r\n", static_cast<int>(p.tbf.name_len),
                p.tbf.name ? p.tbf.name : "");
        process_terminate(p, false, 0);
        p.state = ProcessState::Faulted;
    }
}

}  // namespace kernel
