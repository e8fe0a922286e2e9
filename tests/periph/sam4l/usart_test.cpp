// USART model: registers, byte timing in virtual time, RX injection, time-out, IRQ and DMA lines.
#include "emu/periph/sam4l/usart.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink, DmaRequestSink {
    std::map<unsigned, bool> irq, dma;
    void set_irq_level(unsigned n, bool level) override { irq[n] = level; }
    void set_dma_request(unsigned pid, bool level) override { dma[pid] = level; }
};

// 115 200 Bd 8N1 from 48 MHz as Tock programs the Hail console: OVER=1, CD=52, FP=1, so one bit
// is 417 cycles and one frame 4170 cycles = 86.875 us.
constexpr std::uint32_t kMr8N1 = 0x0008'08C0;
constexpr std::uint32_t kBrgr115200 = 0x0001'0034;
constexpr Picos kFrame8N1 = 86'875'000;
constexpr Picos kBit8N1 = 8'687'500;

class UsartTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Lines lines;
    EventHub hub;
    MachineContext ctx{clock, bus, lines, hub};
    Usart usart{ctx, 0, [] { return std::uint64_t{48'000'000}; }, &lines};
    std::string sent;

    void SetUp() override {
        usart.set_sink([this](std::uint8_t b) { sent.push_back(static_cast<char>(b)); });
    }
    // Fires every event up to `t` at its own time, then stops at `t`.
    void run_to(Picos t) { clock.run_until(t); }
    void run_for(Picos dt) { run_to(clock.now() + dt); }
    std::uint32_t csr() { return usart.read(Usart::CSR, 4); }
    void console_setup() {
        usart.write(Usart::MR, kMr8N1, 4);
        usart.write(Usart::BRGR, kBrgr115200, 4);
    }
};

TEST_F(UsartTest, ResetValuesMatchTheDatasheetTable) {
    EXPECT_EQ(usart.read(Usart::VERSION, 4), 0x602u);
    EXPECT_EQ(usart.read(0x50, 4), 0x3001'1004u);  // MAN
    EXPECT_EQ(usart.read(0x40, 4), 0x174u);        // FIDI
    EXPECT_EQ(csr(), 0u);
    EXPECT_EQ(usart.read(Usart::IMR, 4), 0u);
    EXPECT_FALSE(usart.irq_level());
}

TEST_F(UsartTest, TransmitterEnableSetsTxrdyAndTxempty) {
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    EXPECT_EQ(csr() & (Usart::CSR_TXRDY | Usart::CSR_TXEMPTY),
              Usart::CSR_TXRDY | Usart::CSR_TXEMPTY);
    usart.write(Usart::CR, Usart::CR_TXDIS, 4);
    EXPECT_EQ(csr() & (Usart::CSR_TXRDY | Usart::CSR_TXEMPTY), 0u);
}

TEST_F(UsartTest, FrameTimeFollowsBrgrAndMr) {
    console_setup();
    EXPECT_EQ(usart.bit_time(), kBit8N1);
    EXPECT_EQ(usart.frame_time(), kFrame8N1);
    // Tock's nRF51 link on USART3: 250 000 Bd 8E1 (MR 0x000800C2, BRGR 0x18): 4 us bits, 11 bits.
    usart.write(Usart::MR, 0x0008'00C2, 4);
    usart.write(Usart::BRGR, 0x18, 4);
    EXPECT_EQ(usart.bit_time(), picos_from_us(4));
    EXPECT_EQ(usart.frame_time(), picos_from_us(44));
    // 16x oversampling doubles the bit; two stop bits add one.
    usart.write(Usart::MR, 0x0000'28C0, 4);  // OVER=0, NBSTOP=2, no parity
    EXPECT_EQ(usart.frame_time(), 11 * picos_from_us(8));
}

TEST_F(UsartTest, ByteReachesTheSinkExactlyOneFrameAfterThrWrite) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    const Picos start = clock.now();
    usart.write(Usart::THR, 'A', 4);
    // THR moved to the shifter at once: room for the next character, but not empty.
    EXPECT_EQ(csr() & (Usart::CSR_TXRDY | Usart::CSR_TXEMPTY), Usart::CSR_TXRDY);
    run_to(start + kFrame8N1 - 1);
    EXPECT_EQ(sent, "");
    run_to(start + kFrame8N1);
    EXPECT_EQ(sent, "A");
    EXPECT_TRUE(csr() & Usart::CSR_TXEMPTY);
}

TEST_F(UsartTest, SecondByteWaitsInThrWithTxrdyLow) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    const Picos start = clock.now();
    usart.write(Usart::THR, 'h', 4);
    usart.write(Usart::THR, 'i', 4);
    EXPECT_FALSE(csr() & Usart::CSR_TXRDY);
    run_to(start + kFrame8N1);
    EXPECT_EQ(sent, "h");
    EXPECT_TRUE(csr() & Usart::CSR_TXRDY);
    EXPECT_FALSE(csr() & Usart::CSR_TXEMPTY);
    run_to(start + 2 * kFrame8N1);
    EXPECT_EQ(sent, "hi");
    EXPECT_TRUE(csr() & Usart::CSR_TXEMPTY);
}

TEST_F(UsartTest, TransmittedBytesArePublishedAsUartTxEvents) {
    std::vector<std::pair<unsigned, std::uint8_t>> seen;
    hub.subscribe([&](const Event& e) {
        if (auto* u = std::get_if<UartTxEvent>(&e.payload)) seen.emplace_back(u->usart, u->byte);
    });
    console_setup();
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 0x5A, 4);
    run_for(kFrame8N1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], std::make_pair(0u, std::uint8_t{0x5A}));
}

