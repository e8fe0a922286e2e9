// The Hail's I2C sensors at the bus-protocol level: SI7021 (commands, codes, CRC, conversion time,
// hold/no-hold), ISL29035 (registers, integration, lux encoding) and FXOS8700CQ (WHO_AM_I, data
// ready on INT1, burst reads, magnetometer one-shot), driven the way Tock's capsules drive them.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <vector>

#include "emu/periph/sam4l/i2c_fxos8700.hpp"
#include "emu/periph/sam4l/i2c_isl29035.hpp"
#include "emu/periph/sam4l/i2c_si7021.hpp"

namespace tockemu {
namespace {

using Bytes = std::vector<std::uint8_t>;

// One I2C transfer as the TWIM performs it: START + address, data, STOP. Returns whether every
// byte was acknowledged (the address included).
bool write(I2cDevice& d, std::uint8_t addr, const Bytes& bytes) {
    bool ok = d.start(addr, false);
    for (std::size_t i = 0; ok && i < bytes.size(); ++i) ok = d.write_byte(bytes[i]);
    d.stop();
    return ok;
}

std::optional<Bytes> read(I2cDevice& d, std::uint8_t addr, std::size_t n) {
    if (!d.start(addr, true)) {
        d.stop();
        return std::nullopt;
    }
    Bytes out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(d.read_byte(i + 1 < n));
    d.stop();
    return out;
}

// ---- SI7021 ----

class Si7021Test : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Si7021 si{clock};
    void wait(Picos dt) { clock.advance_to(clock.now() + dt); }
};

TEST_F(Si7021Test, CodesInvertTheDatasheetFormulas) {
    const std::uint16_t t = Si7021::temperature_code(22.5);
    EXPECT_EQ(t & 3u, 0u) << "temperature codes end in binary 00";
    EXPECT_NEAR(175.72 * t / 65536.0 - 46.85, 22.5, 0.01);
    const std::uint16_t rh = Si7021::humidity_code(45.0);
    EXPECT_EQ(rh & 3u, 2u) << "RH codes end in binary 10";
    EXPECT_NEAR(125.0 * rh / 65536.0 - 6.0, 45.0, 0.04);
    // What Tock's capsule computes from them (centi-degrees, centi-percent).
    EXPECT_EQ(static_cast<int>((t * 17572u) / 65536u) - 4685, 2249);
    EXPECT_EQ((rh * 125u * 100u) / 65536u - 600u, 4499u);
}

TEST_F(Si7021Test, Crc8IsPolynomial0x31WithZeroInit) {
    EXPECT_EQ(Si7021::crc8(Bytes{0x01}), 0x31);
    EXPECT_EQ(Si7021::crc8(Bytes{0x00}), 0x00);
    const Bytes msg = {0x66, 0x4C};
    Bytes with = msg;
    with.push_back(Si7021::crc8(msg));
    EXPECT_EQ(Si7021::crc8(with), 0) << "a message followed by its CRC leaves no remainder";
}

TEST_F(Si7021Test, NoHoldTemperatureNaksUntilTheConversionEnds) {
    ASSERT_TRUE(write(si, 0x40, {0xF3}));
    EXPECT_FALSE(read(si, 0x40, 3)) << "converting: address NAKed";
    wait(picos_from_ms(7) - 1);
    EXPECT_FALSE(read(si, 0x40, 3));
    wait(1);
    const auto r = read(si, 0x40, 3);
    ASSERT_TRUE(r);
    const std::uint16_t code = Si7021::temperature_code(22.5);
    EXPECT_EQ((*r)[0], code >> 8);
    EXPECT_EQ((*r)[1], code & 0xFF);
    EXPECT_EQ((*r)[2], Si7021::crc8(Bytes{(*r)[0], (*r)[1]}));
    EXPECT_EQ(read(si, 0x40, 2), (Bytes{(*r)[0], (*r)[1]})) << "result stays readable";
}

TEST_F(Si7021Test, HoldModeStretchesTheClockInsteadOfNaking) {
    si.set_temperature(-10.0);
    ASSERT_TRUE(write(si, 0x40, {0xE3}));
    wait(picos_from_ms(2));
    ASSERT_TRUE(si.start(0x40, true));
    EXPECT_EQ(si.stretch(), picos_from_ms(5));
    EXPECT_EQ(si.stretch(), 0u) << "only before the first byte";
    const std::uint16_t code = Si7021::temperature_code(-10.0);
    EXPECT_EQ(si.read_byte(true), code >> 8);
}

TEST_F(Si7021Test, HumidityMeasurementIncludesATemperatureConversion) {
    si.set_humidity(60.0);
    ASSERT_TRUE(write(si, 0x40, {0xF5}));
    wait(picos_from_ms(16));
    EXPECT_FALSE(read(si, 0x40, 2)) << "RH 10 ms + T 7 ms";
    wait(picos_from_ms(1));
    const auto r = read(si, 0x40, 2);
    ASSERT_TRUE(r);
    EXPECT_EQ(((*r)[0] << 8) | (*r)[1], Si7021::humidity_code(60.0));
    ASSERT_TRUE(write(si, 0x40, {0xE0}));
    const auto t = read(si, 0x40, 2);
    EXPECT_EQ(((*t)[0] << 8) | (*t)[1], Si7021::temperature_code(22.5));
}

TEST_F(Si7021Test, UserRegisterSetsResolutionAndConversionTime) {
    ASSERT_TRUE(write(si, 0x40, {0xE7}));
    EXPECT_EQ(read(si, 0x40, 1), Bytes{0x3A});
    ASSERT_TRUE(write(si, 0x40, {0xE6, 0x81}));  // RES1 RES0 = 11: RH 11 bit, T 11 bit
    ASSERT_TRUE(write(si, 0x40, {0xE7}));
    EXPECT_EQ(read(si, 0x40, 1), Bytes{0xBB});
    ASSERT_TRUE(write(si, 0x40, {0xF3}));
    wait(picos_from_us(1500));
    const auto r = read(si, 0x40, 2);
    ASSERT_TRUE(r) << "11-bit temperature converts in 1.5 ms";
    EXPECT_EQ((*r)[1] & 0x1F, 0) << "only 11 significant bits";
}

TEST_F(Si7021Test, ElectronicIdAndFirmwareRevision) {
    ASSERT_TRUE(write(si, 0x40, {0xFC, 0xC9}));
    const auto b = read(si, 0x40, 6);
    ASSERT_TRUE(b);
    EXPECT_EQ((*b)[0], 0x15) << "SNB_3 = 0x15 identifies an Si7021";
    EXPECT_EQ((*b)[2], Si7021::crc8(Bytes{(*b)[0], (*b)[1]}));
    ASSERT_TRUE(write(si, 0x40, {0xFA, 0x0F}));
    EXPECT_EQ(read(si, 0x40, 8)->size(), 8u);
    ASSERT_TRUE(write(si, 0x40, {0x84, 0xB8}));
    EXPECT_EQ(read(si, 0x40, 1), Bytes{0x20});
}

TEST_F(Si7021Test, ResetRestoresTheUserRegisterAndTakes15Ms) {
    ASSERT_TRUE(write(si, 0x40, {0xE6, 0x01}));
    ASSERT_TRUE(write(si, 0x40, {0xFE}));
    EXPECT_FALSE(write(si, 0x40, {0xE7}));
    wait(picos_from_ms(15));
    ASSERT_TRUE(write(si, 0x40, {0xE7}));
    EXPECT_EQ(read(si, 0x40, 1), Bytes{0x3A});
}

TEST_F(Si7021Test, UnknownCommandIsNaked) {
    EXPECT_FALSE(write(si, 0x40, {0x42}));
    EXPECT_FALSE(write(si, 0x40, {0xF3, 0x00})) << "one-byte command followed by data";
}

// ---- ISL29035 ----

class Isl29035Test : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Isl29035 isl{clock};
    void wait(Picos dt) { clock.advance_to(clock.now() + dt); }
    unsigned data() {
        EXPECT_TRUE(write(isl, 0x44, {0x02}));
        const auto r = read(isl, 0x44, 2);
        return r ? ((*r)[1] << 8) | (*r)[0] : ~0u;
    }
};

