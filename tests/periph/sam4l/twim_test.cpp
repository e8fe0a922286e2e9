// TWIM (I2C master) model: commands, byte timing from CWGR, NAK paths, STOP/SWRST, interrupt and
// PDCA request lines, and a whole write-then-read moved by the PDCA the way Tock's i2c.rs does it.
#include "emu/periph/sam4l/twim.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "emu/periph/sam4l/pdca.hpp"

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink, DmaRequestSink {
    std::map<unsigned, bool> irq, dma;
    DmaRequestSink* forward = nullptr;
    void set_irq_level(unsigned n, bool level) override { irq[n] = level; }
    void set_dma_request(unsigned pid, bool level) override {
        dma[pid] = level;
        if (forward) forward->set_dma_request(pid, level);
    }
};

// Records the bus protocol it sees (with the time) and answers from a script.
struct Probe : I2cDevice {
    std::vector<std::string>* log;
    const Clock* clock;
    bool ack_address = true;
    int refuse_after = -1;  // NAK the data byte with this index
    std::vector<std::uint8_t> answers = {0x11, 0x22, 0x33};
    std::size_t next = 0, written = 0;
    Probe(std::vector<std::string>* l, const Clock* c) : log(l), clock(c) {}
    std::string_view name() const override { return "probe"; }
    std::string at() const { return fmt::format("@{}", clock->now() / 100'000); }  // 0.1 us
    bool start(std::uint8_t address, bool read) override {
        log->push_back(fmt::format("start {:#x} {} {}", address, read ? "r" : "w", at()));
        return ack_address;
    }
    bool write_byte(std::uint8_t b) override {
        log->push_back(fmt::format("w {:#x} {}", b, at()));
        return refuse_after != static_cast<int>(written++);
    }
    std::uint8_t read_byte(bool ack) override {
        log->push_back(fmt::format("r{} {}", ack ? "" : " nak", at()));
        return answers[next++ % answers.size()];
    }
    void stop() override { log->push_back("stop " + at()); }
};

// Tock's set_bus_speed at 48 MHz for 400 kHz: f_prescaled = 60, EXP 0, LOW 30, HIGH 30,
// STASTO 60. A prescaled cycle is 2 PBA cycles: a bit is 2.5 us, a START/STOP 2.5 us.
constexpr std::uint32_t kCwgr400k = (60u << 16) | (30u << 8) | 30u;
constexpr Picos kBit = picos_from_ns(2500);
constexpr std::uint8_t kAddr = 0x40;

class TwimTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Lines lines;
    EventHub hub;
    MachineContext ctx{clock, bus, lines, hub};
    Twim twim{ctx, 1, [] { return std::uint64_t{48'000'000}; }, &lines};
    std::vector<std::string> log;
    Probe* probe = nullptr;

    void SetUp() override {
        auto p = std::make_unique<Probe>(&log, &clock);
        probe = p.get();
        twim.attach(kAddr, std::move(p));
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
    std::uint32_t sr() { return twim.peek(Twim::SR, 4); }
    void w(std::uint32_t off, std::uint32_t v) { twim.write(off, v, 4); }
    void enable() {
        w(Twim::CR, Twim::CR_MEN);
        w(Twim::CR, Twim::CR_SWRST);
        w(Twim::CR, Twim::CR_MDIS);
        w(Twim::CWGR, kCwgr400k);
        w(Twim::SCR, ~0u);
    }
};

TEST_F(TwimTest, ResetValuesMatchTheDatasheetTable) {
    EXPECT_EQ(twim.read(Twim::SR, 4), 0x2u) << "TXRDY only, master disabled";
    EXPECT_EQ(twim.read(Twim::CMDR, 4), 0u);
    EXPECT_EQ(twim.read(Twim::IMR, 4), 0u);
    w(Twim::CR, Twim::CR_MEN);
    EXPECT_EQ(sr(),
              Twim::SR_MENB | Twim::SR_BUSFREE | Twim::SR_IDLE | Twim::SR_CRDY | Twim::SR_TXRDY);
}

TEST_F(TwimTest, WriteTakesStartAddressNineBitsPerByteAndStop) {
    enable();
    w(Twim::THR, 0xAA);
    w(Twim::CMDR, Twim::command(kAddr, false, 2, true, true));
    w(Twim::CR, Twim::CR_MEN);
    EXPECT_FALSE(sr() & Twim::SR_IDLE);
    // START (2.5 us) + address (22.5 us); THR went to the shifter at 25 us: TXRDY again.
    run_to(10 * kBit - 1);
    EXPECT_TRUE(log.empty());
    run_to(10 * kBit);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0], "start 0x40 w @250");
    EXPECT_TRUE(sr() & Twim::SR_TXRDY) << "the first byte is on the wire";
    w(Twim::THR, 0x55);
    run_to(28 * kBit);  // 10 + 2 x 9 bits: both data bytes
    run_to(29 * kBit - 1);
    EXPECT_FALSE(sr() & Twim::SR_CCOMP) << "STOP still being sent";
    run_to(29 * kBit);
    EXPECT_EQ(log, (std::vector<std::string>{"start 0x40 w @250", "w 0xaa @475", "w 0x55 @700",
                                             "stop @725"}));
    EXPECT_TRUE(sr() & Twim::SR_CCOMP);
    EXPECT_TRUE(sr() & Twim::SR_IDLE);
    EXPECT_TRUE(sr() & Twim::SR_BUSFREE);
    EXPECT_FALSE(twim.read(Twim::CMDR, 4) & Twim::CMDR_VALID) << "VALID clears on completion";
}