TEST_F(UsartTest, TxemptyInterruptFollowsMaskAndStatus) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 'x', 4);
    usart.write(Usart::IER, Usart::CSR_TXEMPTY, 4);
    EXPECT_EQ(usart.read(Usart::IMR, 4), Usart::CSR_TXEMPTY);
    EXPECT_FALSE(lines.irq[65]);
    run_for(kFrame8N1);
    EXPECT_TRUE(lines.irq[65]);
    usart.write(Usart::IDR, Usart::CSR_TXEMPTY, 4);
    EXPECT_FALSE(lines.irq[65]);
}

TEST_F(UsartTest, WritesWithTheTransmitterDisabledAreDropped) {
    console_setup();
    usart.write(Usart::THR, 'z', 4);
    run_for(2 * kFrame8N1);
    EXPECT_EQ(sent, "");
}

TEST_F(UsartTest, BaudClockOffHoldsTheCharacterUntilBrgrIsWritten) {
    usart.write(Usart::MR, kMr8N1, 4);
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 'q', 4);
    run_for(picos_from_ms(1));
    EXPECT_EQ(sent, "");
    EXPECT_FALSE(csr() & Usart::CSR_TXRDY);
    usart.write(Usart::BRGR, kBrgr115200, 4);
    run_for(kFrame8N1);
    EXPECT_EQ(sent, "q");
}

TEST_F(UsartTest, InjectedBytesArriveOneFrameApartIntoRhr) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    const Picos start = clock.now();
    const std::uint8_t in[] = {'o', 'k'};
    usart.inject_rx(in);
    run_to(start + kFrame8N1 - 1);
    EXPECT_FALSE(csr() & Usart::CSR_RXRDY);
    run_to(start + kFrame8N1);
    EXPECT_TRUE(csr() & Usart::CSR_RXRDY);
    EXPECT_EQ(usart.peek(Usart::RHR, 4), 'o');
    EXPECT_TRUE(csr() & Usart::CSR_RXRDY) << "a debugger peek must not consume the character";
    EXPECT_EQ(usart.read(Usart::RHR, 4), 'o');
    EXPECT_FALSE(csr() & Usart::CSR_RXRDY);
    run_to(start + 2 * kFrame8N1);
    EXPECT_EQ(usart.read(Usart::RHR, 4), 'k');
    EXPECT_EQ(csr() & Usart::CSR_OVRE, 0u);
}

TEST_F(UsartTest, UnreadCharacterIsOverwrittenAndSetsOvreUntilRststa) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    const std::uint8_t in[] = {1, 2};
    usart.inject_rx(in);
    run_for(2 * kFrame8N1);
    EXPECT_TRUE(csr() & Usart::CSR_OVRE);
    EXPECT_EQ(usart.read(Usart::RHR, 4), 2u);
    usart.write(Usart::CR, Usart::CR_RSTSTA, 4);
    EXPECT_EQ(csr() & Usart::CSR_OVRE, 0u);
}

TEST_F(UsartTest, BytesWaitOnTheHostSideWhileTheReceiverIsDisabled) {
    console_setup();
    const std::uint8_t in[] = {'w'};
    usart.inject_rx(in);
    run_for(picos_from_ms(5));
    EXPECT_EQ(usart.rx_queued(), 1u);
    EXPECT_FALSE(csr() & Usart::CSR_RXRDY);
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    run_for(kFrame8N1);
    EXPECT_EQ(usart.read(Usart::RHR, 4), 'w');
}

