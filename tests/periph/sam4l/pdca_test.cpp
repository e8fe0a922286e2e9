// PDCA model: counter/reload semantics, flags and channel IRQs, and real transfers between SRAM
// and the USART/SPI models through the bus, including transfer errors on bad addresses.
#include "emu/periph/sam4l/pdca.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "emu/periph/sam4l/spi.hpp"
#include "emu/periph/sam4l/usart.hpp"

namespace tockemu::sam4l {
namespace {

struct Irqs : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned n, bool l) override { level[n] = l; }
};

constexpr std::uint32_t kSram = 0x2000'0000;
constexpr Picos kFrame8N1 = 86'875'000;  // 115 200 Bd 8N1 at 48 MHz (see usart_test.cpp)

class PdcaTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Irqs irqs;
    EventHub hub;
    MachineContext ctx{clock, bus, irqs, hub};
    Pdca pdca{ctx};
    Usart usart0{ctx, 0, [] { return std::uint64_t{48'000'000}; }, &pdca};
    Spi spi{ctx, [] { return std::uint64_t{48'000'000}; }, &pdca};
    std::string sent;

    void SetUp() override {
        bus.add_memory("sram", kSram, 0x10000);
        bus.map_device(Pdca::kBase, Pdca::kSize, pdca);
        bus.map_device(Usart::kBase[0], Usart::kSize, usart0);
        bus.map_device(Spi::kBase, Spi::kSize, spi);
        usart0.set_sink([this](std::uint8_t b) { sent.push_back(static_cast<char>(b)); });
    }
    void run_to(Picos t) {
        while (auto d = clock.next_deadline()) {
            if (*d > t) break;
            clock.advance_to(*d);
            clock.run_due();
        }
        clock.advance_to(t);
    }
    void run_for(Picos dt) { run_to(clock.now() + dt); }
    // Guest-style register access through the bus.
    void w(unsigned ch, std::uint32_t reg, std::uint32_t v) {
        ASSERT_TRUE(bus.write(Pdca::kBase + Pdca::channel_offset(ch, reg), v, 4, Initiator::Cpu));
    }
    std::uint32_t r(unsigned ch, std::uint32_t reg) {
        return bus.read(Pdca::kBase + Pdca::channel_offset(ch, reg), 4, Initiator::Cpu).value;
    }
    void put(std::uint32_t addr, std::string_view s) {
        for (char c : s) bus.write(addr++, static_cast<std::uint8_t>(c), 1, Initiator::Debugger);
    }
    std::string get(std::uint32_t addr, std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i)
            s.push_back(static_cast<char>(bus.read(addr + i, 1, Initiator::Debugger).value));
        return s;
    }
    // Tock's do_transfer(): MR, PSR (byte store), MARR, TCRR, IER TRC, CR TEN.
    void start(unsigned ch, unsigned pid, std::uint32_t addr, std::uint32_t len) {
        w(ch, Pdca::MR, 0);
        ASSERT_TRUE(
            bus.write(Pdca::kBase + Pdca::channel_offset(ch, Pdca::PSR), pid, 1, Initiator::Cpu));
        w(ch, Pdca::MARR, addr);
        w(ch, Pdca::TCRR, len);
        w(ch, Pdca::IER, Pdca::ISR_TRC);
        w(ch, Pdca::CR, Pdca::CR_TEN);
    }
    void console_on() {
        usart0.write(Usart::MR, 0x0008'08C0, 4);
        usart0.write(Usart::BRGR, 0x0001'0034, 4);
        usart0.write(Usart::CR, Usart::CR_TXEN | Usart::CR_RXEN, 4);
    }
};

TEST_F(PdcaTest, ResetValues) {
    EXPECT_EQ(bus.read(Pdca::kBase + Pdca::VERSION, 4, Initiator::Cpu).value, 0x124u);
    for (unsigned ch : {0u, 15u}) {
        EXPECT_EQ(r(ch, Pdca::ISR), Pdca::ISR_RCZ | Pdca::ISR_TRC) << "both counters are 0";
        EXPECT_EQ(r(ch, Pdca::SR), 0u);
        EXPECT_EQ(r(ch, Pdca::IMR), 0u);
    }
}

TEST_F(PdcaTest, TcrrWrittenWhileTcrIsZeroReloadsAtOnce) {
    w(3, Pdca::MARR, kSram + 0x40);
    w(3, Pdca::TCRR, 5);
    EXPECT_EQ(r(3, Pdca::MAR), kSram + 0x40);
    EXPECT_EQ(r(3, Pdca::TCR), 5u);
    EXPECT_EQ(r(3, Pdca::TCRR), 0u);
    EXPECT_EQ(r(3, Pdca::ISR), Pdca::ISR_RCZ) << "TRC clears when TCR becomes non-zero";
    w(3, Pdca::MARR, kSram + 0x80);
    w(3, Pdca::TCRR, 2);
    EXPECT_EQ(r(3, Pdca::TCR), 5u) << "no reload while TCR is non-zero";
    EXPECT_EQ(r(3, Pdca::ISR), 0u);
}

TEST_F(PdcaTest, PsrTakesByteStores) {
    ASSERT_TRUE(bus.write(Pdca::kBase + Pdca::channel_offset(1, Pdca::PSR), 18, 1, Initiator::Cpu));
    EXPECT_EQ(bus.read(Pdca::kBase + Pdca::channel_offset(1, Pdca::PSR), 1, Initiator::Cpu).value,
              18u);
}

TEST_F(PdcaTest, UsartTransmitByDmaRaisesTrcThenTheUsartDrainsTheLastBytes) {
    console_on();
    put(kSram + 0x100, "Hello");
    start(1, 18, kSram + 0x100, 5);
    // The shifter and THR take the first two bytes almost at once; each further byte needs the
    // line to free a slot, so the fifth is fetched when the third character leaves the shifter.
    run_for(3 * kFrame8N1 - picos_from_ns(100));
    EXPECT_FALSE(irqs.level[2]);
    run_for(picos_from_us(1));
    EXPECT_EQ(sent, "Hel");
    EXPECT_TRUE(irqs.level[2]) << "channel 1 TRC on NVIC line 2";
    EXPECT_EQ(r(1, Pdca::ISR) & Pdca::ISR_TRC, Pdca::ISR_TRC);
    EXPECT_EQ(r(1, Pdca::MAR), kSram + 0x105);
    run_for(2 * kFrame8N1);
    EXPECT_EQ(sent, "Hello");
    w(1, Pdca::IDR, 7);
    EXPECT_FALSE(irqs.level[2]);
}

TEST_F(PdcaTest, UsartReceiveByDmaFillsMemoryAndRaisesTrc) {
    console_on();
    start(0, 0, kSram + 0x200, 3);
    const std::uint8_t in[] = {'a', 'b', 'c', 'd'};
    usart0.inject_rx(in);
    run_for(3 * kFrame8N1 + picos_from_us(1));
    EXPECT_EQ(get(kSram + 0x200, 4), std::string("abc\0", 4));
    EXPECT_TRUE(irqs.level[1]);
    run_for(kFrame8N1);
    EXPECT_EQ(get(kSram + 0x203, 1), std::string(1, '\0')) << "the channel stopped at TCR = 0";
    EXPECT_EQ(usart0.read(Usart::RHR, 4), 'd');
}

TEST_F(PdcaTest, ReloadContinuesIntoTheSecondBufferAndRczSignalsIt) {
    console_on();
    start(0, 0, kSram + 0x300, 2);
    w(0, Pdca::MARR, kSram + 0x400);
    w(0, Pdca::TCRR, 2);
    w(0, Pdca::IER, Pdca::ISR_RCZ);
    EXPECT_FALSE(irqs.level[1]);
    const std::uint8_t in[] = {'1', '2', '3', '4'};
    usart0.inject_rx(in);
    run_for(2 * kFrame8N1 + picos_from_us(1));
    EXPECT_EQ(r(0, Pdca::MAR), kSram + 0x400) << "reloaded from MARR";
    EXPECT_TRUE(irqs.level[1]) << "RCZ: the reload value was consumed";
    run_for(2 * kFrame8N1);
    EXPECT_EQ(get(kSram + 0x300, 2), "12");
    EXPECT_EQ(get(kSram + 0x400, 2), "34");
    EXPECT_EQ(r(0, Pdca::ISR) & Pdca::ISR_TRC, Pdca::ISR_TRC);
}

TEST_F(PdcaTest, UnmappedMemoryAddressIsATransferErrorThatStopsTheChannel) {
    console_on();
    start(1, 18, 0x3000'0000, 4);  // nothing is mapped there
    w(1, Pdca::IER, Pdca::ISR_TERR);
    run_for(picos_from_us(10));
    EXPECT_EQ(r(1, Pdca::ISR) & Pdca::ISR_TERR, Pdca::ISR_TERR);
    EXPECT_EQ(r(1, Pdca::SR), 0u) << "the channel is stopped";
    EXPECT_EQ(r(1, Pdca::TCR), 4u);
    EXPECT_EQ(r(1, Pdca::MAR), 0x3000'0000u);
    EXPECT_TRUE(irqs.level[2]);
    run_for(kFrame8N1);
    EXPECT_EQ(sent, "");
    // The guest fixes the address, clears the error and restarts.
    put(kSram, "ok");
    w(1, Pdca::MAR, kSram);
    w(1, Pdca::TCR, 2);
    w(1, Pdca::CR, Pdca::CR_ECLR | Pdca::CR_TEN);
    EXPECT_EQ(r(1, Pdca::ISR) & Pdca::ISR_TERR, 0u);
    run_for(3 * kFrame8N1);
    EXPECT_EQ(sent, "ok");
}

TEST_F(PdcaTest, WordBeatStraddlingTheEndOfSramIsRefused) {
    console_on();
    usart0.write(Usart::MR, 0x0008'08C0, 4);
    start(0, 0, kSram + 0xFFFE, 1);
    w(0, Pdca::MR, 2);  // word beats
    const std::uint8_t in[] = {'x'};
    usart0.inject_rx(in);
    run_for(kFrame8N1 + picos_from_us(1));
    EXPECT_EQ(r(0, Pdca::ISR) & Pdca::ISR_TERR, Pdca::ISR_TERR);
    EXPECT_EQ(get(kSram + 0xFFFE, 2), std::string(2, '\0'));
}

TEST_F(PdcaTest, SpiLoopbackByDmaOnBothDirections) {
    spi.attach(0, std::make_unique<SpiLoopbackDevice>());
    spi.write(Spi::MR, Spi::MR_MSTR | Spi::MR_MODFDIS | (0xEu << 16), 4);
    spi.write(Spi::CSR0, 6u << 8, 4);  // 8 MHz
    spi.write(Spi::CR, Spi::CR_SPIEN, 4);
    put(kSram + 0x500, "SPI-DMA!");
    start(8, 4, kSram + 0x600, 8);   // RX first, as Tock does
    start(9, 22, kSram + 0x500, 8);  // TX
    run_for(picos_from_us(20));
    EXPECT_EQ(get(kSram + 0x600, 8), "SPI-DMA!");
    EXPECT_TRUE(irqs.level[9]);
    EXPECT_TRUE(irqs.level[10]);
    EXPECT_TRUE(spi.peek(Spi::SR, 4) & Spi::SR_TXEMPTY);
    EXPECT_FALSE(spi.peek(Spi::SR, 4) & Spi::SR_OVRES);
}

TEST_F(PdcaTest, RingModeKeepsTheReloadValues) {
    console_on();
    w(0, Pdca::MR, Pdca::MR_RING);
    ASSERT_TRUE(bus.write(Pdca::kBase + Pdca::channel_offset(0, Pdca::PSR), 0, 1, Initiator::Cpu));
    w(0, Pdca::MARR, kSram + 0x700);
    w(0, Pdca::TCRR, 2);
    EXPECT_EQ(r(0, Pdca::TCRR), 2u) << "RING: TCRR is not cleared by the reload";
    w(0, Pdca::CR, Pdca::CR_TEN);
    const std::uint8_t in[] = {'a', 'b', 'c', 'd', 'e'};
    usart0.inject_rx(in);
    run_for(5 * kFrame8N1 + picos_from_us(1));
    EXPECT_EQ(get(kSram + 0x700, 2), "ed") << "the buffer is reused: ab, then cd, then e";
    EXPECT_EQ(r(0, Pdca::ISR) & (Pdca::ISR_RCZ | Pdca::ISR_TRC), 0u);
}

TEST_F(PdcaTest, AbortLikeTockLeavesTheRemainingCountReadable) {
    console_on();
    put(kSram, "abcdefgh");
    start(1, 18, kSram, 8);
    run_for(2 * kFrame8N1 + picos_from_us(1));
    // Tock's abort: IDR, TDIS, read TCR + TCRR, then zero both.
    w(1, Pdca::IDR, 7);
    w(1, Pdca::CR, Pdca::CR_TDIS);
    const std::uint32_t remaining = r(1, Pdca::TCR) + r(1, Pdca::TCRR);
    EXPECT_EQ(remaining, 4u) << "two sent, one in the shifter, one in THR";
    w(1, Pdca::TCRR, 0);
    w(1, Pdca::TCR, 0);
    EXPECT_EQ(r(1, Pdca::ISR), Pdca::ISR_RCZ | Pdca::ISR_TRC);
    run_for(4 * kFrame8N1);
    EXPECT_EQ(sent, "abcd");
}

// Stands in for TWIM1's data registers (RHR +0x14, THR +0x18): Tock's i2c.rs moves every sensor
// byte of the Hail with the PDCA (PID 6 = TWIM1 RX, PID 24 = TWIM1 TX).
struct TwimDataRegisters : Device {
    std::string rx = "\x12\x34", tx;
    std::size_t next = 0;
    std::string_view name() const override { return "twim1-data"; }
    std::uint32_t read(std::uint32_t offset, unsigned) override {
        return offset == 0x14 && next < rx.size() ? static_cast<std::uint8_t>(rx[next++]) : 0;
    }
    void write(std::uint32_t offset, std::uint32_t value, unsigned) override {
        if (offset == 0x18) tx.push_back(static_cast<char>(value));
    }
};

TEST_F(PdcaTest, TwimPidsMoveBytesThroughTheTwimDataRegisters) {
    TwimDataRegisters twim1;
    bus.map_device(0x4001'C000, 0x400, twim1);
    put(kSram + 0x100, "ab");
    start(2, 24, kSram + 0x100, 2);  // TWIM1 TX
    start(3, 6, kSram + 0x200, 2);   // TWIM1 RX
    pdca.set_dma_request(24, true);
    pdca.set_dma_request(6, true);
    run_for(picos_from_us(1));
    EXPECT_EQ(twim1.tx, "ab");
    EXPECT_EQ(get(kSram + 0x200, 2), "\x12\x34");
    EXPECT_EQ(r(2, Pdca::ISR) & Pdca::ISR_TRC, Pdca::ISR_TRC);
    EXPECT_EQ(r(3, Pdca::ISR) & Pdca::ISR_TRC, Pdca::ISR_TRC);
}

TEST_F(PdcaTest, GlobalRegistersReadBack) {
    ASSERT_TRUE(bus.write(Pdca::kBase + Pdca::PCONTROL, 0x0102'0003, 4, Initiator::Cpu));
    EXPECT_EQ(bus.read(Pdca::kBase + Pdca::PCONTROL, 4, Initiator::Cpu).value, 0x0102'0003u);
    EXPECT_EQ(bus.read(Pdca::kBase + 0x804, 4, Initiator::Cpu).value, 0u) << "PRDATA0";
}

TEST_F(PdcaTest, DisabledChannelDoesNotMove) {
    console_on();
    put(kSram, "zz");
    start(1, 18, kSram, 2);
    w(1, Pdca::CR, Pdca::CR_TDIS);
    run_for(3 * kFrame8N1);
    EXPECT_EQ(sent, "");
    EXPECT_EQ(r(1, Pdca::TCR), 2u);
}

}  // namespace
}  // namespace tockemu::sam4l
