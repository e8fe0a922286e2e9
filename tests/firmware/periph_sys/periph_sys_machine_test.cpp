// The periph_sys test firmware (tests/firmware/periph_sys) on the whole machine: each image checks
// its own register-level expectations and exits with its failure count; this test drives the
// injected input (the button) and checks what the host sees: LED events, the AST alarm's
// virtual time, the core frequency after the clock set-up.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "emu/board/hail_board.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu {
namespace {

class PeriphSysFirmware : public ::testing::Test {
  protected:
    Machine machine;
    std::string semihosting;
    std::vector<std::pair<Picos, GpioEvent>> gpio;
    std::vector<std::pair<Picos, unsigned>> entries;  // exception entries (time, number)

    void load(const std::string& name) {
        machine.load_elf(std::string(TOCKEMU_FIRMWARE_DIR) + "/tests/firmware/" + name + ".elf");
        machine.reset();
        machine.events().subscribe([this](const Event& e) {
            if (auto* s = std::get_if<SemihostingEvent>(&e.payload)) semihosting += s->text;
            if (auto* g = std::get_if<GpioEvent>(&e.payload)) gpio.emplace_back(e.time, *g);
            if (auto* x = std::get_if<ExceptionEntryEvent>(&e.payload))
                entries.emplace_back(e.time, x->exception);
        });
    }
};

TEST_F(PeriphSysFirmware, GpioToggleAndButtonInterruptFromAnInjectedInput) {
    load("sys_gpio");
    RunResult r = machine.run_until(picos_from_ms(5));
    ASSERT_EQ(r.reason, StopReason::TimeLimit)
        << "the firmware must wait for the button: " << r.message << semihosting;
    EXPECT_NE(semihosting.find("waiting for the button"), std::string::npos);
    // Six OVRT toggles of the red LED (PA13), each published as a chip-driven level change.
    unsigned led_toggles = 0;
    bool level = true;
    for (const auto& [t, g] : gpio) {
        if (g.port != 0 || g.pin != 13 || !g.output) continue;
        if (g.level != level) ++led_toggles;
        level = g.level;
    }
    EXPECT_EQ(led_toggles, 6u);
    EXPECT_TRUE(machine.board().gpio_output(0, 13));  // six toggles from "off" (high)

    machine.board().set_gpio_input(HailBoard::kButtonPort, HailBoard::kButtonPin, false);
    r = machine.run_until(machine.clock().now() + picos_from_ms(5));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_NE(semihosting.find("ifr=0x00010000"), std::string::npos) << semihosting;
    bool took_gpio2 = false;
    for (const auto& [t, n] : entries) took_gpio2 |= n == 16 + 27;
    EXPECT_TRUE(took_gpio2);
}

TEST_F(PeriphSysFirmware, AstAlarmFiresAtExactlyTheProgrammedTick) {
    load("sys_ast_alarm");
    const RunResult r = machine.run_until(picos_from_ms(500));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_NE(semihosting.find("cv=0x00000640"), std::string::npos) << semihosting;

    std::optional<Picos> marker, alarm;
    for (const auto& [t, g] : gpio)
        if (g.port == 0 && g.pin == 13 && !g.level && !marker) marker = t;
    for (const auto& [t, n] : entries)
        if (n == 16 + 39 && !alarm) alarm = t;
    ASSERT_TRUE(marker && alarm);
    // 1600 counts at 16 384 Hz = 97.65625 ms after CR.EN; the marker store follows CR.EN by one
    // instruction and the exception is taken at the next instruction boundary (20.8 ns at 48 MHz).
    const Picos expected = *marker + 97'656'250'000ull;
    EXPECT_GE(*alarm + picos_from_ns(100), expected);
    EXPECT_LE(*alarm, expected + picos_from_ns(100));
}

TEST_F(PeriphSysFirmware, TockClockSetupCompletesAndRunsTheCoreAt48MHz) {
    load("sys_clock_boot");
    const RunResult r = machine.run_until(picos_from_ms(100));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_EQ(machine.clock().core_hz(), 48'000'000u);
    EXPECT_TRUE(machine.board().warnings().empty());
    // OSC0 needs 1024 RCSYS cycles (8.9 ms) to start; the PLL 63 more.
    EXPECT_GE(machine.clock().now(), picos_for_ticks(1024 + 63, 115'200));
}

}  // namespace
}  // namespace tockemu