TEST_F(UsartTest, RxrdyInterruptAndDmaRequests) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN | Usart::CR_TXEN, 4);
    EXPECT_TRUE(lines.dma[18]) << "TX request = TXRDY";
    EXPECT_FALSE(lines.dma[0]);
    usart.write(Usart::IER, Usart::CSR_RXRDY, 4);
    const std::uint8_t in[] = {'r'};
    usart.inject_rx(in);
    run_for(kFrame8N1);
    EXPECT_TRUE(lines.dma[0]) << "RX request = RXRDY";
    EXPECT_TRUE(lines.irq[65]);
    usart.read(Usart::RHR, 4);
    EXPECT_FALSE(lines.dma[0]);
    EXPECT_FALSE(lines.irq[65]);
}

TEST_F(UsartTest, TimeoutFiresTheProgrammedBitTimesAfterTheLastCharacter) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.write(Usart::RTOR, 20, 4);
    usart.write(Usart::CR, Usart::CR_STTTO, 4);
    usart.write(Usart::IER, Usart::CSR_TIMEOUT, 4);
    run_for(picos_from_ms(2));
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT) << "STTTO waits for a character";
    const Picos start = clock.now();
    const std::uint8_t in[] = {'a', 'b'};
    usart.inject_rx(in);
    const Picos last = start + 2 * kFrame8N1;
    run_to(last + 20 * kBit8N1 - 1);
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT);
    run_to(last + 20 * kBit8N1);
    EXPECT_TRUE(csr() & Usart::CSR_TIMEOUT);
    EXPECT_TRUE(lines.irq[65]);
    usart.write(Usart::CR, Usart::CR_STTTO, 4);
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT);
}

TEST_F(UsartTest, LocalLoopbackSendsTransmittedCharactersToTheReceiver) {
    usart.write(Usart::MR, kMr8N1 | (2u << 14), 4);
    usart.write(Usart::BRGR, kBrgr115200, 4);
    usart.write(Usart::CR, Usart::CR_RXEN | Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 0x33, 4);
    run_for(kFrame8N1);
    EXPECT_EQ(sent, "");
    EXPECT_EQ(usart.read(Usart::RHR, 4), 0x33u);
}

TEST_F(UsartTest, ResetTransmitterCutsTheCharacterOnTheLine) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 'c', 4);
    usart.write(Usart::CR, Usart::CR_RSTTX, 4);
    run_for(2 * kFrame8N1);
    EXPECT_EQ(sent, "");
    EXPECT_EQ(csr() & Usart::CSR_TXRDY, 0u);
}

TEST_F(UsartTest, HardwareHandshakingModeTransmitsWithCtsAlwaysAsserted) {
    // Tock's USART3 set-up for the nRF51: 250 000 Bd 8E1 with RTS/CTS (MODE = 2).
    usart.write(Usart::MR, 0x0008'00C2, 4);
    usart.write(Usart::BRGR, 0x18, 4);
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 'n', 4);
    run_for(picos_from_us(44));
    EXPECT_EQ(sent, "n");
}

TEST_F(UsartTest, CharacterLengthMasksTheData) {
    usart.write(Usart::MR, (1u << 6) | (4u << 9), 4);  // CHRL = 6 bits, no parity
    usart.write(Usart::BRGR, kBrgr115200, 4);
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 0xFF, 4);
    run_for(picos_from_ms(1));
    EXPECT_EQ(sent, std::string(1, '\x3F'));
}

TEST_F(UsartTest, RettoRestartsTheTimeoutImmediately) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.write(Usart::RTOR, 8, 4);
    const Picos start = clock.now();
    usart.write(Usart::CR, Usart::CR_RETTO, 4);
    run_to(start + 8 * kBit8N1 - 1);
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT);
    run_to(start + 8 * kBit8N1);
    EXPECT_TRUE(csr() & Usart::CSR_TIMEOUT);
    usart.write(Usart::RTOR, 0, 4);
    usart.write(Usart::CR, Usart::CR_STTTO, 4);
    const std::uint8_t in[] = {'t'};
    usart.inject_rx(in);
    run_for(picos_from_ms(2));
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT) << "RTOR = 0 disables the time-out";
}

TEST_F(UsartTest, ByteTimeTracksThePbaClock) {
    std::uint64_t hz = 48'000'000;
    Usart u1{ctx, 1, [&hz] { return hz; }, nullptr};
    u1.write(Usart::MR, kMr8N1, 4);
    u1.write(Usart::BRGR, kBrgr115200, 4);
    EXPECT_EQ(u1.frame_time(), kFrame8N1);
    hz = 24'000'000;
    EXPECT_EQ(u1.frame_time(), 2 * kFrame8N1);
}

}  // namespace
}  // namespace tockemu::sam4l

