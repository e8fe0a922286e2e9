// The periph_io test firmware (this folder) on the whole machine: each image checks its own
// register-level expectations and exits with its failure count; this test checks what the host
// sees (console bytes on USART0, semihosting lines, virtual time) and feeds the injected input.
//
// It needs the Machine (emu_cpu), so it cannot live in tests/periph/sam4l (linked against
// emu_periph only). Registered from tests/CMakeLists.txt with
//   tockemu_test_dir(firmware/periph_io emu_cpu)
// (the firmware super-project ignores this file: it lists its sources explicitly).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "emu/board/hail_board.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu {
namespace {

// 115 200 Bd 8N1 at 48 MHz: 4170 PBA cycles per character.
constexpr Picos kFrame = 86'875'000;

struct Outcome {
    RunResult result;
    std::string console;
    std::string semihosting;
    Picos end = 0;
    std::uint64_t instructions = 0;
};

// Loads and runs one image on `machine`; the sinks write into `out`, which must outlive the
// machine (the test fixture owns both).
void run_image(Machine& machine, Outcome& out, const std::string& name,
               std::string_view inject = {}) {
    machine.load_elf(std::string(TOCKEMU_FIRMWARE_DIR) + "/tests/firmware/" + name + ".elf");
    machine.reset();
    machine.board().set_uart_sink(HailBoard::kConsoleUsart,
                                  [&out](std::uint8_t b) { out.console.push_back(char(b)); });
    machine.events().subscribe([&out](const Event& e) {
        if (auto* s = std::get_if<SemihostingEvent>(&e.payload)) out.semihosting += s->text;
    });
    if (!inject.empty()) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(inject.data());
        machine.board().inject_uart_rx(HailBoard::kConsoleUsart, {p, inject.size()});
    }
    out.result = machine.run_until(picos_from_ms(500));
    out.end = machine.clock().now();
    out.instructions = machine.instructions();
}

class PeriphIoFirmware : public ::testing::Test {
  protected:
    Outcome outcome;  // declared first: destroyed after the machine whose sinks point into it
    Machine machine;

    const Outcome& run(const std::string& name, std::string_view inject = {}) {
        run_image(machine, outcome, name, inject);
        return outcome;
    }
};

TEST_F(PeriphIoFirmware, InterruptDrivenUartHello) {
    const Outcome& r = run("io_uart_irq_hello");
    ASSERT_EQ(r.result.reason, StopReason::SemihostingExit) << r.result.message;
    EXPECT_EQ(r.result.exit_code, 0) << r.semihosting;
    EXPECT_EQ(r.console, "hello from USART0 interrupts\n");
    EXPECT_GE(r.end, r.console.size() * kFrame) << "each character takes one frame time";
    EXPECT_LT(r.end, (r.console.size() + 2) * kFrame);
}

TEST_F(PeriphIoFirmware, UartTransmitByPdca) {
    const Outcome& r = run("io_uart_pdca_tx");
    ASSERT_EQ(r.result.reason, StopReason::SemihostingExit) << r.result.message;
    EXPECT_EQ(r.result.exit_code, 0) << r.semihosting;
    EXPECT_EQ(r.console, "hello from the PDCA\n");
    EXPECT_GE(r.end, r.console.size() * kFrame);
}

TEST_F(PeriphIoFirmware, UartReceivesInjectedBytesByInterruptAndByPdca) {
    const Outcome& r = run("io_uart_rx", "ABCDwxyz");
    ASSERT_EQ(r.result.reason, StopReason::SemihostingExit) << r.result.message;
    EXPECT_EQ(r.result.exit_code, 0) << r.semihosting;
    EXPECT_EQ(r.console, "irq:ABCD dma:wxyz\n");
}

TEST_F(PeriphIoFirmware, SpiLoopbackAndFlashJedecIdByDma) {
    const Outcome& r = run("io_spi_dma");
    ASSERT_EQ(r.result.reason, StopReason::SemihostingExit) << r.result.message;
    EXPECT_EQ(r.result.exit_code, 0) << r.semihosting;
    EXPECT_NE(r.semihosting.find("jedec=0x00ef4014"), std::string::npos) << r.semihosting;
    // The page program keeps the flash busy for tPP = 0.7 ms of virtual time.
    EXPECT_GE(r.end, picos_from_us(700));
}

TEST_F(PeriphIoFirmware, DmaToAnInvalidAddressReportsATransferError) {
    const Outcome& r = run("io_pdca_terr");
    ASSERT_EQ(r.result.reason, StopReason::SemihostingExit) << r.result.message;
    EXPECT_EQ(r.result.exit_code, 0) << r.semihosting;
    EXPECT_EQ(r.console, "") << "nothing may reach the USART from a failed transfer";
}

TEST_F(PeriphIoFirmware, MaskedClocksHideThePeripheralAndFreezeItsActivity) {
    std::vector<std::pair<char, Picos>> tx;
    machine.events().subscribe([&](const Event& e) {
        if (auto* u = std::get_if<UartTxEvent>(&e.payload)) tx.emplace_back(char(u->byte), e.time);
    });
    const Outcome& r = run("io_clock_gating");
    ASSERT_EQ(r.result.reason, StopReason::SemihostingExit) << r.result.message;
    EXPECT_EQ(r.result.exit_code, 0) << r.semihosting;
    EXPECT_EQ(r.console, "on\nXdma");
    // 'X' started right after "on\n" and stood still while CLK_USART was masked: far more than
    // the one frame it needs.
    ASSERT_GE(tx.size(), 4u);
    EXPECT_EQ(tx[3].first, 'X');
    EXPECT_GT(tx[3].second - tx[2].second, 10 * kFrame);
    const auto masked = machine.board().masked_accesses();
    ASSERT_EQ(masked.size(), 1u);
    EXPECT_EQ(masked[0], "access to USART0 with its clock masked (PM.PBAMASK bit 8)");
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

TEST(PeriphIoFirmwareDeterminism, SameImageAndInputGiveTheSameRun) {
    Outcome a, b;
    Machine first, second;
    run_image(first, a, "io_uart_rx", "ABCDwxyz");
    run_image(second, b, "io_uart_rx", "ABCDwxyz");
    EXPECT_EQ(a.console, b.console);
    EXPECT_EQ(a.end, b.end);
    EXPECT_EQ(a.instructions, b.instructions);
}

}  // namespace
}  // namespace tockemu
