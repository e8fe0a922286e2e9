// IPC driver 0x10000 (see ipc.hpp for the ABI and where it differs from upstream).
#include "core/ipc.hpp"

namespace kernel {
namespace {

Ipc* g_ipc = nullptr;  // the board's instance; the scheduler reaches it through ipc_deliver()

constexpr std::uint32_t kNoSubscribe = 0xFFFFFFFF;  // an IPC task is not an upcall slot

}  // namespace

Ipc::Ipc(Kernel& kernel) : grant_(kernel, kDriverNum) {
    g_ipc = this;
}

Status Ipc::allocate_grant(ProcessId pid) {
    return grant_.enter(pid, [](State&, GrantKernelData&) {}).status();
}

CommandReturn Ipc::command(std::uint32_t command_num, std::uint32_t target_id, std::uint32_t,
                           ProcessId pid) {
    switch (command_num) {
        case 0:
            return CommandReturn::success();
        case 1:
            return discover(pid);
        case 2:
            return notify(pid, target_id, Kind::Service);
        case 3:
            return notify(pid, target_id, Kind::Client);
        default:
            return CommandReturn::failure(ErrorCode::NOSUPPORT);
    }
}

// Compares the Read-Only buffer with every loaded process's package name, in slot order, as
// upstream's process_until does (terminated and faulted processes included).
CommandReturn Ipc::discover(ProcessId pid) {
    auto r = grant_.enter(pid, [&](State&, GrantKernelData& kd) {
        ReadOnlyBuffer name = kd.readonly_buffer(0);
        for (unsigned slot = 0; slot < kMaxProcesses; ++slot) {
            const Process* p = process_slot(slot);
            if (!p->used || p->tbf.name_len != name.size()) continue;
            bool equal = true;
            for (std::uint32_t i = 0; i < name.size() && equal; ++i) {
                equal = name.at(i) == static_cast<std::uint8_t>(p->tbf.name[i]);
            }
            if (equal) return CommandReturn::success_u32(slot);
        }
        return CommandReturn::failure(ErrorCode::NODEVICE);
    });
    return r.ok() ? r.value() : CommandReturn::failure(ErrorCode::NOMEM);
}

CommandReturn Ipc::notify(ProcessId from, std::uint32_t target_id, Kind kind) {
    Process* target = target_id < kMaxProcesses ? process_slot(target_id) : nullptr;
    if (target == nullptr || !target->used) return CommandReturn::failure(ErrorCode::INVAL);
    if (!target->alive()) return CommandReturn::failure(ErrorCode::NODEVICE);
    Task t{};
    t.kind = Task::Kind::Ipc;
    t.driver = kDriverNum;
    t.subscribe = kNoSubscribe;
    t.args[0] = from.index;
    t.args[1] = from.identifier;
    t.args[2] = static_cast<std::uint32_t>(kind);
    if (!target->enqueue(t)) return CommandReturn::failure(ErrorCode::NOMEM);
    return CommandReturn::success();
}

Status Ipc::readwrite_allowing(ProcessId pid, std::uint32_t allow_num, std::uint32_t address,
                               std::uint32_t length) {
    std::uint32_t rbar = 0, rasr = 0;
    if (length > 0 &&
        !cortexm::mpu_exact_region(address, length, 0, cortexm::kApFullAccess, true, rbar, rasr)) {
        return ErrorCode::INVAL;
    }
    // Whatever this slot held stops being visible to the process it was shared with.
    process_unmap_shared(pid, process_slot(allow_num));
    return Status::ok();
}

void Ipc::deliver(Process& p, const Task& task) {
    ProcessId from{static_cast<std::uint16_t>(task.args[0]), task.args[1]};
    auto kind = static_cast<Kind>(task.args[2]);
    std::uint32_t own_id = p.id.index;
    // Both grants are entered, as upstream: a caller that has since exited or restarted (stale
    // id) or that notified itself (nested enter) gets no upcall delivered.
    grant_.enter(p.id, [&](State&, GrantKernelData& on) {
        grant_.enter(from, [&](State&, GrantKernelData& caller) {
            ReadWriteBuffer shared = caller.readwrite_buffer(own_id);
            std::uint32_t len = shared.size();
            auto ptr = reinterpret_cast<std::uint32_t>(shared.data());
            if (len > 0) {
                // NOMEM (regions 3-7 in use) is ignored as upstream does: the upcall still
                // carries the buffer, and touching it faults.
                (void)process_map_shared(p, from, ptr, len);
            }
            std::uint32_t slot = kind == Kind::Service ? own_id : from.index;
            (void)on.schedule_upcall(slot, from.index, len, ptr);
        });
    });
}

void ipc_deliver(Process& p, const Task& task) {
    if (g_ipc != nullptr) g_ipc->deliver(p, task);
}

}  // namespace kernel