namespace tockemu::sam4l {
namespace {

// PM clock masking (datasheet §10.5.5): with CLK_USART stopped the character on the line stands
// still and finishes, when the clock returns, exactly the time it still needed.
TEST_F(UsartTest, MaskedClockFreezesTheShifterAndUnmaskingResumesIt) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    const Picos start = clock.now();
    usart.write(Usart::THR, 'Z', 4);
    clock.run_until(start + picos_from_us(50));
    usart.set_clock_running(false);
    clock.run_until(start + picos_from_ms(5));
    EXPECT_EQ(sent, "");
    usart.set_clock_running(true);
    const Picos resumed = clock.now();
    clock.run_until(resumed + kFrame8N1 - picos_from_us(50) - 1);
    EXPECT_EQ(sent, "");
    clock.run_until(resumed + kFrame8N1 - picos_from_us(50));
    EXPECT_EQ(sent, "Z");
}

TEST_F(UsartTest, InjectedBytesWaitWhileTheClockIsMasked) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.set_clock_running(false);
    const std::uint8_t bytes[] = {'k'};
    usart.inject_rx(bytes);
    clock.run_until(picos_from_ms(2));
    EXPECT_FALSE(usart.peek(Usart::CSR, 4) & Usart::CSR_RXRDY);
    usart.set_clock_running(true);
    clock.run_until(picos_from_ms(2) + kFrame8N1);
    EXPECT_TRUE(usart.peek(Usart::CSR, 4) & Usart::CSR_RXRDY);
    EXPECT_EQ(usart.read(Usart::RHR, 4), static_cast<std::uint32_t>('k'));
}

}  // namespace
}  // namespace tockemu::sam4l

namespace tockemu::sam4l {
namespace {

// Receive errors injected from the host side (HailBoard::inject_uart_rx_error).
constexpr std::uint32_t kMr8E1 = 0x0008'00C0;  // PAR = even: 11-bit frames
constexpr Picos kFrame8E1 = 11 * kBit8N1;

TEST_F(UsartTest, ParityErrorRaisesPareWithRxrdyAtTheFrameEndUntilRststa) {
    usart.write(Usart::MR, kMr8E1, 4);
    usart.write(Usart::BRGR, kBrgr115200, 4);
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.write(Usart::IER, Usart::CSR_PARE, 4);
    const Picos start = clock.now();
    usart.inject_rx_error(Usart::RxError::Parity, 'p');
    clock.run_until(start + kFrame8E1 - 1);
    EXPECT_EQ(usart.peek(Usart::CSR, 4) & (Usart::CSR_PARE | Usart::CSR_RXRDY), 0u);
    EXPECT_FALSE(lines.irq[65]);
    clock.run_until(start + kFrame8E1);
    EXPECT_EQ(usart.peek(Usart::CSR, 4) & (Usart::CSR_PARE | Usart::CSR_RXRDY),
              Usart::CSR_PARE | Usart::CSR_RXRDY);
    EXPECT_TRUE(lines.irq[65]);
    EXPECT_EQ(usart.read(Usart::RHR, 4), static_cast<std::uint32_t>('p'));
    EXPECT_TRUE(csr() & Usart::CSR_PARE) << "reading RHR clears RXRDY only";
    usart.write(Usart::CR, Usart::CR_RSTSTA, 4);
    EXPECT_FALSE(csr() & Usart::CSR_PARE);
    EXPECT_FALSE(lines.irq[65]);
}

TEST_F(UsartTest, ParityErrorWithoutAParityBitArrivesAsAValidCharacter) {
    console_setup();  // 8N1
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.inject_rx_error(Usart::RxError::Parity, 'q');
    clock.run_until(kFrame8N1);
    EXPECT_EQ(csr() & (Usart::CSR_PARE | Usart::CSR_RXRDY), Usart::CSR_RXRDY);
}

TEST_F(UsartTest, FramingErrorAndOverrunSetTheirFlagsAndTheirInterrupts) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.write(Usart::IER, Usart::CSR_FRAME | Usart::CSR_OVRE, 4);
    usart.inject_rx_error(Usart::RxError::Framing, 'f');
    usart.inject_rx_error(Usart::RxError::Overrun, 'o');
    clock.run_until(kFrame8N1);
    EXPECT_EQ(csr() & (Usart::CSR_FRAME | Usart::CSR_OVRE), Usart::CSR_FRAME);
    EXPECT_TRUE(lines.irq[65]);
    EXPECT_EQ(usart.read(Usart::RHR, 4), static_cast<std::uint32_t>('f'));
    usart.write(Usart::CR, Usart::CR_RSTSTA, 4);
    EXPECT_FALSE(lines.irq[65]);
    clock.run_until(2 * kFrame8N1);
    EXPECT_EQ(csr() & (Usart::CSR_FRAME | Usart::CSR_OVRE | Usart::CSR_RXRDY),
              Usart::CSR_OVRE | Usart::CSR_RXRDY);
    EXPECT_EQ(usart.read(Usart::RHR, 4), static_cast<std::uint32_t>('o'));
    usart.write(Usart::CR, Usart::CR_RSTSTA, 4);
    EXPECT_EQ(csr(), 0u);
}

TEST_F(UsartTest, BreakSetsRxbrkAtTheLowStopBitAndAgainAtItsEnd) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.write(Usart::IER, Usart::CSR_RXBRK, 4);
    usart.inject_rx_error(Usart::RxError::Break);
    const std::uint8_t after[] = {'x'};
    usart.inject_rx(after);
    clock.run_until(kFrame8N1 - 1);
    EXPECT_FALSE(csr() & Usart::CSR_RXBRK);
    clock.run_until(kFrame8N1);
    EXPECT_EQ(csr() & (Usart::CSR_RXBRK | Usart::CSR_RXRDY | Usart::CSR_FRAME), Usart::CSR_RXBRK);
    EXPECT_TRUE(lines.irq[65]);
    usart.write(Usart::CR, Usart::CR_RSTSTA, 4);
    EXPECT_FALSE(lines.irq[65]);
    // RXD high for 2/16 of a bit: 8 687 500 ps / 8, in whole picoseconds.
    const Picos end = kFrame8N1 + kBit8N1 / 8;
    clock.run_until(end - 1);
    EXPECT_FALSE(csr() & Usart::CSR_RXBRK);
    clock.run_until(end);
    EXPECT_TRUE(csr() & Usart::CSR_RXBRK);
    // The next character starts after the break.
    clock.run_until(end + kFrame8N1);
    EXPECT_EQ(usart.read(Usart::RHR, 4), static_cast<std::uint32_t>('x'));
}