TEST_F(Isl29035Test, IdRegisterShowsBrownoutUntilCleared) {
    ASSERT_TRUE(write(isl, 0x44, {0x0F}));
    EXPECT_EQ(read(isl, 0x44, 1), Bytes{0xA8});
    ASSERT_TRUE(write(isl, 0x44, {0x0F, 0x00}));
    ASSERT_TRUE(write(isl, 0x44, {0x0F}));
    EXPECT_EQ(read(isl, 0x44, 1), Bytes{0x28});
}

TEST_F(Isl29035Test, TocksContinuousEightBitReadingOf300Lux) {
    // COMMAND-I = ALS continuous, COMMAND-II = 8-bit, range 4000 (one auto-increment write).
    ASSERT_TRUE(write(isl, 0x44, {0x00, 0xA0, 0x09}));
    EXPECT_EQ(data(), 0u) << "no conversion finished yet";
    wait(picos_from_us(410));
    EXPECT_EQ(data(), 19u) << "floor(300 x 256 / 4000)";
    EXPECT_EQ((19u * 4000u) >> 8, 296u) << "what Tock reports";
    isl.set_lux(5000);
    wait(picos_from_us(410));
    EXPECT_EQ(data(), 255u) << "clamped to full scale";
}

TEST_F(Isl29035Test, OnceModeSixteenBitsTakes105MsThenPowersDown) {
    isl.set_lux(300);
    ASSERT_TRUE(write(isl, 0x44, {0x01, 0x00}));  // 16 bit, range 1000
    ASSERT_TRUE(write(isl, 0x44, {0x00, 0x20}));  // ALS once
    wait(picos_from_ms(105) - 1);
    EXPECT_EQ(data(), 0u);
    wait(1);
    EXPECT_EQ(data(), 19660u) << "floor(300 x 65536 / 1000)";
    ASSERT_TRUE(write(isl, 0x44, {0x00}));
    EXPECT_EQ(read(isl, 0x44, 1), Bytes{0x00}) << "OP back to power-down";
}

