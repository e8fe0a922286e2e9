// The GDB engine over the real Machine (gdb_target firmware), packet by packet: replies GDB
// relies on, malformed packets answered with errors, memory outside the guest refused,
// breakpoints that leave guest memory untouched, and thread/monitor queries.
#include "emu/gdb/engine.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

#include "emu/gdb/machine_target.hpp"
#include "emu/gdb/wire.hpp"
#include "emu/machine/machine.hpp"
#include "tests/gdb/gdb_harness.hpp"

namespace tockemu::gdb {
namespace {

class GdbEngine : public ::testing::Test {
  protected:
    void SetUp() override {
        machine.load_elf(gdbtest::firmware("tests/firmware/gdb_target.elf"));
        machine.reset();
    }
    std::string ask(std::string_view packet) {
        const auto r = engine.handle(packet);
        return r.packet.value_or("<none>");
    }
    std::uint32_t sym(const char* name) {
        const auto a = machine.symbol(name);
        EXPECT_TRUE(a) << name;
        return a.value_or(0) & ~1u;  // functions carry the Thumb bit
    }

    Machine machine;
    MachineTarget target{machine};
    Engine engine{target};
};

TEST_F(GdbEngine, SupportedFeaturesAreAdvertised) {
    const std::string r = ask("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");
    for (const char* f : {"PacketSize=4000", "qXfer:features:read+", "qXfer:memory-map:read+",
                          "vContSupported+", "swbreak+", "hwbreak+"})
        EXPECT_NE(r.find(f), std::string::npos) << f << " missing in " << r;
    EXPECT_EQ(ask("vCont?"), "vCont;c;C;s;S");
}

TEST_F(GdbEngine, TargetDescriptionIsServedInChunks) {
    std::string xml;
    for (std::uint32_t off = 0;;) {
        const std::string r = ask(fmt::format("qXfer:features:read:target.xml:{:x},100", off));
        ASSERT_FALSE(r.empty());
        ASSERT_TRUE(r[0] == 'm' || r[0] == 'l') << r;
        xml += r.substr(1);
        off += static_cast<std::uint32_t>(r.size() - 1);
        if (r[0] == 'l') break;
    }
    EXPECT_EQ(xml, target_xml());
    EXPECT_NE(xml.find("org.gnu.gdb.arm.m-profile"), std::string::npos);
    EXPECT_NE(xml.find(R"(<reg name="control")"), std::string::npos);
    EXPECT_EQ(ask("qXfer:features:read:other.xml:0,100"), "E00");
}

TEST_F(GdbEngine, MemoryMapNamesFlashWithItsBlockSizeAndRam) {
    const std::string r = ask("qXfer:memory-map:read::0,fff");
    ASSERT_EQ(r[0], 'l');
    EXPECT_NE(r.find(R"(type="flash" start="0x0" length="0x80000")"), std::string::npos);
    EXPECT_NE(r.find(R"(<property name="blocksize">0x200</property>)"), std::string::npos);
    EXPECT_NE(r.find(R"(type="ram" start="0x20000000" length="0x10000")"), std::string::npos);
}

TEST_F(GdbEngine, RegistersAreTheMachineRegistersInCoreRegOrder) {
    const std::string g = ask("g");
    ASSERT_EQ(g.size(), kRegisterCount * 8);
    EXPECT_EQ(parse_le32_hex(g.substr(15 * 8, 8)), machine.reg(CoreReg::PC));
    EXPECT_EQ(parse_le32_hex(g.substr(13 * 8, 8)), machine.reg(CoreReg::SP));
    EXPECT_EQ(ask("pf"), le32_hex(machine.reg(CoreReg::PC)));
    EXPECT_EQ(ask("P0=efbeadde"), "OK");
    EXPECT_EQ(machine.reg(CoreReg::R0), 0xDEADBEEFu);
}

TEST_F(GdbEngine, MalformedRegisterPacketsGetErrors) {
    EXPECT_EQ(ask("p"), "E01");
    EXPECT_EQ(ask("pzz"), "E01");
    EXPECT_EQ(ask("p17"), "E01");  // register 23 does not exist
    EXPECT_EQ(ask("P0=1234"), "E01");
    EXPECT_EQ(ask("P0"), "E01");
    EXPECT_EQ(ask("G00"), "E01");
    EXPECT_EQ(ask("G" + std::string(kRegisterCount * 8, 'x')), "E01");
}

TEST_F(GdbEngine, MemoryReadsGoThroughTheBus) {
    const std::uint32_t table = sym("table");
    EXPECT_EQ(ask(fmt::format("m{:x},8", table)), "1111111122222222");
    EXPECT_EQ(ask("m20000000,0"), "");
}

TEST_F(GdbEngine, MemoryOutsideTheGuestIsRefusedNotRead) {
    EXPECT_EQ(ask("m10000000,4"), "E14");               // hole between flash and SRAM
    EXPECT_EQ(ask("mfffffffe,10"), "E14");              // would wrap around 4 GiB
    EXPECT_EQ(ask("m2000fffc,8"), ask("m2000fffc,4"));  // last SRAM word only: short read
    EXPECT_EQ(ask("m1,ffffffff").size() % 2, 0u);       // huge length: capped, no crash
}

TEST_F(GdbEngine, MalformedMemoryPacketsGetErrors) {
    EXPECT_EQ(ask("m"), "E01");
    EXPECT_EQ(ask("m20000000"), "E01");
    EXPECT_EQ(ask("mxyz,4"), "E01");
    EXPECT_EQ(ask("M20000000,4:0011"), "E01");  // length mismatch
    EXPECT_EQ(ask("M20000000,2:00zz"), "E01");  // bad hex
    EXPECT_EQ(ask("M20000000,2"), "E01");       // no data
    EXPECT_EQ(ask("X20000000,4:ab"), "E01");    // binary length mismatch
    EXPECT_EQ(ask("X20000000,0:"), "OK");       // GDB's probe
}

TEST_F(GdbEngine, MemoryWritesLandInRam) {
    EXPECT_EQ(ask("M20008000,4:78563412"), "OK");
    EXPECT_EQ(ask("m20008000,4"), "78563412");
    EXPECT_EQ(ask(std::string("X20008004,2:") + "}" + static_cast<char>('#' ^ 0x20) + "A"), "E01")
        << "escapes are undone by the wire layer, not the engine";
    EXPECT_EQ(ask("X20008004,2:#A"), "OK");
    EXPECT_EQ(ask("m20008004,2"), "2341");
}

TEST_F(GdbEngine, BreakpointsNeverModifyGuestMemory) {
    const std::uint32_t compute = sym("compute");
    const std::string before = ask(fmt::format("m{:x},4", compute));
    EXPECT_EQ(ask(fmt::format("Z0,{:x},2", compute)), "OK");
    EXPECT_EQ(ask(fmt::format("Z1,{:x},2", compute)), "OK");
    EXPECT_EQ(ask(fmt::format("m{:x},4", compute)), before);
    EXPECT_EQ(machine.run_until(kPicosPerSecond).reason, StopReason::Breakpoint);
    EXPECT_EQ(machine.reg(CoreReg::PC), compute);
    // Both kinds set: the stop reports the software one; after z0 only the hardware one is left.
    EXPECT_NE(engine.report_stop({.breakpoint = true}).back().find("swbreak:;"), std::string::npos);
    EXPECT_EQ(ask(fmt::format("z0,{:x},2", compute)), "OK");
    EXPECT_NE(engine.report_stop({.breakpoint = true}).back().find("hwbreak:;"), std::string::npos);
    EXPECT_EQ(ask(fmt::format("z1,{:x},2", compute)), "OK");
    EXPECT_EQ(ask(fmt::format("m{:x},4", compute)), before);
}

TEST_F(GdbEngine, MalformedBreakpointPacketsGetErrors) {
    EXPECT_EQ(ask("Z0"), "E01");
    EXPECT_EQ(ask("Z0,"), "E01");
    EXPECT_EQ(ask("Z0,zz,2"), "E01");
    EXPECT_EQ(ask("Z2,20000000,0"), "E01");  // zero-length watch
    EXPECT_EQ(ask("Z9,0,2"), "");            // unknown type: unsupported
    EXPECT_EQ(ask("z0,1234,2"), "OK");       // removing what is not there is harmless
}

TEST_F(GdbEngine, WatchpointStopNamesTheAddressAndKind) {
    const std::uint32_t watched = sym("watched");
    EXPECT_EQ(ask(fmt::format("Z2,{:x},4", watched)), "OK");
    const auto stop = engine.report_stop({.watchpoint = true, .watch_address = watched});
    EXPECT_NE(stop.back().find(fmt::format("watch:{:x};", watched)), std::string::npos);
    EXPECT_EQ(ask(fmt::format("z2,{:x},4", watched)), "OK");
    EXPECT_EQ(ask(fmt::format("Z3,{:x},4", watched)), "OK");
    EXPECT_NE(engine.report_stop({.watchpoint = true, .watch_address = watched + 2})
                  .back()
                  .find(fmt::format("rwatch:{:x};", watched + 2)),
              std::string::npos);
}

TEST_F(GdbEngine, RunControlPacketsBecomeActions) {
    EXPECT_EQ(engine.handle("c").action, Engine::Action::Continue);
    EXPECT_EQ(engine.handle("s").action, Engine::Action::Step);
    EXPECT_EQ(engine.handle("vCont;s:1;c").action, Engine::Action::Step);
    EXPECT_EQ(engine.handle("vCont;c").action, Engine::Action::Continue);
    EXPECT_EQ(engine.handle("vCont;x").packet, "E01");
    EXPECT_EQ(engine.handle("D").action, Engine::Action::Detach);
    EXPECT_EQ(engine.handle("D").packet, "OK");
    EXPECT_EQ(engine.handle("k").action, Engine::Action::Kill);
    EXPECT_EQ(engine.handle("Cxx").packet, "E01");
}

TEST_F(GdbEngine, BareMetalHasOneThread) {
    EXPECT_EQ(ask("qfThreadInfo"), "m1");
    EXPECT_EQ(ask("qsThreadInfo"), "l");
    EXPECT_EQ(ask("qC"), "QC1");
    EXPECT_EQ(ask("qAttached"), "1");
    EXPECT_EQ(ask("T1"), "OK");
    EXPECT_EQ(ask("T5"), "E02");
    EXPECT_EQ(ask("Hg5"), "E02");
    EXPECT_EQ(ask("Hg0"), "OK");
    EXPECT_EQ(ask("Hc-1"), "OK");
    EXPECT_EQ(ask("Hx1"), "E01");
    EXPECT_EQ(ask("qThreadExtraInfo,1"), to_hex(std::string_view("kernel")));
}

TEST_F(GdbEngine, MonitorCommandsAnswerInHex) {
    auto monitor = [&](std::string_view cmd) {
        const auto bytes = parse_hex_bytes(ask("qRcmd," + to_hex(cmd)));
        return bytes ? std::string(bytes->begin(), bytes->end()) : std::string("<not hex>");
    };
    EXPECT_NE(monitor("time").find("instructions: 0"), std::string::npos);
    EXPECT_NE(monitor("processes").find("no Tock processes"), std::string::npos);
    EXPECT_NE(monitor("mpu").find("MPU"), std::string::npos) << monitor("mpu");
    EXPECT_NE(monitor("bogus").find("unknown monitor command"), std::string::npos);
    machine.run_until(kPicosPerSecond / 1000, 100);
    EXPECT_EQ(monitor("time").find("instructions: 0"), std::string::npos);
    EXPECT_NE(monitor("reset").find("reset: pc="), std::string::npos);
    EXPECT_EQ(ask("qRcmd,zz"), "E01");
}

TEST_F(GdbEngine, UnknownPacketsGetTheEmptyReply) {
    for (const char* p : {"vMustReplyEmpty", "qTStatus", "!", "R00", "b", "\x7f", "qXfer:bogus"})
        EXPECT_EQ(ask(p), "") << p;
    EXPECT_EQ(ask(""), "");
}

// Tock processes as threads, on our Hail kernel with two apps: the current thread is the process
// the core runs; the kernel thread shows where the kernel left for it (after its `svc 0xff`); a
// switched-out process shows its saved context (pc in its flash, sp in its RAM).
class GdbThreads : public ::testing::Test {
  protected:
    void SetUp() override {
        machine.load_elf(gdbtest::firmware("kernel/hail_kernel.elf"));
        machine.load_app(gdbtest::firmware("apps/blink.tbf"));
        machine.load_app(gdbtest::firmware("apps/hello.tbf"));
        machine.reset();
        target = std::make_unique<MachineTarget>(machine);
        engine = std::make_unique<Engine>(*target);
    }
    std::string ask(std::string_view packet) {
        return engine->handle(packet).packet.value_or("<none>");
    }
    const tock::Process& process(std::string_view name) {
        const tock::Process* p = target->view().find(name);
        EXPECT_TRUE(p) << name;
        return *p;
    }
    std::uint32_t reg_of(ThreadId t, unsigned n) {
        EXPECT_EQ(ask(fmt::format("Hg{:x}", t)), "OK");
        return parse_le32_hex(ask(fmt::format("p{:x}", n))).value_or(0xDEAD);
    }
    // Runs to the first instruction of the named process.
    void run_to_entry(std::string_view name) {
        const std::uint32_t entry = process(name).image.entry;
        ASSERT_EQ(ask(fmt::format("Z0,{:x},2", entry)), "OK");
        ASSERT_EQ(machine.run_until(kPicosPerSecond).reason, StopReason::Breakpoint) << name;
        ASSERT_EQ(ask(fmt::format("z0,{:x},2", entry)), "OK");
    }

