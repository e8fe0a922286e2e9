// Preemption: processes that never yield are preempted by the 10 ms SysTick timeslice and share
// the CPU round robin, while interrupts (blink's alarm) still run on time.
#include <gtest/gtest.h>

#include <regex>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kRedLed = 13;

// A minimal 512-byte TBF that spins forever: 100 nops and a branch back (a long basic block keeps
// the emulator fast).
std::vector<std::uint8_t> spinner_tbf(const std::string& name) {
    std::vector<std::uint8_t> t(512, 0);
    auto put16 = [&](std::size_t at, std::uint16_t v) {
        t[at] = std::uint8_t(v);
        t[at + 1] = std::uint8_t(v >> 8);
    };
    auto put32 = [&](std::size_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) t[at + i] = std::uint8_t(v >> (8 * i));
    };
    const std::size_t name_tlv = 4 + ((name.size() + 3) & ~std::size_t{3});
    const std::uint16_t header_size = std::uint16_t(16 + 16 + 8 + name_tlv);
    put16(0, 2);
    put16(2, header_size);
    put32(4, 512);
    put32(8, 1);  // enabled
    std::size_t off = 16;
    put16(off, 1);  // Main: init_fn_offset 1 (Thumb), no protected trailer, 512 bytes of RAM
    put16(off + 2, 12);
    put32(off + 4, 1);
    put32(off + 8, 0);
    put32(off + 12, 512);
    off += 16;
    put16(off, 8);  // KernelVersion 2.0
    put16(off + 2, 4);
    put16(off + 4, 2);
    put16(off + 6, 0);
    off += 8;
    put16(off, 3);  // PackageName
    put16(off + 2, std::uint16_t(name.size()));
    for (std::size_t i = 0; i < name.size(); ++i) t[off + 4 + i] = std::uint8_t(name[i]);
    for (std::size_t i = 0; i < 100; ++i) put16(header_size + 2 * i, 0xBF00);  // nop
    put16(header_size + 200, 0xE79A);  // b <first nop>: PC + 4 - 204
    std::uint32_t x = 0;
    for (std::size_t i = 0; i + 4 <= header_size; i += 4) {
        if (i == 12) continue;
        x ^= t[i] | t[i + 1] << 8 | t[i + 2] << 16 | std::uint32_t(t[i + 3]) << 24;
    }
    put32(12, x);
    return t;
}

unsigned quanta_of(const std::string& console, const std::string& name) {
    std::smatch m;
    std::regex row("\\b" + name + "\\s+(\\d+)\\s+(\\d+)");
    std::string last;
    for (auto it = std::sregex_iterator(console.begin(), console.end(), row);
         it != std::sregex_iterator(); ++it)
        last = (*it)[1];
    return last.empty() ? 0 : unsigned(std::stoul(last));
}

TEST(KernelTimeslice, SpinningProcessesArePreemptedAndShareTheCpu) {
    KernelRun run({"blink"});  // blink at 0x30000-0x32000
    Machine& m = run.machine();
    ASSERT_TRUE(m.write_memory(0x32000, spinner_tbf("spin_a")));
    ASSERT_TRUE(m.write_memory(0x32200, spinner_tbf("spin_b")));
    m.reset();
    run.run_ms(1200);
    ASSERT_NE(run.console().find("Loaded process spin_b"), std::string::npos) << run.console();

    // blink keeps blinking. Its alarm interrupt preempts a spinner at once, but round robin (as
    // in Tock) lets the preempted spinner finish its slice and the other spinner have one before
    // blink runs, so each step is late by at most two 10 ms timeslices.
    auto red = run.led_changes(kRedLed, picos_from_ms(300));
    ASSERT_GE(red.size(), 3u) << run.console();
    for (std::size_t i = 1; i < red.size(); ++i) {
        const double dt_ms = double(red[i].time - red[i - 1].time) / double(picos_from_ms(1));
        EXPECT_GE(dt_ms, 4000.0 / 16384.0 * 1000.0) << "change " << i;
        EXPECT_LE(dt_ms, 4000.0 / 16384.0 * 1000.0 + 2 * 10.0 + 1.0) << "change " << i;
    }

    // The process console's `list` shows both spinners used up timeslices, about equally.
    const std::string cmd = "list\r";
    m.board().inject_uart_rx(
        HailBoard::kConsoleUsart,
        std::span(reinterpret_cast<const std::uint8_t*>(cmd.data()), cmd.size()));
    run.run_ms(300);
    const unsigned a = quanta_of(run.console(), "spin_a"), b = quanta_of(run.console(), "spin_b");
    // 1.5 s of CPU shared by two spinners with 10 ms slices: about 70 expirations each.
    EXPECT_GE(a, 50u) << run.console();
    EXPECT_GE(b, 50u) << run.console();
    EXPECT_LE(a > b ? a - b : b - a, 3u) << "round robin";
}

}  // namespace
}  // namespace tockemu::kerneltest