TEST_F(TwimTest, EmptyThrStretchesTheClockUntilWritten) {
    enable();
    w(Twim::CMDR, Twim::command(kAddr, false, 1, true, true));
    w(Twim::CR, Twim::CR_MEN);
    run_for(100 * kBit);
    EXPECT_EQ(log.size(), 1u) << "address sent, data phase waits for THR";
    EXPECT_TRUE(twim.bus_held());
    w(Twim::THR, 0x42);
    run_for(9 * kBit + kBit);
    EXPECT_EQ(log.back(), "stop @2750");
    EXPECT_TRUE(sr() & Twim::SR_CCOMP);
}

TEST_F(TwimTest, ReadNaksTheLastByteAndWaitsForRhrBetweenBytes) {
    enable();
    w(Twim::CMDR, Twim::command(kAddr, true, 2, true, true));
    w(Twim::CR, Twim::CR_MEN);
    EXPECT_FALSE(sr() & Twim::SR_TXRDY) << "current command is a read";
    run_to(19 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_RXRDY);
    EXPECT_TRUE(lines.dma[Twim::kPidRx0 + 1]) << "RX request = RXRDY (PID 6 for TWIM1)";
    run_to(40 * kBit);
    EXPECT_EQ(log.size(), 2u) << "second byte held back while RHR is full";
    EXPECT_EQ(twim.read(Twim::RHR, 4), 0x11u);
    EXPECT_FALSE(sr() & Twim::SR_RXRDY);
    run_for(10 * kBit);
    EXPECT_EQ(log, (std::vector<std::string>{"start 0x40 r @250", "r @475", "r nak @1225",
                                             "stop @1250"}));
    EXPECT_EQ(twim.read(Twim::RHR, 4), 0x22u);
    EXPECT_TRUE(sr() & Twim::SR_CCOMP);
}

TEST_F(TwimTest, AcklastAcknowledgesTheLastByte) {
    enable();
    w(Twim::CMDR, Twim::command(kAddr, true, 1, true, true) | Twim::CMDR_ACKLAST);
    w(Twim::CR, Twim::CR_MEN);
    run_for(30 * kBit);
    EXPECT_EQ(log[1], "r @475");
}

TEST_F(TwimTest, NoDeviceAtTheAddressSetsAnakSendsStopAndKeepsTheCommand) {
    enable();
    w(Twim::IER, Twim::SR_CCOMP | Twim::SR_ANAK | Twim::SR_DNAK);
    w(Twim::CMDR, Twim::command(0x23, false, 1, true, true));
    w(Twim::THR, 1);
    w(Twim::CR, Twim::CR_MEN);
    run_to(10 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_ANAK);
    EXPECT_TRUE(lines.irq[63]) << "TWIM1 is NVIC line 63";
    EXPECT_FALSE(sr() & Twim::SR_BUSFREE) << "STOP still being sent";
    run_to(11 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_BUSFREE);
    EXPECT_FALSE(sr() & Twim::SR_CCOMP);
    EXPECT_TRUE(twim.read(Twim::CMDR, 4) & Twim::CMDR_VALID);
    run_for(100 * kBit);
    EXPECT_FALSE(twim.bus_held()) << "halted while ANAK is set";
    // Tock's handler: clear CMDR, then SCR; nothing is re-sent.
    w(Twim::CMDR, 0);
    w(Twim::SCR, ~0u);
    EXPECT_FALSE(lines.irq[63]);
    run_for(100 * kBit);
    EXPECT_TRUE(log.empty());
}

