// The Tock view over constructed event streams: the same events a Tock kernel produces on
// Cortex-M (SVC from a process, kernel's svc to switch back, exception returns on PSP), with a
// small guest memory holding two TBF headers and the stacked frames.
#include <gtest/gtest.h>

#include <map>

#include "emu/loader/tbf.hpp"
#include "emu/tock/tock_view.hpp"

using namespace tockemu;
using namespace tockemu::tock;

namespace {

// Sparse little-endian guest memory for the view to read.
struct FakeMemory {
    std::map<std::uint32_t, std::uint8_t> bytes;
    void put32(std::uint32_t a, std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            bytes[a + static_cast<std::uint32_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    void put(std::uint32_t a, const std::vector<std::uint8_t>& v) {
        for (std::size_t i = 0; i < v.size(); ++i) bytes[a + static_cast<std::uint32_t>(i)] = v[i];
    }
    bool read(std::uint32_t a, std::span<std::uint8_t> out) const {
        for (std::size_t i = 0; i < out.size(); ++i) {
            auto it = bytes.find(a + static_cast<std::uint32_t>(i));
            if (it == bytes.end()) return false;
            out[i] = it->second;
        }
        return true;
    }
    void frame(std::uint32_t at, std::array<std::uint32_t, 8> w) {
        for (std::uint32_t i = 0; i < 8; ++i) put32(at + 4 * i, w[i]);
    }
};

// A TBF header as elf2tab writes it: base header, Program TLV, package name; checksum fixed.
std::vector<std::uint8_t> tbf_header(const std::string& name, std::uint32_t total,
                                     std::uint32_t init_offset, std::uint32_t min_ram) {
    std::vector<std::uint8_t> h;
    auto u16 = [&](std::uint16_t v) {
        h.push_back(v & 0xff);
        h.push_back(static_cast<std::uint8_t>(v >> 8));
    };
    auto u32 = [&](std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v));
        u16(static_cast<std::uint16_t>(v >> 16));
    };
    const std::uint32_t name_pad = (static_cast<std::uint32_t>(name.size()) + 3) & ~3u;
    const std::uint32_t header_size = 16 + 24 + 4 + name_pad;
    u16(2);
    u16(static_cast<std::uint16_t>(header_size));
    u32(total);
    u32(1);
    u32(0);
    u16(9);
    u16(20);
    u32(init_offset);
    u32(0);
    u32(min_ram);
    u32(total);
    u32(0);
    u16(3);
    u16(static_cast<std::uint16_t>(name.size()));
    for (char c : name) h.push_back(static_cast<std::uint8_t>(c));
    while (h.size() < header_size) h.push_back(0);
    const std::uint32_t sum = tbf::compute_checksum(h);
    for (int i = 0; i < 4; ++i)
        h[12 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(sum >> (8 * i));
    return h;
}

Event at(Picos t, EventPayload p) {
    return Event{t, t / 1000, std::move(p)};
}

class TockViewTest : public ::testing::Test {
  protected:
    static constexpr std::uint32_t kAppA = 0x30000, kAppB = 0x32000;
    static constexpr std::uint32_t kRamA = 0x20008000, kRamB = 0x2000A000;
    void SetUp() override {
        mem.put(kAppA, tbf_header("alpha", 0x2000, 0x29, 4096));
        mem.put(kAppB, tbf_header("beta", 0x2000, 0x29, 4096));
        view.add_listener([this](const TockEvent& e) { events.push_back(e); });
        view.scan_apps();
    }
    std::uint32_t entry(std::uint32_t app) const {
        return app + view.find(app == kAppA ? "alpha" : "beta")->image.header_size + 0x28;
    }
    // The kernel starts a process: initial frame at the RAM start, return to PSP at its entry.
    void start(Picos t, std::uint32_t app, std::uint32_t ram) {
        mem.frame(ram, {app + 0x40, ram, 0x2000, ram + 32, 0, 1, entry(app) | 1, 0x01000000});
        view.on_event(
            at(t, ExceptionReturnEvent{11, 0xFFFFFFFD, entry(app), true, true, true, ram + 32}));
    }
    // The process executes `svc imm` with r0-r3 at `pc`, stack pointer `sp`.
    void svc(Picos t, std::uint32_t pc, std::uint8_t imm, std::array<std::uint32_t, 4> r,
             std::uint32_t sp) {
        view.on_event(at(t, SvcEvent{pc, imm, {r[0], r[1], r[2], r[3], 0}, sp, true}));
        mem.frame(sp - 32, {r[0], r[1], r[2], r[3], 0, 0, pc + 2, 0x01000000});
        view.on_event(at(t, ExceptionEntryEvent{11, pc + 2, sp - 32, true, true, true}));
    }
    void resume(Picos t, std::uint32_t pc, std::uint32_t psp) {
        view.on_event(at(t, ExceptionReturnEvent{11, 0xFFFFFFFD, pc, true, true, true, psp}));
    }
    template <typename T>
    std::vector<T> all() const {
        std::vector<T> out;
        for (const auto& e : events)
            if (const auto* p = std::get_if<T>(&e.payload)) out.push_back(*p);
        return out;
    }

