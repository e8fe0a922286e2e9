// The server on a real socket: acknowledgements, NAKs for damaged packets, retransmission on a
// NAK, no-ack mode, a flood of garbage, and a debugger that vanishes mid-session.
#include "emu/gdb/server.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "emu/machine/machine.hpp"
#include "tests/gdb/gdb_harness.hpp"

namespace tockemu::gdb {
namespace {

using gdbtest::Client;

struct Served {
    Machine machine;
    std::unique_ptr<Server> server;
    RunResult result;
    std::thread runner;
    Served() {
        machine.load_elf(gdbtest::firmware("tests/firmware/gdb_target.elf"));
        machine.set_semihosting_output([](int, std::string_view) {});
        machine.reset();
        ServerOptions so;
        so.port = 0;
        so.wait_for_debugger = true;
        server = std::make_unique<Server>(machine, so);
        runner = std::thread([this] { result = server->run(kPicosPerSecond); });
    }
    ~Served() {
        if (runner.joinable()) runner.join();
    }
};

TEST(GdbServer, AcksGoodPacketsAndNaksDamagedOnes) {
    Served s;
    Client gdb(s.server->port());
    ASSERT_TRUE(gdb.connected());
    gdb.send_raw("$?#3f");
    EXPECT_EQ(gdb.next_byte(), '+');
    EXPECT_EQ(gdb.next_packet(), "T05thread:1;");
    gdb.send_raw("$?#00");  // bad checksum
    EXPECT_EQ(gdb.next_byte(), '-');
    gdb.send_raw("$" + std::string(kMaxPacketSize + 1, 'm') + "#00");  // oversized
    EXPECT_EQ(gdb.next_byte(), '+');  // resending cannot help: it is answered with why
    EXPECT_EQ(gdb.next_packet(),
              fmt::format("E.packet '{}...' of 16385 bytes exceeds PacketSize 0x4000",
                          std::string(24, 'm')));
    gdb.send_raw("$a}#de");  // right checksum, broken escape
    EXPECT_EQ(gdb.next_byte(), '-');
    EXPECT_EQ(gdb.ask("qAttached"), "1");
    gdb.send_raw("-");  // "resend": the last reply comes again
    EXPECT_EQ(gdb.next_packet(), "1");
    EXPECT_EQ(gdb.ask("k"), "<closed>");
}

TEST(GdbServer, NoAckModeStopsAcknowledgements) {
    Served s;
    Client gdb(s.server->port());
    EXPECT_EQ(gdb.ask("QStartNoAckMode"), "OK");
    gdb.send_raw(encode_frame("qC"));
    EXPECT_EQ(gdb.next_byte(), '$');  // the reply itself, no '+' before it
    gdb.send_raw("+");
    EXPECT_EQ(gdb.ask("D"), "OK");
}

TEST(GdbServer, GarbageNeverCrashesTheStubAndTheSessionGoesOn) {
    Served s;
    Client gdb(s.server->port());
    std::mt19937 rng(1234);  // fixed seed: the same garbage every run
    const std::string verbs = "gGpPmMXZzHTqQvcsCSDk?!";
    for (int i = 0; i < 3000; ++i) {
        std::string p(1, verbs[rng() % verbs.size()]);
        if (p == "c" || p == "s" || p == "C" || p == "S" || p == "D" || p == "k") p = "m";
        const int n = static_cast<int>(rng() % 40);
        for (int j = 0; j < n; ++j) p.push_back(static_cast<char>(rng() % 96 + 32));
        if (p.starts_with("vCont") || p.starts_with("vKill") || p.starts_with("vFlash")) continue;
        gdb.send_raw(encode_frame(p));
        EXPECT_NE(gdb.next_packet(), "<timeout>") << p;
    }
    EXPECT_EQ(gdb.ask("m20000000,4").size(), 8u);
    EXPECT_EQ(gdb.ask("c"), "W00");  // the firmware runs to its semihosting exit
}

TEST(GdbServer, VanishingDebuggerLetsTheGuestRunOn) {
    Served s;
    {
        Client gdb(s.server->port());
        EXPECT_EQ(gdb.ask("?"), "T05thread:1;");
    }  // connection closed without detach
    s.runner.join();
    EXPECT_EQ(s.result.reason, StopReason::SemihostingExit);
}

TEST(GdbServer, DetachRemovesTheDebuggersBreakpointsAndWatchpoints) {
    Served s;
    {
        Client gdb(s.server->port());
        const auto compute = s.machine.symbol("compute");
        const auto watched = s.machine.symbol("watched");
        ASSERT_TRUE(compute && watched);
        EXPECT_EQ(gdb.ask(fmt::format("Z2,{:x},4", *watched)), "OK");
        EXPECT_EQ(gdb.ask(fmt::format("Z0,{:x},2", *compute & ~1u)), "OK");
        EXPECT_EQ(gdb.ask("D"), "OK");
    }
    s.runner.join();
    // Nothing was left to stop the run: it reached the firmware's exit with the instruction
    // count of an undebugged run (a stop at a leftover breakpoint would show, see
    // docs/0008-gdb.md "Known gaps" 1).
    EXPECT_EQ(s.result.reason, StopReason::SemihostingExit);
    Machine plain;
    plain.load_elf(gdbtest::firmware("tests/firmware/gdb_target.elf"));
    plain.set_semihosting_output([](int, std::string_view) {});
    plain.reset();
    EXPECT_EQ(plain.run_until(kPicosPerSecond).reason, StopReason::SemihostingExit);
    EXPECT_EQ(s.machine.instructions(), plain.instructions());
}

// A guest BKPT is a debug event: with a debugger attached it halts the core and gdb sees a
// SIGTRAP at the BKPT (C1.5.1); once the debugger detaches, the same BKPT escalates to the
// guest's HardFault again (cpu_debugmon: no DebugMonitor enabled at its first BKPT).
TEST(GdbServer, GuestBkptHaltsToTheDebuggerOnlyWhileAttached) {
    Machine machine;
    machine.load_elf(gdbtest::firmware("tests/firmware/cpu_debugmon.elf"));
    std::string out;
    machine.set_semihosting_output([&out](int, std::string_view t) { out += t; });
    machine.reset();
    ServerOptions so;
    so.port = 0;
    so.wait_for_debugger = true;
    Server server(machine, so);
    RunResult result;
    std::thread runner([&] { result = server.run(kPicosPerSecond); });
    {
        Client gdb(server.port());
        ASSERT_TRUE(gdb.connected());
        EXPECT_EQ(gdb.ask("?"), "T05thread:1;");
        const std::string stop = gdb.ask("c");
        EXPECT_TRUE(stop.starts_with("T05")) << stop;
        // Halted at the BKPT itself, before the guest's HardFault handler ran.
        const std::string pc_le = gdb.ask("pf");
        ASSERT_EQ(pc_le.size(), 8u) << pc_le;
        const std::uint32_t pc = static_cast<std::uint32_t>(std::stoul(
            pc_le.substr(6, 2) + pc_le.substr(4, 2) + pc_le.substr(2, 2) + pc_le.substr(0, 2),
            nullptr, 16));
        EXPECT_EQ(gdb.ask(fmt::format("m{:x},2", pc)), "01be");  // bkpt #1
        EXPECT_EQ(out.find("hardfault"), std::string::npos) << out;
        EXPECT_EQ(gdb.ask("D"), "OK");
    }
    runner.join();
    EXPECT_EQ(result.reason, StopReason::SemihostingExit) << result.message;
    EXPECT_NE(out.find("no monitor: hardfaults=0x00000001"), std::string::npos) << out;
}

}  // namespace
}  // namespace tockemu::gdb

