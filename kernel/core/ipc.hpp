#pragma once
// IPC, driver 0x10000: service discovery by package name, notifications and shared buffers
// between processes (Tock 2.x: tock/tock kernel/src/ipc.rs; libtock-c libtock/kernel/ipc.c).
// Part of the core, not a capsule, because it reaches into other processes: their names, their
// task queues and their MPU configuration.
//
// A process is named by its slot index ("id", 0..7), which a restart keeps, as upstream.
//
// | call | number | meaning |
// |---|---|---|
// | command | 0 | exists: Success |
// | command | 1 | discover: the Read-Only buffer 0 holds a package name (TBF Package Name TLV);
//   Success-u32 with the first slot whose name equals it byte for byte (any state); NODEVICE
//   when none does |
// | command | 2 | notify service `arg1`: queues an IPC task on it; INVAL when the slot is empty,
//   NODEVICE when it has exited or faulted, NOMEM when its queue is full |
// | command | 3 | notify client `arg1`: the same, delivered as a client notification |
// | subscribe | n (0..7) | a service subscribes its own id for notifications from clients; a client
//   subscribes the service's id for notifications from that service |
// | allow RO | 0 | package name to discover |
// | allow RW | n (0..7) | share this buffer with process n |
//
// Delivery (when the notified process dequeues the task, as Tock): the caller's Read-Write
// buffer n (n = the notified id) is mapped into the notified process's MPU (regions 3-7,
// read-write, execute-never), then the upcall is queued: slot = own id for a service
// notification, the caller's id for a client notification; arguments (caller id, buffer length,
// buffer address), (caller id, 0, 0) without a buffer.
//
// Where we differ from upstream, on purpose: a Read-Write buffer that no MPU region covers exactly
// (tock/tock arch/cortex-m/src/mpu.rs `allocate_region`: 32-byte aligned, at least 32 bytes, a
// power of two aligned to itself or whole subregions) is refused at allow time with INVAL, where
// upstream accepts it and then silently fails to map it. A mapping is withdrawn when the owner
// allows another buffer (or none) in that slot, and when either side exits, faults or restarts;
// upstream keeps the region until the notified process restarts. Slots are 8 (our process
// table), upstream Hail has 20.
#include <cstdint>

#include "core/grant.hpp"
#include "core/kernel.hpp"
#include "core/process.hpp"
#include "core/syscall_driver.hpp"

namespace kernel {

class Ipc final : public SyscallDriver {
  public:
    static constexpr std::uint32_t kDriverNum = 0x10000;

    explicit Ipc(Kernel& kernel);

    CommandReturn command(std::uint32_t command_num, std::uint32_t target_id, std::uint32_t arg2,
                          ProcessId pid) override;
    Status allocate_grant(ProcessId pid) override;
    Status readwrite_allowing(ProcessId pid, std::uint32_t allow_num, std::uint32_t address,
                              std::uint32_t length) override;

    // Turns an IPC task dequeued by `p` into its upcall (called by the scheduler).
    void deliver(Process& p, const Task& task);

  private:
    struct State {};  // everything lives in the grant's kernel slots
    enum class Kind : std::uint32_t { Service = 0, Client = 1 };

    CommandReturn discover(ProcessId pid);
    CommandReturn notify(ProcessId from, std::uint32_t target_id, Kind kind);

    Grant<State, kMaxProcesses, 1, kMaxProcesses> grant_;
};

// The scheduler's entry point: hands `task` to the board's Ipc; dropped when there is none.
void ipc_deliver(Process& p, const Task& task);

}  // namespace kernel