// ---- FXOS8700CQ ----

class Fxos8700Test : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    std::vector<bool> int1;
    Fxos8700 fx{clock, [this](bool l) { int1.push_back(l); }};
    void run_to(Picos t) {
        while (auto d = clock.next_deadline()) {
            if (*d > t) break;
            clock.advance_to(*d);
            clock.run_due();
        }
        clock.advance_to(t);
    }
    Bytes burst(std::uint8_t reg, std::size_t n) {
        EXPECT_TRUE(write(fx, 0x1E, {reg}));
        return read(fx, 0x1E, n).value_or(Bytes{});
    }
};

TEST_F(Fxos8700Test, WhoAmIIs0xC7) {
    EXPECT_EQ(burst(0x0D, 1), Bytes{0xC7});
    EXPECT_EQ(int1, std::vector<bool>{true}) << "INT1 idles high (active low)";
}

TEST_F(Fxos8700Test, TocksAccelerometerReadWithDataReadyOnInt1) {
    ASSERT_TRUE(write(fx, 0x1E, {0x2D, 0x01, 0x01}));  // CTRL_REG4 DRDY int, CTRL_REG5 -> INT1
    ASSERT_TRUE(write(fx, 0x1E, {0x2A, 0x01}));        // ACTIVE, 800 Hz
    EXPECT_TRUE(fx.int1_level());
    run_to(picos_from_us(1250) - 1);
    EXPECT_TRUE(fx.int1_level());
    run_to(picos_from_us(1250));
    EXPECT_FALSE(fx.int1_level()) << "sample ready after 1/ODR";
    EXPECT_EQ(burst(0x00, 1), Bytes{0x0F}) << "ZYXDR";
    const Bytes d = burst(0x01, 6);
    EXPECT_EQ(d, (Bytes{0, 0, 0, 0, 0x40, 0x08})) << "1000 mg / 0.244 = 4098 counts, << 2";
    EXPECT_TRUE(fx.int1_level()) << "reading the data clears the interrupt";
    const int z = static_cast<std::int16_t>((d[4] << 8) | d[5]) >> 2;
    EXPECT_EQ(z * 244 / 1000, 999) << "what Tock reports";
    ASSERT_TRUE(write(fx, 0x1E, {0x2A, 0x00}));  // standby
    run_to(picos_from_ms(100));
    EXPECT_TRUE(fx.int1_level()) << "no samples in standby";
}

TEST_F(Fxos8700Test, FullScaleRangeAndNegativeValues) {
    fx.set_acceleration({-500, 2000, 0});
    ASSERT_TRUE(write(fx, 0x1E, {0x0E, 0x01}));  // +-4 g: 0.488 mg per count
    ASSERT_TRUE(write(fx, 0x1E, {0x2A, 0x01}));
    run_to(picos_from_ms(2));
    const Bytes d = burst(0x01, 4);
    EXPECT_EQ(static_cast<std::int16_t>((d[0] << 8) | d[1]) >> 2, -1025);  // -500 / 0.488
    EXPECT_EQ(static_cast<std::int16_t>((d[2] << 8) | d[3]) >> 2, 4098);   // 2000 / 0.488
}

TEST_F(Fxos8700Test, MagnetometerOneShotAndHybridBurst) {
    ASSERT_TRUE(write(fx, 0x1E, {0x5B, 0x23}));  // hybrid, one-shot (Tock)
    EXPECT_EQ(burst(0x33, 6), (Bytes{0x00, 0xC8, 0xFF, 0xCE, 0xFE, 0x70})) << "0.1 uT per count";
    EXPECT_EQ(burst(0x5B, 1), Bytes{0x03}) << "M_OST self-clears";
    ASSERT_TRUE(write(fx, 0x1E, {0x5C, 0x20}));  // hyb_autoinc_mode
    ASSERT_TRUE(write(fx, 0x1E, {0x2A, 0x01}));
    run_to(picos_from_us(2500));  // hybrid halves the 800 Hz rate
    const Bytes all = burst(0x01, 12);
    EXPECT_EQ(all[4], 0x40);
    EXPECT_EQ(all[6], 0x00) << "after OUT_Z_LSB the burst continues at M_OUT_X_MSB";
    EXPECT_EQ(all[7], 0xC8);
}

TEST_F(Fxos8700Test, SoftResetRestoresRegisters) {
    ASSERT_TRUE(write(fx, 0x1E, {0x2A, 0x01}));
    ASSERT_TRUE(write(fx, 0x1E, {0x2B, 0x40}));
    EXPECT_EQ(burst(0x2A, 1), Bytes{0x00});
    EXPECT_EQ(burst(0x0D, 1), Bytes{0xC7});
}

}  // namespace
}  // namespace tockemu
