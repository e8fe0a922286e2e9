// TRD104 system calls. Safety: every register value here comes from an untrusted process; any
// address is checked against the process's own RAM [memory_start, app_break) or flash before the
// kernel dereferences it, and the stacked frame itself is checked before it is read or written.
#include "core/syscall.hpp"

#include "core/grant.hpp"

namespace kernel {
namespace {

enum SyscallClass : std::uint32_t {
    kYield = 0,
    kSubscribe = 1,
    kCommand = 2,
    kAllowRw = 3,
    kAllowRo = 4,
    kMemop = 5,
    kExit = 6,
    kAllowUserspaceReadable = 7,
};

bool write_return(Process& p, const SyscallReturn& r) {
    std::uint32_t w[4] = {static_cast<std::uint32_t>(r.variant), r.r1, r.r2, r.r3};
    return process_set_return(p, w, r.words);
}

// Upcall entry points must lie in the app's flash (after the protected region) or its RAM.
bool valid_upcall_pointer(const Process& p, std::uint32_t fn) {
    return p.in_app_flash(fn, 4) || p.in_app_ram(fn, 4);
}

SyscallReturn subscribe(Kernel& k, Process& p, std::uint32_t driver_num, std::uint32_t sub,
                        std::uint32_t fn, std::uint32_t appdata) {
    if (fn != 0 && !valid_upcall_pointer(p, fn)) {
        return SyscallReturn::failure_u32_u32(ErrorCode::INVAL, fn, appdata);
    }
    SyscallDriver* d = k.driver(driver_num);
    if (d == nullptr) return SyscallReturn::failure_u32_u32(ErrorCode::NODEVICE, fn, appdata);
    std::uint32_t* h = grant_header(k, p, driver_num, *d);
    if (h == nullptr) return SyscallReturn::failure_u32_u32(ErrorCode::NOMEM, fn, appdata);
    std::uint32_t upcalls = h[0] & 0xFF;
    if (sub >= upcalls) return SyscallReturn::failure_u32_u32(ErrorCode::NOSUPPORT, fn, appdata);
    std::uint32_t* slot = h + 1 + 2 * sub;  // {appdata, fn}
    std::uint32_t old_appdata = slot[0], old_fn = slot[1];
    slot[0] = appdata;
    slot[1] = fn;
    p.remove_function_calls(driver_num, sub);
    return SyscallReturn::success_u32_u32(old_fn, old_appdata);
}

SyscallReturn allow(Kernel& k, Process& p, bool read_write, std::uint32_t driver_num,
                    std::uint32_t num, std::uint32_t addr, std::uint32_t len) {
    SyscallDriver* d = k.driver(driver_num);
    if (d == nullptr) return SyscallReturn::failure_u32_u32(ErrorCode::NODEVICE, addr, len);
    if (len > 0) {
        bool in_ram = p.in_app_ram(addr, len);
        bool ok = in_ram || (!read_write && p.in_app_flash(addr, len));
        if (!ok) return SyscallReturn::failure_u32_u32(ErrorCode::INVAL, addr, len);
        // brk may never move below a buffer the kernel may still use.
        if (in_ram && addr + len > p.allow_high_water) p.allow_high_water = addr + len;
    }
    std::uint32_t* h = grant_header(k, p, driver_num, *d);
    if (h == nullptr) return SyscallReturn::failure_u32_u32(ErrorCode::NOMEM, addr, len);
    std::uint32_t upcalls = h[0] & 0xFF, ro = (h[0] >> 8) & 0xFF, rw = (h[0] >> 16) & 0xFF;
    std::uint32_t count = read_write ? rw : ro;
    if (num >= count) return SyscallReturn::failure_u32_u32(ErrorCode::NOSUPPORT, addr, len);
    if (read_write) {
        Status s = d->readwrite_allowing(p.id, num, addr, len);
        if (!s.is_ok()) return SyscallReturn::failure_u32_u32(s.error(), addr, len);
    }
    std::uint32_t* slot = h + 1 + 2 * upcalls + (read_write ? 2 * ro : 0) + 2 * num;  // {ptr, len}
    std::uint32_t old_ptr = slot[0], old_len = slot[1];
    slot[0] = addr;
    slot[1] = len;
    return SyscallReturn::success_u32_u32(old_ptr, old_len);
}

SyscallReturn memop(Process& p, std::uint32_t op, std::uint32_t arg) {
    switch (op) {
        case 0:
            return SyscallReturn::from_status(p.brk(arg));
        case 1: {
            std::uint32_t old = p.app_break;
            std::uint32_t target = old + arg;  // signed increment, two's complement
            auto inc = static_cast<std::int32_t>(arg);
            if ((inc > 0 && target < old) || (inc < 0 && target > old)) {
                return SyscallReturn::failure(ErrorCode::NOMEM);
            }
            Status s = p.brk(target);
            return s.is_ok() ? SyscallReturn::success_u32(old) : SyscallReturn::failure(s.error());
        }
        case 2:
            return SyscallReturn::success_u32(p.memory_start);
        case 3:
            return SyscallReturn::success_u32(p.memory_start + p.memory_size);
        case 4:
            return SyscallReturn::success_u32(p.tbf.flash_start);
        case 5:
            return SyscallReturn::success_u32(p.tbf.flash_start + p.tbf.total_size);
        case 6:
            return SyscallReturn::success_u32(p.kernel_break);
        case 7:
            return SyscallReturn::success_u32(p.tbf.wfr_count);
        case 8:
        case 9:
            if (arg >= p.tbf.wfr_count || p.tbf.wfr_size[arg] == 0) {
                return SyscallReturn::failure(ErrorCode::FAIL);
            }
            return SyscallReturn::success_u32(p.tbf.flash_start + p.tbf.wfr_offset[arg] +
                                              (op == 9 ? p.tbf.wfr_size[arg] : 0));
        case 10:
            if (arg >= p.memory_start && arg < p.block_end()) p.stack_hint = arg;
            return SyscallReturn::success();
        case 11:
            if (arg >= p.memory_start && arg < p.block_end()) p.heap_hint = arg;
            return SyscallReturn::success();
        default:
            return SyscallReturn::failure(ErrorCode::NOSUPPORT);
    }
}

// Yield. Returns false for an invalid variant (the process is faulted, as upstream does).
bool yield(Process& p, std::uint32_t variant, std::uint32_t r1, std::uint32_t r2) {
    switch (variant) {
        case 0: {  // no-wait
            bool queued = p.task_count > 0;
            if (p.in_app_ram(r1, 1)) *reinterpret_cast<std::uint8_t*>(r1) = queued ? 1 : 0;
            if (queued) p.state = ProcessState::Yielded;
            return true;
        }
        case 1:
            p.state = ProcessState::Yielded;
            return true;
        case 2:
            p.state = ProcessState::YieldedFor;
            p.yield_for_driver = r1;
            p.yield_for_subscribe = r2;
            return true;
        default:
            return false;
    }
}

}  // namespace

std::uint32_t* grant_header(Kernel& kernel, Process& p, std::uint32_t driver_num,
                            SyscallDriver& driver) {
    GrantBase* g = kernel.grant_for_driver(driver_num);
    if (g == nullptr) return nullptr;
    if (p.grant_ptrs[g->index()] == 0) {
        if (!driver.allocate_grant(p.id).is_ok()) return nullptr;
    }
    std::uint32_t addr = p.grant_ptrs[g->index()];
    return addr == 0 ? nullptr : reinterpret_cast<std::uint32_t*>(addr);
}

bool handle_syscall(Kernel& k, Process& p) {
    if (!p.in_app_ram(p.ctx.psp, 32)) return false;
    const auto* frame = reinterpret_cast<const std::uint32_t*>(p.ctx.psp);
    std::uint32_t r0 = frame[0], r1 = frame[1], r2 = frame[2], r3 = frame[3];
    std::uint32_t pc = frame[6];
    // The svc was just executed from the process's flash; check anyway before reading its
    // immediate.
    if (pc < p.tbf.flash_start + 2 || pc > p.tbf.flash_start + p.tbf.total_size) return false;
    p.ctx.yield_pc = pc;
    p.ctx.psr = frame[7];
    std::uint32_t cls = *reinterpret_cast<const std::uint16_t*>(pc - 2) & 0xFF;
    ++p.syscall_count;
    p.has_last_syscall = true;
    p.last_syscall[0] = cls;
    p.last_syscall[1] = r0;
    p.last_syscall[2] = r1;
    p.last_syscall[3] = r2;
    p.last_syscall[4] = r3;

    switch (cls) {
        case kYield:
            return yield(p, r0, r1, r2);
        case kSubscribe:
            return write_return(p, subscribe(k, p, r0, r1, r2, r3));
        case kCommand: {
            SyscallDriver* d = k.driver(r0);
            if (d == nullptr) return write_return(p, SyscallReturn::failure(ErrorCode::NODEVICE));
            return write_return(p, d->command(r1, r2, r3, p.id));
        }
        case kAllowRw:
            return write_return(p, allow(k, p, true, r0, r1, r2, r3));
        case kAllowRo:
            return write_return(p, allow(k, p, false, r0, r1, r2, r3));
        case kMemop:
            return write_return(p, memop(p, r0, r1));
        case kExit:
            if (r0 == 0) {
                process_terminate(p, true, r1);
                return true;
            }
            if (r0 == 1) {
                process_restart(p, true, r1);
                return true;
            }
            return write_return(p, SyscallReturn::failure(ErrorCode::NOSUPPORT));
        case kAllowUserspaceReadable: {
            SyscallDriver* d = k.driver(r0);
            if (d == nullptr) {
                return write_return(p, SyscallReturn::failure_u32_u32(ErrorCode::NODEVICE, r2, r3));
            }
            if (r3 > 0 && !p.in_app_ram(r2, r3)) {
                return write_return(p, SyscallReturn::failure_u32_u32(ErrorCode::INVAL, r2, r3));
            }
            return write_return(p, d->allow_userspace_readable(p.id, r1, r2, r3));
        }
        default:
            return false;  // svc immediate > 7: fault, as upstream
    }
}

}  // namespace kernel
