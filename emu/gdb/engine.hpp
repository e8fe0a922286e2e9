#pragma once
// The GDB command engine: one dispatch from a decoded packet to a reply, over a Target. It keeps
// the protocol state GDB expects between packets (selected threads, the thread-list cursor, the
// last stop, breakpoint kinds, no-ack mode). Run control (c, s, vCont, D, k) is returned as an
// Action for the server, which runs the machine and calls report_stop().
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emu/gdb/target.hpp"

namespace tockemu::gdb {

class Engine {
  public:
    enum class Action { None, Continue, Step, Detach, Kill };
    struct Reply {
        std::optional<std::string> packet;  // nullopt: no reply now (resume) or none at all (k)
        Action action = Action::None;
    };

    explicit Engine(Target& target) : target_(target) {}

    Reply handle(std::string_view packet);
    // Packets to send for a stop: optional console-output packets, then the stop reply.
    std::vector<std::string> report_stop(const StopEvent& stop);
    bool no_ack_mode() const { return no_ack_; }
    // A fresh connection starts with acks on and all threads selected.
    void reset_session();
    // The debugger left (detach, kill, or the connection dropped): remove every breakpoint and
    // watchpoint it set, so the guest runs on exactly as undebugged.
    void remove_all_stops();

  private:
    std::string dispatch(std::string_view packet, Action& action);
    std::string stop_reply_text(const StopEvent& stop);
    std::string query(std::string_view packet);
    std::string read_registers();
    std::string write_registers(std::string_view hex);
    std::string read_register(std::string_view args);
    std::string write_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory_hex(std::string_view args);
    std::string write_memory_binary(std::string_view args);
    std::string breakpoint(std::string_view args, bool insert);
    std::string set_thread(std::string_view args);
    std::string thread_alive(std::string_view args);
    std::string xfer(std::string_view args);
    std::string monitor(std::string_view hex);
    std::string v_packet(std::string_view packet, Action& action);
    std::string flash_packet(std::string_view packet);
    ThreadId register_thread();

    Target& target_;
    bool no_ack_ = false;
    ThreadId g_thread_ = 0;  // 0: "any" (the current thread)
    // The thread a step was asked for. Stepping a process's SVC (or a faulting instruction)
    // lands in the kernel, so the core's thread changes; GDB insists that the stop it gets for
    // a step names the stepped thread, whose registers are then its saved context.
    ThreadId stepped_ = 0;
    // The thread the last stop reply named: GDB's "any thread" (Hg0) means that one.
    ThreadId reported_ = 0;
    std::vector<ThreadId> thread_list_;
    StopEvent last_stop_;
    bool have_stop_ = false;
    // Breakpoints by address and which kinds GDB set there, so a stop says swbreak or hwbreak
    // and the machine's breakpoint stays until both kinds are removed. Inserting what is already
    // there changes nothing (GDB re-sends a Z packet whose reply it did not see in time).
    struct BreakUse {
        bool software = false, hardware = false;
    };
    std::map<std::uint32_t, BreakUse> breaks_;
    struct Watch {
        std::uint32_t addr, len;
        WatchKind kind;
    };
    std::vector<Watch> watches_;
};

// Target description for ARM M-profile in CoreReg order (r0-r12, sp, lr, pc, xpsr in
// org.gnu.gdb.arm.m-profile; msp, psp, primask, basepri, faultmask, control in
// org.gnu.gdb.arm.m-system).
std::string_view target_xml();

}  // namespace tockemu::gdb