    FakeMemory mem;
    TockView view{
        [this](std::uint32_t a, std::span<std::uint8_t> out) { return mem.read(a, out); }};
    std::vector<TockEvent> events;
};

}  // namespace

TEST_F(TockViewTest, FindsProcessesFromTbfHeadersInAppFlash) {
    ASSERT_EQ(view.processes().size(), 2u);
    EXPECT_EQ(view.processes()[0].image.name, "alpha");
    EXPECT_EQ(view.processes()[1].image.flash_start, kAppB);
    EXPECT_EQ(view.processes()[0].image.min_ram, 4096u);
    EXPECT_EQ(all<ProcessLoaded>().size(), 2u);
    EXPECT_EQ(view.attribute(kAppB + 0x100, 0), 1);
    EXPECT_EQ(view.attribute(0x10000, 0), kNoProcess);
}

TEST_F(TockViewTest, EntryAtInitFunctionIsAStartWithRamFromTheFrame) {
    start(1000, kAppA, kRamA);
    const auto starts = all<ProcessStarted>();
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(starts[0].proc, 0);
    EXPECT_EQ(starts[0].restart_count, 0u);
    EXPECT_EQ(starts[0].memory_start, kRamA);
    EXPECT_EQ(starts[0].memory_len, 0x2000u);
    EXPECT_EQ(all<ContextSwitch>().size(), 1u);
    EXPECT_EQ(view.processes()[0].state, ProcessState::Running);
    EXPECT_TRUE(view.processes()[0].owns_ram(kRamA + 0x100));
}

TEST_F(TockViewTest, SyscallReturnIsReadFromTheStackedFrameWhenTheProcessResumes) {
    start(1000, kAppA, kRamA);
    const std::uint32_t pc = kAppA + 0x200, sp = kRamA + 0x800;
    svc(2000, pc, 3, {1, 1, kRamA + 0x100, 64}, sp);
    // The kernel writes Failure-2xu32(NOMEM) into the frame, then resumes after the svc.
    mem.frame(sp - 32, {2, 9, kRamA + 0x100, 64, 0, 0, pc + 2, 0x01000000});
    resume(3000, pc + 2, sp);
    const auto made = all<SyscallMade>();
    ASSERT_EQ(made.size(), 1u);
    EXPECT_EQ(made[0].proc, 0);
    EXPECT_EQ(*made[0].call.cls, SyscallClass::ReadWriteAllow);
    const auto ret = all<SyscallReturned>();
    ASSERT_EQ(ret.size(), 1u);
    EXPECT_EQ(ret[0].ret.error(), ErrorCode::NOMEM);
    EXPECT_EQ(view.processes()[0].stats.errors.at(9), 1u);
    EXPECT_EQ(view.processes()[0].stats.syscalls, 1u);
}

TEST_F(TockViewTest, ResumingElsewhereThanAfterTheSvcIsAnUpcall) {
    start(1000, kAppA, kRamA);
    const std::uint32_t pc = kAppA + 0x300, sp = kRamA + 0x7f0;
    svc(2000, pc, 0, {1, 0, 0, 0}, sp);  // yield-wait
    EXPECT_EQ(view.processes()[0].state, ProcessState::Yielded);
    const std::uint32_t fn = kAppA + 0x500;
    mem.frame(sp - 32, {7, 8, 9, 0xabc, 0, pc + 2 + 1, fn | 1, 0x01000000});
    resume(5000, fn, sp);
    const auto up = all<UpcallDelivered>();
    ASSERT_EQ(up.size(), 1u);
    EXPECT_EQ(up[0].function, fn);
    EXPECT_EQ(up[0].args, (std::array<std::uint32_t, 4>{7, 8, 9, 0xabc}));
    EXPECT_TRUE(all<SyscallReturned>().empty());
    EXPECT_EQ(view.processes()[0].state, ProcessState::Running);
}

TEST_F(TockViewTest, ContextSwitchesAndCpuTimeFollowTheRunningProcess) {
    start(1000, kAppA, kRamA);
    svc(3000, kAppA + 0x200, 0, {1, 0, 0, 0}, kRamA + 0x800);
    start(4000, kAppB, kRamB);
    view.on_event(
        at(9000, ExceptionEntryEvent{15, kAppB + 0x300, kRamB + 0x7e0, true, true, true}));
    const auto sw = all<ContextSwitch>();
    ASSERT_EQ(sw.size(), 2u);
    EXPECT_EQ(sw[1].from, 0);
    EXPECT_EQ(sw[1].to, 1);
    EXPECT_EQ(view.processes()[0].stats.cpu_time, 2000u);
    EXPECT_EQ(view.processes()[1].stats.cpu_time, 5000u);
}

TEST_F(TockViewTest, FaultIsAttributedToTheRunningProcessAndReEntryCountsARestart) {
    start(1000, kAppA, kRamA);
    FaultEvent f{
        FaultClass::HardFault, kAppA + 0x210, 0x20000000, true, 0x82, 0x40000000, true, "DACCVIOL"};
    view.on_event(at(2000, f));
    auto faults = all<ProcessFaulted>();
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0].proc, 0);
    EXPECT_EQ(faults[0].cause, "memmanage");  // CFSR says MemManage although it escalated
    EXPECT_EQ(view.processes()[0].state, ProcessState::Faulted);
    start(3000, kAppA, kRamA);
    EXPECT_EQ(view.processes()[0].restarts(), 1u);
    EXPECT_EQ(all<ProcessStarted>().back().restart_count, 1u);
    EXPECT_EQ(view.processes()[0].state, ProcessState::Running);
}

