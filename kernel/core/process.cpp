// Process table, memory layout, MPU regions, upcall queue and lifecycle (tock-abi.md 4.3, 5, 7.4).
#include "core/process.hpp"

#include <cstring>

#include "core/debug.hpp"
#include "core/events.hpp"

namespace kernel {
namespace {

Process g_procs[kMaxProcesses];
std::uint32_t g_next_identifier = 1;

bool is_pow2(std::uint32_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}
unsigned log2_of(std::uint32_t v) {
    return 31u - static_cast<unsigned>(__builtin_clz(v));
}

// MPU region 2 over the whole TBF: one region when the TBF is a power of two aligned to its size
// (what elf2tab and tockloader produce), else a run of enabled subregions that covers it exactly.
bool flash_region(std::uint32_t start, std::uint32_t size, std::uint32_t& rbar,
                  std::uint32_t& rasr) {
    if (size >= 32 && is_pow2(size) && start % size == 0) {
        rbar = cortexm::mpu_rbar(start, 2);
        rasr = cortexm::mpu_rasr(log2_of(size), 0, cortexm::kApUserReadOnly, false);
        return true;
    }
    for (unsigned sub_log2 = 5; sub_log2 < 29; ++sub_log2) {
        std::uint32_t sub = 1u << sub_log2;
        if (start % sub != 0 || size % sub != 0) break;
        std::uint32_t region = sub * 8;
        if (region < 256) continue;  // subregions need regions of 256 bytes or more
        std::uint32_t base = start & ~(region - 1);
        std::uint32_t first = (start - base) / sub, count = size / sub;
        if (first + count > 8) continue;
        auto enabled = static_cast<std::uint8_t>(((1u << count) - 1) << first);
        rbar = cortexm::mpu_rbar(base, 2);
        rasr = cortexm::mpu_rasr(sub_log2 + 3, static_cast<std::uint8_t>(~enabled),
                                 cortexm::kApUserReadOnly, false);
        return true;
    }
    return false;
}

}  // namespace

Process* process_slot(unsigned slot) {
    return slot < kMaxProcesses ? &g_procs[slot] : nullptr;
}

Process* process_lookup(ProcessId pid) {
    if (pid.index >= kMaxProcesses) return nullptr;
    Process& p = g_procs[pid.index];
    if (!p.alive() || p.id.identifier != pid.identifier) return nullptr;
    return &p;
}

// ---- memory ----

bool Process::in_app_ram(std::uint32_t addr, std::uint32_t len) const {
    return addr >= memory_start && addr <= app_break && len <= app_break - addr;
}

bool Process::in_app_flash(std::uint32_t addr, std::uint32_t len) const {
    std::uint32_t start = tbf.app_start(), end = tbf.flash_start + tbf.total_size;
    return addr >= start && addr <= end && len <= end - addr;
}

std::uint32_t Process::enabled_ram_end() const {
    std::uint32_t sub = (1u << ram_region_log2) / 8;
    std::uint32_t used = app_break - memory_start;
    std::uint32_t n = (used + sub - 1) / sub;
    if (n == 0) n = 1;
    return memory_start + n * sub;
}

Status Process::brk(std::uint32_t new_break) {
    // Every rejection is NOMEM (tock-abi.md 5.5).
    if (new_break < allow_high_water || new_break < memory_start) return ErrorCode::NOMEM;
    if (new_break >= block_end() || new_break > kernel_break) return ErrorCode::NOMEM;
    std::uint32_t old = app_break;
    app_break = new_break;
    if (enabled_ram_end() > kernel_break) {
        app_break = old;
        return ErrorCode::NOMEM;
    }
    if (new_break > old) {
        std::memset(reinterpret_cast<void*>(old), 0, new_break - old);
    }
    rebuild_mpu();
    return Status::ok();
}

void Process::rebuild_mpu() {
    // Only the two RAM regions follow the break; flash (2) and shared buffers (3-7) are kept.
    for (unsigned r = 0; r < 2; ++r) {
        mpu.rbar[r] = cortexm::mpu_rbar(0, r);
        mpu.rasr[r] = 0;
    }
    std::uint32_t half = 1u << ram_region_log2;
    std::uint32_t n = (enabled_ram_end() - memory_start) / (half / 8);
    std::uint32_t n0 = n < 8 ? n : 8;
    auto srd0 = static_cast<std::uint8_t>(0xFFu << n0);
    mpu.rbar[0] = cortexm::mpu_rbar(memory_start, 0);
    mpu.rasr[0] = cortexm::mpu_rasr(ram_region_log2, srd0, cortexm::kApFullAccess, true);
    if (n > 8) {
        auto srd1 = static_cast<std::uint8_t>(0xFFu << (n - 8));
        mpu.rbar[1] = cortexm::mpu_rbar(memory_start + half, 1);
        mpu.rasr[1] = cortexm::mpu_rasr(ram_region_log2, srd1, cortexm::kApFullAccess, true);
    }
}

// ---- tasks ----

bool Process::enqueue(const Task& t) {
    if (task_count == kTaskQueueLen) {
        ++dropped_upcalls;
        return false;
    }
    tasks[(task_head + task_count) % kTaskQueueLen] = t;
    ++task_count;
    return true;
}

bool Process::dequeue(Task& out) {
    if (task_count == 0) return false;
    out = tasks[task_head];
    task_head = (task_head + 1) % kTaskQueueLen;
    --task_count;
    return true;
}

bool Process::take_matching(std::uint32_t driver, std::uint32_t subscribe, Task& out) {
    for (unsigned i = 0; i < task_count; ++i) {
        const Task& t = tasks[(task_head + i) % kTaskQueueLen];
        if (t.kind == Task::Kind::Ipc || t.driver != driver || t.subscribe != subscribe) continue;
        out = t;
        for (unsigned j = i; j + 1 < task_count; ++j) {
            tasks[(task_head + j) % kTaskQueueLen] = tasks[(task_head + j + 1) % kTaskQueueLen];
        }
        --task_count;
        return true;
    }
    return false;
}

void Process::remove_function_calls(std::uint32_t driver, std::uint32_t subscribe) {
    unsigned kept = 0;
    for (unsigned i = 0; i < task_count; ++i) {
        const Task t = tasks[(task_head + i) % kTaskQueueLen];
        if (t.kind == Task::Kind::FunctionCall && t.driver == driver && t.subscribe == subscribe) {
            continue;
        }
        tasks[(task_head + kept) % kTaskQueueLen] = t;
        ++kept;
    }
    task_count = kept;
}

bool Process::ready() const {
    switch (state) {
        case ProcessState::Running:
            return true;
        case ProcessState::Yielded:
            return task_count > 0;
        case ProcessState::YieldedFor:
            for (unsigned i = 0; i < task_count; ++i) {
                const Task& t = tasks[(task_head + i) % kTaskQueueLen];
                if (t.kind != Task::Kind::Ipc && t.driver == yield_for_driver &&
                    t.subscribe == yield_for_subscribe) {
                    return true;
                }
            }
            return false;
        default:
            return false;
    }
}

// ---- shared memory (IPC) ----

namespace {
void clear_shared_region(Process& p, unsigned i) {
    unsigned region = kFirstSharedRegion + i;
    p.mpu.rbar[region] = cortexm::mpu_rbar(0, region);
    p.mpu.rasr[region] = 0;
    p.shared_owner[i] = 0;
}
bool shared_region_used(const Process& p, unsigned i) {
    return (p.mpu.rasr[kFirstSharedRegion + i] & 1u) != 0;
}
}  // namespace

Status process_map_shared(Process& target, ProcessId owner, std::uint32_t start,
                          std::uint32_t len) {
    std::uint32_t rbar = 0, rasr = 0;
    if (!cortexm::mpu_exact_region(start, len, 0, cortexm::kApFullAccess, true, rbar, rasr)) {
        return ErrorCode::INVAL;
    }
    // Tock refuses a region overlapping one the process already has; for its own RAM block or
    // flash that access exists anyway.
    bool own_ram = start < target.block_end() && start + len > target.memory_start;
    std::uint32_t flash_end = target.tbf.flash_start + target.tbf.total_size;
    bool own_flash = start < flash_end && start + len > target.tbf.flash_start;
    if (own_ram || own_flash) return Status::ok();
    unsigned slot = kSharedRegions;
    for (unsigned i = 0; i < kSharedRegions; ++i) {
        if (shared_region_used(target, i) && target.shared_owner[i] == owner.identifier) {
            slot = i;  // one buffer per (owner, target): the new one replaces it
            break;
        }
        if (!shared_region_used(target, i) && slot == kSharedRegions) slot = i;
    }
    if (slot == kSharedRegions) return ErrorCode::NOMEM;
    unsigned region = kFirstSharedRegion + slot;
    target.mpu.rbar[region] = (rbar & ~0xFu) | region;
    target.mpu.rasr[region] = rasr;
    target.shared_owner[slot] = owner.identifier;
    return Status::ok();
}

void process_unmap_shared(ProcessId owner, Process* target) {
    for (unsigned s = 0; s < kMaxProcesses; ++s) {
        Process& p = g_procs[s];
        if (!p.used || (target != nullptr && target != &p)) continue;
        for (unsigned i = 0; i < kSharedRegions; ++i) {
            if (shared_region_used(p, i) && p.shared_owner[i] == owner.identifier) {
                clear_shared_region(p, i);
            }
        }
    }
}

// ---- frames ----

bool process_push_upcall(Process& p, const Task& t) {
    if (!p.in_app_ram(p.ctx.psp, 32)) return false;
    auto* frame = reinterpret_cast<std::uint32_t*>(p.ctx.psp);
    frame[0] = t.args[0];
    frame[1] = t.args[1];
    frame[2] = t.args[2];
    frame[3] = t.appdata;
    frame[5] = p.ctx.yield_pc | 1u;
    // A stacked return address is halfword aligned (ARMv7-M B1.5.6); Tock leaves bit 0 set.
    frame[6] = t.fn & ~1u;
    frame[7] = p.ctx.psr | 0x01000000u;  // EPSR.T: returning with T clear would be INVSTATE
    return true;
}

bool process_set_return(Process& p, const std::uint32_t* words, unsigned count) {
    if (!p.in_app_ram(p.ctx.psp, 32)) return false;
    auto* frame = reinterpret_cast<std::uint32_t*>(p.ctx.psp);
    for (unsigned i = 0; i < count && i < 4; ++i) frame[i] = words[i];
    return true;
}

// ---- lifecycle ----

Status process_create(unsigned slot, const TbfInfo& tbf, std::uint32_t& ram_cursor,
                      std::uint32_t ram_end) {
    Process& p = g_procs[slot];
    std::uint32_t app_part = tbf.minimum_ram > kInitialAppBrk ? tbf.minimum_ram : kInitialAppBrk;
    if (app_part > 0x8000000) return ErrorCode::NOMEM;
    std::uint32_t size = 512;
    while (size < app_part) size <<= 1;
    std::uint32_t half = size / 2;
    std::uint32_t start = (ram_cursor + half - 1) & ~(half - 1);
    if (start < ram_cursor || start > ram_end || size > ram_end - start) return ErrorCode::NOMEM;
    if (tbf.has_fixed_addresses && tbf.fixed_ram != 0xFFFFFFFF && tbf.fixed_ram != start) {
        return ErrorCode::INVAL;
    }
    std::uint32_t frbar = 0, frasr = 0;
    if (!flash_region(tbf.flash_start, tbf.total_size, frbar, frasr)) return ErrorCode::SIZE;

    p = Process{};
    p.used = true;
    p.tbf = tbf;
    p.memory_start = start;
    p.memory_size = size;
    p.ram_region_log2 = log2_of(half);
    p.mpu.rbar[2] = frbar;
    p.mpu.rasr[2] = frasr;
    p.id.index = static_cast<std::uint16_t>(slot);
    std::memset(reinterpret_cast<void*>(start), 0, size);
    ram_cursor = start + size;
    process_reset(p);
    std::uint32_t ev[4] = {slot, tbf.flash_start, start, size};
    cortexm::itm_event(kEvProcessLoaded, ev, 4);
    return Status::ok();
}

void process_reset(Process& p) {
    p.id.identifier = g_next_identifier++;
    p.app_break = p.memory_start + kInitialAppBrk;
    p.kernel_break = p.block_end();
    p.allow_high_water = p.memory_start;
    p.stack_hint = p.heap_hint = 0;
    for (unsigned i = 0; i < kSharedRegions; ++i) clear_shared_region(p, i);
    for (auto& g : p.grant_ptrs) g = 0;
    p.task_head = p.task_count = 0;
    p.ctx = cortexm::StoredState{};
    p.ctx.psr = 0x01000000;  // Thumb
    p.ctx.psp = p.memory_start;
    p.ctx.yield_pc = 0;
    // The 32 initial bytes are not cleared on a restart (Tock does not either): the new frame
    // overwrites r0-r3, lr, pc and xPSR, the r12 word keeps what the last run left there.
    p.rebuild_mpu();
    p.syscall_count = 0;
    p.timeslice_expirations = 0;
    p.dropped_upcalls = 0;
    p.timeslice_left_us = 0;
    p.has_last_syscall = false;
    p.has_completion_code = false;
    p.state = ProcessState::Yielded;
    // _start(app_start, memory_start, memory_len, app_break) (tock-abi.md 4.3)
    Task init{};
    init.kind = Task::Kind::FunctionCall;
    init.driver = 0xFFFFFFFF;
    init.subscribe = 0xFFFFFFFF;
    init.fn = p.tbf.init_address();
    init.args[0] = p.tbf.app_start();
    init.args[1] = p.memory_start;
    init.args[2] = p.memory_size;
    init.appdata = p.app_break;
    p.enqueue(init);
}

void process_terminate(Process& p, bool has_code, std::uint32_t code) {
    // Buffers this run shared go with its grants; what others shared with it is withdrawn too.
    process_unmap_shared(p.id, nullptr);
    for (unsigned i = 0; i < kSharedRegions; ++i) clear_shared_region(p, i);
    p.task_head = p.task_count = 0;
    for (auto& g : p.grant_ptrs) g = 0;
    p.kernel_break = p.block_end();  // all grant memory reclaimed at once
    p.has_completion_code = has_code;
    p.completion_code = code;
    p.state = ProcessState::Terminated;
    std::uint32_t ev[3] = {p.id.index, has_code ? 1u : 0u, code};
    cortexm::itm_event(kEvProcessTerminated, ev, 3);
}

void process_restart(Process& p, bool has_code, std::uint32_t code) {
    process_terminate(p, has_code, code);
    ++p.restart_count;
    process_reset(p);
}

}  // namespace kernel
