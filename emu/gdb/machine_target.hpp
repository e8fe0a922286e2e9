#pragma once
// The GDB target over the Machine, Tock-aware. Threads: 1 is the core ("kernel"), and each
// Tock process found in app flash is thread 2 + its index once it has run. How the saved
// context of a process that is not running is found, without knowing the kernel
// (docs/0008-gdb.md):
//   - at every exception entry from thread mode on PSP (the process being switched out) we note
//     the process (Tock view), the frame address and r4-r11, which the hardware does not stack
//     and which are still the process's values at that instant;
//   - r0-r3, r12, lr, pc and xPSR are read from that frame when GDB asks, so an upcall the
//     kernel has since written into the frame shows where the process will resume;
//   - sp is the frame address + 32 (+4 when the stacked xPSR says the frame was realigned).
// The kernel thread, while a process runs, shows the registers noted at the kernel's last
// privileged SVC (Tock's switch to user space), or the live ones if there was none.
#include <array>
#include <map>
#include <optional>

#include "emu/core/events.hpp"
#include "emu/gdb/target.hpp"
#include "emu/machine/machine.hpp"
#include "emu/tock/tock_view.hpp"

namespace tockemu::gdb {

class MachineTarget final : public Target {
  public:
    // Subscribes to the machine's events; call after the apps are loaded.
    explicit MachineTarget(Machine& machine);
    ~MachineTarget() override;
    MachineTarget(const MachineTarget&) = delete;
    MachineTarget& operator=(const MachineTarget&) = delete;

    std::vector<ThreadId> threads() override;
    ThreadId current_thread() override;
    std::string thread_info(ThreadId t) override;
    std::optional<std::uint32_t> read_register(ThreadId t, unsigned regno) override;
    bool write_register(ThreadId t, unsigned regno, std::uint32_t value) override;
    bool read_memory(std::uint32_t addr, std::span<std::uint8_t> out) override;
    bool write_memory(std::uint32_t addr, std::span<const std::uint8_t> in) override;
    void add_breakpoint(std::uint32_t addr) override;
    void remove_breakpoint(std::uint32_t addr) override;
    void add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) override;
    void remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) override;
    std::string memory_map_xml() override;
    std::optional<std::string> monitor(std::string_view command) override;

    const tock::TockView& view() const { return view_; }

  private:
    // A process switched out: where its frame is and its r4-r11 at that moment.
    struct SavedProcess {
        std::uint32_t frame = 0;
        std::array<std::uint32_t, 8> r4_r11{};
        bool unprivileged = true;
    };
    // The kernel at its last privileged SVC: r0-r12, sp, lr, pc (after the svc), xPSR.
    struct SavedKernel {
        std::array<std::uint32_t, 17> regs{};
    };
    struct GrantUse {
        std::uint64_t bytes = 0;
        std::uint32_t remaining = 0;
        bool known = false;
    };

    void on_event(const Event& e);
    void on_tock_event(const tock::TockEvent& e);
    void restart_view();
    int live_process();
    std::optional<std::uint32_t> saved_register(int proc, unsigned regno);
    std::string processes_text();
    std::string time_text();

    Machine& m_;
    tock::TockView view_;
    EventHub::Handle subscription_;
    std::map<int, SavedProcess> saved_;
    std::optional<SavedKernel> kernel_;
    std::map<int, GrantUse> grants_;
};

}  // namespace tockemu::gdb