TEST_F(TwimTest, ClearingAnakWithCmdrStillValidResendsTheCommand) {
    probe->ack_address = false;
    enable();
    w(Twim::CMDR, Twim::command(kAddr, false, 0, true, true));
    w(Twim::CR, Twim::CR_MEN);
    run_for(20 * kBit);
    ASSERT_TRUE(sr() & Twim::SR_ANAK);
    probe->ack_address = true;
    w(Twim::SCR, Twim::SR_ANAK);
    run_for(20 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_CCOMP) << "the same command went out again";
    EXPECT_EQ(log.size(), 3u);  // start (nak), start, stop
}

TEST_F(TwimTest, RefusedDataByteSetsDnak) {
    probe->refuse_after = 0;
    enable();
    w(Twim::THR, 7);
    w(Twim::CMDR, Twim::command(kAddr, false, 3, true, true));
    w(Twim::CR, Twim::CR_MEN);
    run_for(40 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_DNAK);
    EXPECT_FALSE(sr() & Twim::SR_CCOMP);
    EXPECT_EQ(log.back(), "stop @500") << "STOP right after the refused byte";
}

TEST_F(TwimTest, NextCommandRunsAfterARepeatedStart) {
    enable();
    w(Twim::THR, 0x02);
    w(Twim::CMDR, Twim::command(kAddr, false, 1, true, false));
    w(Twim::NCMDR, Twim::command(kAddr, true, 1, true, true));
    EXPECT_FALSE(twim.read(Twim::SR, 4) & Twim::SR_CRDY);  // master disabled: CRDY not reported
    w(Twim::CR, Twim::CR_MEN);
    EXPECT_FALSE(sr() & Twim::SR_CRDY) << "NCMDR is occupied";
    run_to(19 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_CCOMP) << "write command complete, no STOP";
    EXPECT_TRUE(twim.read(Twim::CMDR, 4) & Twim::CMDR_READ) << "NCMDR moved to CMDR";
    EXPECT_FALSE(twim.read(Twim::NCMDR, 4) & Twim::CMDR_VALID);
    EXPECT_TRUE(sr() & Twim::SR_CRDY);
    run_to(40 * kBit);
    EXPECT_EQ(log, (std::vector<std::string>{"start 0x40 w @250", "w 0x2 @475", "start 0x40 r @725",
                                             "r nak @950", "stop @975"}));
}

TEST_F(TwimTest, NcmdrWrittenWithNoCurrentCommandMovesToCmdr) {
    enable();
    w(Twim::NCMDR, Twim::command(kAddr, true, 1, true, true));
    EXPECT_TRUE(twim.read(Twim::CMDR, 4) & Twim::CMDR_VALID);
    EXPECT_FALSE(twim.read(Twim::NCMDR, 4) & Twim::CMDR_VALID);
}

TEST_F(TwimTest, ByteTimeFollowsCwgrExponentAndPbaClock) {
    enable();
    // EXP = 2: a prescaled cycle is 8 PBA cycles; LOW + HIGH = 10 -> 80 cycles per bit.
    w(Twim::CWGR, (2u << 28) | (5u << 16) | (5u << 8) | 5u);
    w(Twim::CMDR, Twim::command(kAddr, true, 0, true, true));
    w(Twim::CR, Twim::CR_MEN);
    const Picos start = picos_for_ticks(40, 48'000'000), bit = picos_for_ticks(80, 48'000'000);
    run_to(start + 9 * bit - 1);
    EXPECT_TRUE(log.empty());
    run_to(start + 9 * bit);
    EXPECT_EQ(log.size(), 1u);
}

TEST_F(TwimTest, SwrstOnlyWorksWhileEnabled) {
    w(Twim::IER, Twim::SR_CCOMP);
    w(Twim::CR, Twim::CR_SWRST);
    EXPECT_EQ(twim.read(Twim::IMR, 4), Twim::SR_CCOMP) << "ignored while disabled";
    w(Twim::CR, Twim::CR_MEN);
    w(Twim::CR, Twim::CR_SWRST);
    EXPECT_EQ(twim.read(Twim::IMR, 4), 0u);
    EXPECT_EQ(twim.read(Twim::SR, 4), 0x2u) << "also disables the master";
}