    Machine machine;
    std::unique_ptr<MachineTarget> target;
    std::unique_ptr<Engine> engine;
};

TEST_F(GdbThreads, RunningProcessIsTheCurrentThreadAndTheKernelShowsItsSwitchPoint) {
    run_to_entry("blink");
    const ThreadId blink = kFirstProcessThread + process("blink").index;
    EXPECT_EQ(ask("qC"), fmt::format("QC{:x}", blink));
    EXPECT_NE(ask("qfThreadInfo").find(fmt::format(",{:x}", blink)), std::string::npos);
    EXPECT_EQ(ask(fmt::format("qThreadExtraInfo,{:x}", blink)),
              to_hex(std::string_view("blink (running)")));
    EXPECT_EQ(reg_of(blink, 15), machine.reg(CoreReg::PC));
    // The kernel thread: right after the svc that entered the process.
    const std::uint32_t kernel_pc = reg_of(kKernelThread, 15);
    std::array<std::uint8_t, 2> before{};
    ASSERT_TRUE(machine.read_memory(kernel_pc - 2, before));
    EXPECT_EQ(before[1], 0xDF) << "an svc precedes the kernel thread's pc " << kernel_pc;
    EXPECT_EQ(machine.symbolize(kernel_pc).rfind("switch_to_user", 0), 0u)
        << machine.symbolize(kernel_pc);
    // Only the current thread's registers can be written.
    EXPECT_EQ(ask("Hg1"), "OK");
    EXPECT_EQ(ask("P0=00000000"), "E02");
}

TEST_F(GdbThreads, SwitchedOutProcessShowsItsSavedContext) {
    run_to_entry("blink");
    run_to_entry("hello");
    const tock::Process& blink = process("blink");
    const ThreadId t = kFirstProcessThread + blink.index;
    EXPECT_NE(ask("qC"), fmt::format("QC{:x}", t));
    EXPECT_EQ(ask(fmt::format("T{:x}", t)), "OK");
    const std::uint32_t pc = reg_of(t, 15), sp = reg_of(t, 13);
    EXPECT_TRUE(blink.image.contains_flash(pc)) << std::hex << pc;
    EXPECT_TRUE(blink.owns_ram(sp)) << std::hex << sp;
    EXPECT_EQ(reg_of(t, 18), sp);                     // psp
    EXPECT_EQ(reg_of(t, 22), 3u);                     // control: SPSEL | nPRIV
    EXPECT_EQ(reg_of(t, 16) & (1u << 24), 1u << 24);  // xPSR.T from the stacked frame
    EXPECT_EQ(ask(fmt::format("g")).size(), kRegisterCount * 8);
}

// Stepping a process's `svc` enters the kernel, so the core's thread is the kernel's after the
// step; GDB (13.1 asserts in finish_step_over otherwise) needs the stop to name the stepped
// thread, which then shows its saved context: pc just after the svc (also for "any thread").
TEST_F(GdbThreads, StepOverAProcessSvcStopsInTheSteppedThread) {
    run_to_entry("hello");
    const ThreadId hello = kFirstProcessThread + process("hello").index;
    for (int i = 0; i < 2000; ++i) {
        const Engine::Reply r = engine->handle(fmt::format("vCont;s:{:x}", hello));
        ASSERT_EQ(r.action, Engine::Action::Step);
        machine.step();
        const std::string stop = engine->report_stop(StopEvent{}).back();
        EXPECT_EQ(stop, fmt::format("T05thread:{:x};", hello)) << "step " << i;
        if (ask("qC") == fmt::format("QC{:x}", hello)) continue;
        // The step went into the kernel: it was an svc, and hello's pc is right after it.
        const std::uint32_t pc = reg_of(hello, 15);
        std::array<std::uint8_t, 2> before{};
        ASSERT_TRUE(machine.read_memory(pc - 2, before));
        EXPECT_EQ(before[1], 0xDF) << std::hex << pc;
        EXPECT_TRUE(process("hello").image.contains_flash(pc)) << std::hex << pc;
        // "Any thread" (Hg0) is the thread the stop named, as GDB assumes.
        EXPECT_EQ(ask("Hg0"), "OK");
        EXPECT_EQ(parse_le32_hex(ask("pf")), pc);
        // A plain continue afterwards reports whatever thread the core is in.
        ASSERT_EQ(engine->handle("vCont;c").action, Engine::Action::Continue);
        EXPECT_EQ(engine->report_stop(StopEvent{}).back(), fmt::format("T05thread:{:x};", 1));
        return;
    }
    FAIL() << "hello made no syscall in 2000 steps";
}

}  // namespace
}  // namespace tockemu::gdb