TEST_F(UsartTest, StttoStopsTheTimeoutUntilTheNextCharacterAndRettoRestartsIt) {
    console_setup();
    usart.write(Usart::CR, Usart::CR_RXEN, 4);
    usart.write(Usart::RTOR, 10, 4);
    const std::uint8_t one[] = {'1'};
    usart.inject_rx(one);
    clock.run_until(kFrame8N1 + 10 * kBit8N1);
    EXPECT_TRUE(csr() & Usart::CSR_TIMEOUT);
    usart.write(Usart::CR, Usart::CR_RETTO, 4);  // clears TIMEOUT, counts again at once
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT);
    const Picos retto = clock.now();
    usart.write(Usart::CR, Usart::CR_STTTO, 4);  // ... and STTTO stops it
    clock.run_until(retto + 20 * kBit8N1);
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT);
    const Picos t = clock.now();
    usart.inject_rx(one);
    clock.run_until(t + kFrame8N1 + 10 * kBit8N1 - 1);
    EXPECT_FALSE(csr() & Usart::CSR_TIMEOUT);
    clock.run_until(t + kFrame8N1 + 10 * kBit8N1);
    EXPECT_TRUE(csr() & Usart::CSR_TIMEOUT);
}

// TXEMPTY rises at the end of the last stop bit: with a character waiting in THR behind one on
// the line it comes two frames after the writes, one frame after TXRDY.
TEST_F(UsartTest, TxemptyRisesAfterTheLastStopBitOfTheLastCharacter) {
    usart.write(Usart::MR, 0x0008'20C0, 4);  // 8E2: 12-bit frames
    usart.write(Usart::BRGR, kBrgr115200, 4);
    usart.write(Usart::CR, Usart::CR_TXEN, 4);
    usart.write(Usart::THR, 'a', 4);
    usart.write(Usart::THR, 'b', 4);
    const Picos frame = 12 * kBit8N1;
    clock.run_until(frame);
    EXPECT_EQ(csr() & (Usart::CSR_TXRDY | Usart::CSR_TXEMPTY), Usart::CSR_TXRDY);
    clock.run_until(2 * frame - 1);
    EXPECT_FALSE(csr() & Usart::CSR_TXEMPTY);
    clock.run_until(2 * frame);
    EXPECT_TRUE(csr() & Usart::CSR_TXEMPTY);
    EXPECT_EQ(sent, "ab");
}

}  // namespace
}  // namespace tockemu::sam4l
