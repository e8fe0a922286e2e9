// The Hail board's I2C side: TWIM0..3 mapped as models at their datasheet bases, the three
// sensors on TWIM1, FXOS8700CQ INT1 on PA09, and the host API (attach_i2c_device, set_sensors)
// with clear errors.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "emu/board/hail_board.hpp"
#include "emu/core/context.hpp"
#include "emu/periph/sam4l/gpio.hpp"
#include "emu/periph/sam4l/i2c_fxos8700.hpp"
#include "emu/periph/sam4l/i2c_isl29035.hpp"
#include "emu/periph/sam4l/i2c_si7021.hpp"
#include "emu/periph/sam4l/twim.hpp"

namespace tockemu {
namespace {

using sam4l::Twim;

struct Irqs : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

// A device that ACKs everything and counts what it was sent.
struct Counter : I2cDevice {
    int* bytes;
    explicit Counter(int* b) : bytes(b) {}
    std::string_view name() const override { return "counter"; }
    bool start(std::uint8_t, bool) override { return true; }
    bool write_byte(std::uint8_t) override {
        ++*bytes;
        return true;
    }
    std::uint8_t read_byte(bool) override { return 0x5A; }
};

struct I2cBoardTest : ::testing::Test {
    Clock clock{48'000'000};
    Bus bus;
    Memory& flash = bus.add_memory("flash", 0, 0x80000, 0xFF);
    Memory& sram = bus.add_memory("sram", 0x2000'0000, 0x10000);
    Irqs irqs;
    EventHub events;
    MachineContext ctx{clock, bus, irqs, events};
    HailBoard board{ctx};

    Twim& twim(unsigned n) {
        static constexpr const char* kNames[] = {"TWIM0", "TWIM1", "TWIM2", "TWIM3"};
        auto* t = dynamic_cast<Twim*>(board.device(kNames[n]));
        EXPECT_NE(t, nullptr) << kNames[n];
        return *t;
    }
};

TEST_F(I2cBoardTest, FourTwimsAtTheirDatasheetBasesAndIrqs) {
    static constexpr unsigned kNvic[] = {61, 63, 77, 78};
    for (unsigned n = 0; n < Twim::kCount; ++n) {
        EXPECT_EQ(twim(n).index(), n);
        twim(n).write(Twim::IER, Twim::SR_TXRDY, 4);  // TXRDY is 1 out of reset
        EXPECT_TRUE(irqs.level[kNvic[n]]) << "TWIM" << n;
    }
    EXPECT_EQ(Twim::kBase[1], 0x4001'C000u);
    EXPECT_EQ(twim(1).peek(Twim::SR, 4), 0x2u) << "SR reset value";
}

TEST_F(I2cBoardTest, Twim1CarriesTheHailSensorsAndTheOthersAreEmpty) {
    EXPECT_NE(dynamic_cast<Si7021*>(twim(1).device(0x40)), nullptr);
    EXPECT_NE(dynamic_cast<Isl29035*>(twim(1).device(0x44)), nullptr);
    EXPECT_NE(dynamic_cast<Fxos8700*>(twim(1).device(0x1E)), nullptr);
    for (unsigned a = 0; a < 128; ++a) {
        EXPECT_EQ(twim(0).device(static_cast<std::uint8_t>(a)), nullptr);
        EXPECT_EQ(twim(2).device(static_cast<std::uint8_t>(a)), nullptr);
    }
}

TEST_F(I2cBoardTest, FxosInt1IdlesHighOnPa09) {
    auto* pa = dynamic_cast<sam4l::GpioPort*>(board.device("GPIO_PA"));
    ASSERT_NE(pa, nullptr);
    EXPECT_TRUE(pa->level(9));
}

TEST_F(I2cBoardTest, SetSensorsReachesEachModel) {
    HailBoard::SensorValues v;
    v.temperature = 30.5;
    v.light = 42;
    v.accel = std::array<double, 3>{1, 2, 3};
    board.set_sensors(v);
    auto* si = dynamic_cast<Si7021*>(twim(1).device(0x40));
    EXPECT_EQ(si->temperature(), 30.5);
    EXPECT_EQ(si->humidity(), Si7021::kDefaultHumidity) << "unset values are kept";
    EXPECT_EQ(dynamic_cast<Isl29035*>(twim(1).device(0x44))->lux(), 42.0);
    EXPECT_EQ(dynamic_cast<Fxos8700*>(twim(1).device(0x1E))->acceleration(),
              (std::array<double, 3>{1, 2, 3}));
}

TEST_F(I2cBoardTest, AttachedDeviceAnswersAndReplacesTheSensor) {
    int bytes = 0;
    board.attach_i2c_device(1, 0x40, std::make_unique<Counter>(&bytes));
    EXPECT_EQ(twim(1).device(0x40)->name(), "counter");
    HailBoard::SensorValues v;
    v.temperature = 1;
    try {
        board.set_sensors(v);
        FAIL() << "set_sensors must refuse a replaced SI7021";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("no SI7021 at I2C address 0x40 on TWIM1"),
                  std::string::npos)
            << e.what();
    }
    board.attach_i2c_device(3, 0x10, std::make_unique<Counter>(&bytes));
    EXPECT_NE(twim(3).device(0x10), nullptr);
}

TEST_F(I2cBoardTest, BadArgumentsAreClearErrors) {
    EXPECT_THROW(board.attach_i2c_device(4, 0x10, nullptr), std::out_of_range);
    EXPECT_THROW(board.attach_i2c_device(0, 0x80, nullptr), std::out_of_range);
}

}  // namespace
}  // namespace tockemu
