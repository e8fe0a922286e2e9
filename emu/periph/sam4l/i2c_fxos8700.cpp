#include "emu/periph/sam4l/i2c_fxos8700.hpp"

#include <algorithm>
#include <cmath>

namespace tockemu {

namespace {

constexpr std::uint8_t kZyxdr = 0x0F;  // ZYXDR | ZDR | YDR | XDR
constexpr std::uint8_t kSrcDrdy = 0x01;
constexpr std::uint8_t kMOst = 0x20;
constexpr std::uint8_t kHybAutoinc = 0x20;

std::int32_t to_count(double value, double per_count, std::int32_t lo, std::int32_t hi) {
    return std::clamp(static_cast<std::int32_t>(std::lround(value / per_count)), lo, hi);
}

}  // namespace

Fxos8700::Fxos8700(Clock& clock, std::function<void(bool)> int1)
    : clock_(clock), int1_(std::move(int1)) {
    reset_registers();
    if (int1_) int1_(int1_level_);
}

Fxos8700::~Fxos8700() {
    clock_.cancel(sample_event_);
}

void Fxos8700::reset_registers() {
    clock_.cancel(sample_event_);
    regs_.fill(0);
    regs_[WHO_AM_I] = kWhoAmI;
    update_int1();
}

Picos Fxos8700::sample_period() const {
    // CTRL_REG1.DR in accelerometer-only mode, in millihertz; hybrid mode halves each rate.
    static constexpr std::uint64_t kOdrMilliHz[8] = {800'000, 400'000, 200'000, 100'000,
                                                     50'000,  12'500,  6'250,   1'563};
    std::uint64_t mhz = kOdrMilliHz[(regs_[CTRL_REG1] >> 3) & 7];
    if ((regs_[M_CTRL_REG1] & 3) == 3) mhz /= 2;
    return kPicosPerSecond * 1000 / mhz;
}

void Fxos8700::schedule_sample() {
    clock_.cancel(sample_event_);
    if (!active()) return;
    sample_event_ = clock_.schedule_in(
        sample_period(), [this] { sample(); }, "fxos8700-sample");
}

void Fxos8700::sample() {
    sample_event_ = 0;
    latch_accel();
    if (regs_[M_CTRL_REG1] & 3) latch_mag();
    update_int1();
}

void Fxos8700::latch_accel() {
    static constexpr double kMgPerCount[4] = {0.244, 0.488, 0.976, 0.976};
    const double per = kMgPerCount[regs_[XYZ_DATA_CFG] & 3];
    for (unsigned i = 0; i < 3; ++i) {
        const auto v =
            static_cast<std::uint16_t>(to_count(accel_[i], per, -8192, 8191) << 2);  // 14 bit
        regs_[OUT_X_MSB + 2 * i] = static_cast<std::uint8_t>(v >> 8);
        regs_[OUT_X_MSB + 2 * i + 1] = static_cast<std::uint8_t>(v);
    }
    regs_[STATUS] |= kZyxdr;
    regs_[INT_SOURCE] |= kSrcDrdy;
}

void Fxos8700::latch_mag() {
    for (unsigned i = 0; i < 3; ++i) {
        const auto v = static_cast<std::uint16_t>(to_count(mag_[i], 0.1, -32768, 32767));
        regs_[M_OUT_X_MSB + 2 * i] = static_cast<std::uint8_t>(v >> 8);
        regs_[M_OUT_X_MSB + 2 * i + 1] = static_cast<std::uint8_t>(v);
    }
    regs_[M_DR_STATUS] |= kZyxdr;
}

void Fxos8700::update_int1() {
    const bool asserted =
        (regs_[INT_SOURCE] & kSrcDrdy) && (regs_[CTRL_REG4] & 1) && (regs_[CTRL_REG5] & 1);
    const bool active_high = regs_[CTRL_REG3] & 0x02;  // IPOL
    const bool level = asserted == active_high;
    if (level == int1_level_) return;
    int1_level_ = level;
    if (int1_) int1_(level);
}

std::uint8_t Fxos8700::read_register(std::uint8_t address) {
    if (address >= regs_.size()) return 0;
    const std::uint8_t value = regs_[address];
    if (address == OUT_X_MSB && (regs_[STATUS] & kZyxdr)) {
        // Reading the data clears the data-ready flags; the next sample comes a period later.
        regs_[STATUS] &= static_cast<std::uint8_t>(~kZyxdr);
        regs_[INT_SOURCE] &= static_cast<std::uint8_t>(~kSrcDrdy);
        update_int1();
        schedule_sample();
    }
    if (address == M_OUT_X_MSB) regs_[M_DR_STATUS] &= static_cast<std::uint8_t>(~kZyxdr);
    return value;
}

void Fxos8700::write_register(std::uint8_t address, std::uint8_t value) {
    if (address >= regs_.size()) return;
    switch (address) {
        case STATUS:
        case WHO_AM_I:
        case SYSMOD:
        case INT_SOURCE:
        case M_DR_STATUS:
            return;  // read-only
        case CTRL_REG1: {
            const bool was_active = active();
            regs_[CTRL_REG1] = value;
            regs_[SYSMOD] = active() ? 1 : 0;
            if (active() && !was_active) schedule_sample();
            if (!active()) clock_.cancel(sample_event_);
            return;
        }
        case CTRL_REG2:
            if (value & 0x40) return reset_registers();  // RST
            regs_[CTRL_REG2] = value;
            return;
        case M_CTRL_REG1:
            regs_[M_CTRL_REG1] = value & static_cast<std::uint8_t>(~kMOst);
            if (value & kMOst) latch_mag();  // one-shot measurement, bit self-clears
            return;
        default:
            if (address >= OUT_X_MSB && address <= OUT_Z_LSB) return;
            if (address >= M_OUT_X_MSB && address <= M_OUT_Z_LSB) return;
            regs_[address] = value;
            if (address == CTRL_REG3 || address == CTRL_REG4 || address == CTRL_REG5) update_int1();
            return;
    }
}

std::uint8_t Fxos8700::next_address(std::uint8_t address) const {
    if (address == OUT_Z_LSB && (regs_[M_CTRL_REG2] & kHybAutoinc)) return M_OUT_X_MSB;
    return static_cast<std::uint8_t>((address + 1) & 0x7F);
}

}  // namespace tockemu