TEST_F(TockViewTest, KernelSvcAndPrivilegedFaultsAreNotProcessEvents) {
    view.on_event(at(500, SvcEvent{0x10400, 0xff, {}, 0x20000f00, false}));
    EXPECT_TRUE(all<SyscallMade>().empty());
    view.on_event(
        at(600, FaultEvent{FaultClass::BusFault, 0x10500, 0, false, 0x0400, 0, false, "x"}));
    EXPECT_EQ(all<KernelFault>().size(), 1u);
}

TEST_F(TockViewTest, ExitTerminateEndsTheProcess) {
    start(1000, kAppA, kRamA);
    svc(2000, kAppA + 0x220, 6, {0, 3, 0, 0}, kRamA + 0x800);
    const auto ex = all<ProcessExited>();
    ASSERT_EQ(ex.size(), 1u);
    EXPECT_FALSE(ex[0].restart);
    EXPECT_EQ(ex[0].completion_code, 3u);
    EXPECT_EQ(view.processes()[0].state, ProcessState::Terminated);
}

TEST_F(TockViewTest, ItmKernelMessagesAreReassembledFromWords) {
    auto word = [](std::uint32_t v) {
        return std::vector<std::uint8_t>{
            static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
    };
    view.on_event(at(10, KernelEvent{0, word((4u << 16) | 2)}));
    EXPECT_TRUE(all<KernelMessage>().empty());
    view.on_event(at(11, KernelEvent{0, word(1)}));
    view.on_event(at(12, KernelEvent{0, word(2)}));
    const auto km = all<KernelMessage>();
    ASSERT_EQ(km.size(), 1u);
    EXPECT_EQ(km[0].type, kKmGrantNoMem);
    EXPECT_EQ(km[0].words, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(kernel_message_name(km[0].type), "grant_nomem");
}

TEST(AppFlashScan, StopsAtErasedFlashAndSkipsABadChecksum) {
    FakeMemory mem;
    auto good = tbf_header("good", 0x1000, 0x29, 1024);
    auto bad = tbf_header("bad", 0x1000, 0x29, 1024);
    bad[12] ^= 0xff;
    mem.put(0x30000, bad);
    mem.put(0x31000, good);
    for (std::uint32_t a = 0x32000; a < 0x32010; ++a) mem.bytes[a] = 0xff;
    const auto apps =
        scan_app_flash([&](std::uint32_t a, std::span<std::uint8_t> o) { return mem.read(a, o); });
    ASSERT_EQ(apps.size(), 1u);
    EXPECT_EQ(apps[0].name, "good");
    EXPECT_EQ(apps[0].flash_start, 0x31000u);
    EXPECT_EQ(apps[0].entry, 0x31000u + apps[0].header_size + 0x28);
}
