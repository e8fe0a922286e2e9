// The --trace-mpu printer: denials are printed as they happen; a configuration is printed once
// it is complete and enabled, and not again while it stays the same.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emu/mpu/mpu_explain.hpp"
#include "emu/mpu/mpu_trace.hpp"

namespace tockemu {
namespace {

struct Recorder {
    std::vector<std::string> chunks;
    MpuTracePrinter::Sink sink() {
        return [this](std::string_view s) { chunks.emplace_back(s); };
    }
};

Event at(std::uint64_t n, EventPayload p) {
    return Event{picos_from_us(n), n, std::move(p)};
}

// Tock's context switch: MPU off, rewrite the regions, MPU on.
void tock_switch(Mpu& mpu, EventHub& hub, std::uint32_t ram_base, std::uint64_t& n) {
    auto publish = [&] { hub.publish(at(++n, mpu_config_event(mpu))); };
    mpu.write(Mpu::kCtrl, 0);
    publish();
    mpu.write(Mpu::kRbar, ram_base | Mpu::kRbarValid | 0);
    publish();
    mpu.write(Mpu::kRasr, (1u << 28) | (3u << 24) | (12u << 1) | 1u);
    publish();
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena);
    publish();
    hub.publish(at(++n, SvcEvent{0x1000, 0, {}, 0x20000F00, false}));  // switch_to_process
}

TEST(MpuTrace, PrintsEachDistinctConfigurationOnceWhenItTakesEffect) {
    Recorder rec;
    EventHub hub;
    auto flush = install_mpu_trace(hub, rec.sink());
    Mpu mpu;
    std::uint64_t n = 0;
    tock_switch(mpu, hub, 0x20004000, n);
    ASSERT_EQ(rec.chunks.size(), 1u);
    EXPECT_NE(rec.chunks[0].find("MPU configuration in effect:\nMPU_CTRL=0x00000005"),
              std::string::npos)
        << rec.chunks[0];
    EXPECT_NE(rec.chunks[0].find("0  0x20004000  0x20005fff  8K"), std::string::npos);
    tock_switch(mpu, hub, 0x20004000, n);  // same process again: nothing new
    EXPECT_EQ(rec.chunks.size(), 1u);
    tock_switch(mpu, hub, 0x20008000, n);  // another process
    ASSERT_EQ(rec.chunks.size(), 2u);
    EXPECT_NE(rec.chunks[1].find("0  0x20008000  0x20009fff  8K"), std::string::npos);
    flush();
    EXPECT_EQ(rec.chunks.size(), 2u);
}

TEST(MpuTrace, DenialPrintsThePendingConfigurationFirst) {
    Recorder rec;
    EventHub hub;
    auto flush = install_mpu_trace(hub, rec.sink());
    Mpu mpu;
    mpu.write(Mpu::kRbar, 0x20004000 | Mpu::kRbarValid | 0);
    mpu.write(Mpu::kRasr, (6u << 24) | (12u << 1) | 1u);
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena);
    hub.publish(at(100, mpu_config_event(mpu)));
    MpuDecision d = mpu.check(0x20004010, AccessKind::Write, false, 256);
    hub.publish(
        at(120, make_mpu_denied_event(mpu, d, 0x00030000, 0x20004010, AccessKind::Write, 4, true)));
    ASSERT_EQ(rec.chunks.size(), 2u);
    EXPECT_EQ(rec.chunks[0].find("[    0.100000 ms #100] MPU configuration in effect:"), 0u)
        << rec.chunks[0];
    EXPECT_EQ(rec.chunks[1],
              "[    0.120000 ms #120] MPU denied unprivileged write (4 bytes) at 0x20004010, pc "
              "0x00030000: AP=110 (priv RO, unpriv RO) denies unprivileged write; region 0: "
              "0x20004000-0x20005fff 8K sub ++++++++ AP=110 priv RO, unpriv RO\n");
    flush();
}

TEST(MpuTrace, DisabledConfigurationsAreNotPrinted) {
    Recorder rec;
    EventHub hub;
    auto flush = install_mpu_trace(hub, rec.sink());
    Mpu mpu;
    hub.publish(at(1, mpu_config_event(mpu)));
    hub.publish(at(2, IrqEvent{5, true}));
    flush();
    EXPECT_TRUE(rec.chunks.empty());
}

}  // namespace
}  // namespace tockemu