namespace tockemu::gdb {
namespace {

// Hostile debuggers (issue 17): a packet far over PacketSize, a second client while one is
// attached, a client that vanishes while the guest runs.
TEST(GdbServerLimits, HugePacketIsRefusedByNameAndTheSessionGoesOn) {
    Served s;
    Client gdb(s.server->port());
    // 1 MiB of 'M' payload: memory stays bounded (the decoder keeps PacketSize bytes at most).
    gdb.send_raw("$M20000000,80000:" + std::string(1 << 20, '0') + "#00");
    EXPECT_EQ(gdb.next_byte(), '+');
    const std::string r = gdb.next_packet();
    EXPECT_EQ(r, fmt::format("E.packet 'M20000000,80000:00000000...' of {} bytes exceeds "
                             "PacketSize 0x4000",
                             16 + (1 << 20)));
    EXPECT_EQ(gdb.ask("qAttached"), "1");
    EXPECT_EQ(gdb.ask("c"), "W00");
}

TEST(GdbServerLimits, SecondDebuggerIsTurnedAwayAndTheFirstGoesOn) {
    Served s;
    Client first(s.server->port());
    EXPECT_EQ(first.ask("?"), "T05thread:1;");
    {
        Client second(s.server->port());
        ASSERT_TRUE(second.connected());
        const std::string r = second.ask("qSupported:swbreak+");
        EXPECT_EQ(r.rfind("E.tockemu: another debugger is attached", 0), 0u) << r;
        EXPECT_EQ(second.next_packet(), "<closed>");
    }
    EXPECT_EQ(first.ask("qAttached"), "1");
    EXPECT_EQ(first.ask("m20000000,4").size(), 8u);
    EXPECT_EQ(first.ask("c"), "W00");
}

TEST(GdbServerLimits, DisconnectWhileRunningLetsTheGuestRunOnUndebugged) {
    Served s;
    {
        Client gdb(s.server->port());
        const auto compute = s.machine.symbol("compute");
        ASSERT_TRUE(compute);
        EXPECT_EQ(gdb.ask(fmt::format("Z0,{:x},2", *compute & ~1u)), "OK");
        EXPECT_EQ(gdb.ask("c"), "T05thread:1;swbreak:;");  // at the breakpoint
        gdb.send_raw(encode_frame("c"));                   // running again ...
        EXPECT_EQ(gdb.next_byte(), '+');
    }  // ... when the connection drops
    s.runner.join();
    EXPECT_EQ(s.result.reason, StopReason::SemihostingExit);
}

}  // namespace
}  // namespace tockemu::gdb