TEST_F(TwimTest, CrStopEndsAHeldBus) {
    enable();
    w(Twim::THR, 1);
    w(Twim::CMDR, Twim::command(kAddr, false, 1, true, false));
    w(Twim::CR, Twim::CR_MEN);
    run_for(30 * kBit);
    EXPECT_TRUE(twim.bus_held());
    w(Twim::CR, Twim::CR_STOP);
    run_for(2 * kBit);
    EXPECT_FALSE(twim.bus_held());
    EXPECT_TRUE(sr() & Twim::SR_STOP);
    w(Twim::SCR, Twim::SR_STOP);
    EXPECT_FALSE(sr() & Twim::SR_STOP);
}

TEST_F(TwimTest, NoTransferWhileTheMasterIsDisabled) {
    enable();
    w(Twim::CMDR, Twim::command(kAddr, true, 1, true, true));
    run_for(100 * kBit);
    EXPECT_TRUE(log.empty());
    EXPECT_FALSE(sr() & Twim::SR_MENB);
}

TEST_F(TwimTest, MaskedClockFreezesTheByteInFlightAndResumesIt) {
    enable();
    w(Twim::THR, 0x99);
    w(Twim::CMDR, Twim::command(kAddr, false, 1, true, true));
    w(Twim::CR, Twim::CR_MEN);
    run_to(15 * kBit);  // address done at 10 bits; the data byte has 4 of its 9 bits left
    twim.set_clock_running(false);
    run_for(1000 * kBit);
    EXPECT_EQ(log.size(), 1u) << "frozen while CLK_TWIM is masked";
    twim.set_clock_running(true);
    run_for(4 * kBit - 1);
    EXPECT_EQ(log.size(), 1u);
    run_for(1);
    EXPECT_EQ(log.back(), "w 0x99 @25475");
    run_for(kBit);
    EXPECT_TRUE(sr() & Twim::SR_CCOMP);
}

// Tock's write_read(addr, [reg], 1, 2) with one PDCA channel: TX DMA (PID 24), CMDR write with
// START, NCMDR read with START+STOP, MEN; on the first CCOMP the handler re-arms the same channel
// for RX (PID 6); the second CCOMP ends it.
TEST_F(TwimTest, WriteThenReadThroughThePdca) {
    constexpr std::uint32_t kSram = 0x2000'0000, kCh = 11;
    bus.add_memory("sram", kSram, 0x1000);
    Pdca pdca{ctx};
    lines.forward = &pdca;
    bus.map_device(Pdca::kBase, Pdca::kSize, pdca);
    bus.map_device(Twim::kBase[1], Twim::kSize[1], twim);
    auto ch = [&](std::uint32_t reg, std::uint32_t v) {
        bus.write(Pdca::kBase + Pdca::channel_offset(kCh, reg), v, 4, Initiator::Cpu);
    };
    bus.write(kSram, 0x02, 1, Initiator::Debugger);
    lines.set_dma_request(Twim::kPidTx0 + 1, (sr() & Twim::SR_TXRDY) != 0);
    enable();
    ch(Pdca::MR, 0);
    ch(Pdca::PSR, Twim::kPidTx0 + 1);
    ch(Pdca::MARR, kSram);
    ch(Pdca::TCRR, 1);
    w(Twim::CMDR, Twim::command(kAddr, false, 1, true, false));
    w(Twim::NCMDR, 0);
    w(Twim::IER, Twim::SR_CCOMP | Twim::SR_ANAK | Twim::SR_DNAK);
    w(Twim::CR, Twim::CR_MDIS);
    w(Twim::NCMDR, Twim::command(kAddr, true, 2, true, true));
    w(Twim::CR, Twim::CR_MEN);
    ch(Pdca::CR, Pdca::CR_TEN);
    run_for(20 * kBit);
    ASSERT_TRUE(lines.irq[63]);
    EXPECT_EQ(log[1], "w 0x2 @475");
    // The handler: clear status, switch the channel to RX.
    w(Twim::SCR, ~0u);
    ch(Pdca::CR, Pdca::CR_TDIS);
    ch(Pdca::PSR, Twim::kPidRx0 + 1);
    ch(Pdca::MARR, kSram + 0x10);
    ch(Pdca::TCRR, 2);
    ch(Pdca::CR, Pdca::CR_TEN);
    run_for(30 * kBit);
    EXPECT_TRUE(sr() & Twim::SR_CCOMP);
    EXPECT_EQ(bus.read(kSram + 0x10, 2, Initiator::Debugger).value, 0x2211u);
    EXPECT_EQ(pdca.channel_reg(kCh, Pdca::TCR), 0u);
}

}  // namespace
}  // namespace tockemu::sam4l
