// The upstream-replay firmware (tests/firmware/upstream) on the whole machine: register sequences
// of tock/tock's chips/sam4l drivers that the Hail boot trace does not exercise. Each image checks
// its own expectations and exits with its failure count; a model that answered a polled bit
// differently from silicon would leave the image spinning until the time limit.
#include <gtest/gtest.h>

#include <string>

#include "emu/board/hail_board.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu {
namespace {

class UpstreamFirmware : public ::testing::Test {
  protected:
    Machine machine;
    std::string semihosting;

    void load(const std::string& name) {
        machine.load_elf(std::string(TOCKEMU_FIRMWARE_DIR) + "/tests/firmware/" + name + ".elf");
        machine.reset();
        machine.events().subscribe([this](const Event& e) {
            if (auto* s = std::get_if<SemihostingEvent>(&e.payload)) semihosting += s->text;
        });
    }
};

// scif.rs setup_dfll_rc32k_48mhz polls DFLL0RDY after DFLL0SYNC, before the DFLL is enabled.
TEST_F(UpstreamFirmware, DfllClockSetupCompletesAndRunsTheCoreFromTheDfll) {
    load("up_dfll_clock");
    const RunResult r = machine.run_until(picos_from_ms(50));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_EQ(machine.clock().core_hz(), 1464u * 32'768u);
    EXPECT_TRUE(machine.board().warnings().empty());
}

// trng.rs: one word per DATRDY interrupt, serviced from the main loop as Tock's chip.rs does.
TEST_F(UpstreamFirmware, TrngDeliversEightWordsThroughTheEntropyIterator) {
    load("up_trng_entropy");
    const RunResult r = machine.run_until(picos_from_ms(10));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_NE(semihosting.find("words=0x00000008"), std::string::npos) << semihosting;
}

// flashcalw.rs write_page: UP, EP, CPB, page buffer, WP, each step on the ready interrupt. The
// second write of the same page must come out exactly (it needs the erase).
TEST_F(UpstreamFirmware, InterruptDrivenFlashWritePageProgramsThePageTwice) {
    load("up_flash_write");
    const RunResult r = machine.run_until(picos_from_ms(50));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_NE(semihosting.find("word0=0xa0a00000"), std::string::npos) << semihosting;
}

// spi.rs + dma.rs: a DMA transfer to the loopback on NPCS0, then a held (CSAAT) JEDEC ID read
// from the W25Q80 on NPCS1; every PDCA interrupt serviced from the main loop.
TEST_F(UpstreamFirmware, SpiDmaTransfersThroughPdcaChannelsEightAndNine) {
    load("up_spi_transfer");
    const RunResult r = machine.run_until(picos_from_ms(20));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_NE(semihosting.find("jedec=0x00ef4014"), std::string::npos) << semihosting;
}

// usart.rs receive_automatic on USART3 (nRF51822 link): PDCA receive ended by the receiver
// time-out; the length is 16 - PDCA TCR. The time-out (RTOR = 250, upstream's interbyte value)
// fires 250 bit periods (1 ms at 250 kBd) after the last of the 5 bytes. The counter restarts at
// each received character, so a TO shorter than a character would end after the first byte.
TEST_F(UpstreamFirmware, UartReceiveEndsOnTheTimeoutWithTheLengthFromThePdcaCounter) {
    load("up_uart_receive_timeout");
    RunResult r = machine.run_until(picos_from_ms(1));
    ASSERT_EQ(r.reason, StopReason::TimeLimit) << r.message << semihosting;
    ASSERT_NE(semihosting.find("receiving"), std::string::npos) << semihosting;
    const std::uint8_t bytes[] = {'a', 'b', 'c', 'd', 'e'};
    machine.board().inject_uart_rx(3, bytes);
    r = machine.run_until(machine.clock().now() + picos_from_ms(5));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_NE(semihosting.find("length=0x00000005"), std::string::npos) << semihosting;
}

}  // namespace
}  // namespace tockemu
