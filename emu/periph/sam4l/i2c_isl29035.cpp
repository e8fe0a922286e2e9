#include "emu/periph/sam4l/i2c_isl29035.hpp"

#include <algorithm>
#include <cmath>

namespace tockemu {

namespace {
constexpr unsigned kOpAlsOnce = 1, kOpIrOnce = 2, kOpAlsContinuous = 5, kOpIrContinuous = 6;
constexpr std::uint8_t kIdReset = 0xA8;  // BOUT = 1, DEVICE ID = 101
}  // namespace

Isl29035::Isl29035(Clock& clock) : clock_(clock) {
    regs_[0x06] = 0xFF;  // INT_HT
    regs_[0x07] = 0xFF;
    regs_[ID] = kIdReset;
}

Picos Isl29035::integration_time() const {
    switch ((regs_[COMMAND_II] >> 2) & 3) {
        case 0:
            return picos_from_ms(105);
        case 1:
            return picos_from_us(6500);
        case 2:
            return picos_from_us(410);
        default:
            return picos_from_ns(25'600);
    }
}

std::uint16_t Isl29035::data_for(double lux) const {
    static constexpr double kRange[4] = {1000, 4000, 16000, 64000};
    static constexpr unsigned kBits[4] = {16, 12, 8, 4};
    const unsigned bits = kBits[(regs_[COMMAND_II] >> 2) & 3];
    const double full = std::ldexp(1.0, static_cast<int>(bits));
    const double count = std::floor(std::max(lux, 0.0) * full / kRange[regs_[COMMAND_II] & 3]);
    return static_cast<std::uint16_t>(std::min(count, full - 1));
}

bool Isl29035::measuring() const {
    const unsigned op = mode();
    return op == kOpAlsOnce || op == kOpIrOnce || op == kOpAlsContinuous || op == kOpIrContinuous;
}

void Isl29035::catch_up() {
    if (!measuring() || clock_.now() < conversion_end_) return;
    const unsigned op = mode();
    const bool ir = op == kOpIrOnce || op == kOpIrContinuous;
    const std::uint16_t data = ir ? infrared_ : data_for(lux_);
    regs_[DATA_LSB] = static_cast<std::uint8_t>(data);
    regs_[DATA_MSB] = static_cast<std::uint8_t>(data >> 8);
    if (op == kOpAlsOnce || op == kOpIrOnce) {
        regs_[COMMAND_I] &= 0x1F;  // back to power-down
        return;
    }
    // Continuous: the integration running now started at the last whole period boundary.
    const Picos period = integration_time();
    const Picos behind = clock_.now() - conversion_end_;
    conversion_end_ += (behind / period + 1) * period;
}

std::uint8_t Isl29035::read_register(std::uint8_t address) {
    catch_up();
    return address < regs_.size() ? regs_[address] : 0;
}

void Isl29035::write_register(std::uint8_t address, std::uint8_t value) {
    catch_up();
    switch (address) {
        case COMMAND_I:
            regs_[COMMAND_I] = value & 0xE7;
            if (measuring()) conversion_end_ = clock_.now() + integration_time();
            return;
        case COMMAND_II:
            regs_[COMMAND_II] = value & 0x0F;
            // A new range/resolution starts a new integration (Tock writes COMMAND-I then II).
            if (measuring()) conversion_end_ = clock_.now() + integration_time();
            return;
        case ID:
            regs_[ID] = static_cast<std::uint8_t>((regs_[ID] & 0x7F) | (value & 0x80));
            return;
        case DATA_LSB:
        case DATA_MSB:
            return;  // read-only
        default:
            if (address < regs_.size()) regs_[address] = value;
            return;
    }
}

}  // namespace tockemu
