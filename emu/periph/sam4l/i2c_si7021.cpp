#include "emu/periph/sam4l/i2c_si7021.hpp"

#include <algorithm>
#include <cmath>

namespace tockemu {

namespace {

// Electronic serial number (any fixed value; SNB_3 = 0x15 identifies an Si7021).
constexpr std::uint8_t kSna[4] = {0x8A, 0x51, 0x3C, 0x07};
constexpr std::uint8_t kSnb[4] = {0x15, 0xFF, 0xB5, 0x20};
constexpr std::uint8_t kFirmwareRevision = 0x20;  // 2.0
constexpr Picos kResetTime = picos_from_ms(15);

constexpr std::uint8_t kMeasureRhHold = 0xE5, kMeasureRh = 0xF5, kMeasureTHold = 0xE3,
                       kMeasureT = 0xF3, kPreviousT = 0xE0, kReset = 0xFE, kWriteUser = 0xE6,
                       kReadUser = 0xE7, kWriteHeater = 0x51, kReadHeater = 0x11, kId1 = 0xFA,
                       kId2 = 0xFC, kFirmware = 0x84;

std::uint16_t quantize(double code, unsigned bits) {
    const double clamped = std::clamp(std::floor(code + 0.5), 0.0, 65535.0);
    const auto keep = static_cast<std::uint16_t>(0xFFFFu << (16 - bits));
    return static_cast<std::uint16_t>(static_cast<std::uint16_t>(clamped) & keep);
}

std::vector<std::uint8_t> with_crc(std::uint16_t code) {
    const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(code >> 8),
                                   static_cast<std::uint8_t>(code)};
    return {bytes[0], bytes[1], Si7021::crc8(bytes)};
}

}  // namespace

std::uint16_t Si7021::temperature_code(double celsius, unsigned bits) {
    return quantize((celsius + 46.85) * 65536.0 / 175.72, bits);  // ends in binary 00
}

std::uint16_t Si7021::humidity_code(double percent, unsigned bits) {
    return static_cast<std::uint16_t>(quantize((percent + 6.0) * 65536.0 / 125.0, bits) | 0x2);
}

std::uint8_t Si7021::crc8(std::span<const std::uint8_t> bytes) {
    std::uint8_t crc = 0;
    for (std::uint8_t b : bytes) {
        crc ^= b;
        for (int i = 0; i < 8; ++i)
            crc = static_cast<std::uint8_t>(crc & 0x80 ? (crc << 1) ^ 0x31 : crc << 1);
    }
    return crc;
}

// User register 1: RES1 (bit 7), RES0 (bit 0).
unsigned Si7021::rh_bits() const {
    static constexpr unsigned kBits[4] = {12, 8, 10, 11};
    return kBits[((user_ >> 6) & 2) | (user_ & 1)];
}

unsigned Si7021::t_bits() const {
    static constexpr unsigned kBits[4] = {14, 12, 13, 11};
    return kBits[((user_ >> 6) & 2) | (user_ & 1)];
}

Picos Si7021::rh_time() const {
    switch (rh_bits()) {
        case 8:
            return picos_from_us(2600);
        case 10:
            return picos_from_us(3700);
        case 11:
            return picos_from_us(5800);
        default:
            return picos_from_ms(10);
    }
}

Picos Si7021::t_time() const {
    switch (t_bits()) {
        case 11:
            return picos_from_us(1500);
        case 12:
            return picos_from_us(2400);
        case 13:
            return picos_from_ms(4);
        default:
            return picos_from_ms(7);
    }
}

bool Si7021::start(std::uint8_t /*address*/, bool read) {
    written_.clear();
    stretched_ = false;
    const bool converting = clock_.now() < ready_at_;
    // Busy in no-hold mode or resetting: the device does not acknowledge its address.
    if (converting && (!read || !hold_)) return false;
    if (read) out_pos_ = 0;  // every read transfer returns the answer from its first byte
    return true;
}

bool Si7021::write_byte(std::uint8_t byte) {
    written_.push_back(byte);
    const std::uint8_t first = written_.front();
    switch (first) {
        case kMeasureRhHold:
        case kMeasureRh:
        case kMeasureTHold:
        case kMeasureT:
        case kPreviousT:
        case kReset:
        case kReadUser:
        case kReadHeater:
            if (written_.size() > 1) return false;  // one-byte commands
            break;
        case kWriteUser:
        case kWriteHeater:
        case kId1:
        case kId2:
        case kFirmware:
            if (written_.size() > 2) return false;
            break;
        default:
            return false;
    }
    command(first, byte, written_.size() - 1);
    return true;
}

void Si7021::command(std::uint8_t first, std::uint8_t byte, std::size_t index) {
    switch (first) {
        case kMeasureRhHold:
        case kMeasureRh:
            return measure(true, first == kMeasureRhHold);
        case kMeasureTHold:
        case kMeasureT:
            return measure(false, first == kMeasureTHold);
        case kPreviousT: {
            const std::uint16_t c = previous_t_code_;
            return answer({static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c)});
        }
        case kReset:
            user_ = kUserRegisterReset;
            heater_ = 0;
            answer({});
            ready_at_ = clock_.now() + kResetTime;
            hold_ = false;
            return;
        case kReadUser:
            return answer({user_});
        case kReadHeater:
            return answer({heater_});
        case kWriteUser:
            // VDDS (bit 6) is read-only and the reserved bits keep their reset value.
            if (index == 1) user_ = static_cast<std::uint8_t>((byte & 0x85) | 0x3A);
            return;
        case kWriteHeater:
            if (index == 1) heater_ = byte & 0x0F;
            return;
        case kId1:
            if (index == 1 && byte == 0x0F) {
                std::vector<std::uint8_t> out, sna;
                for (std::uint8_t b : kSna) {
                    sna.push_back(b);
                    out.push_back(b);
                    out.push_back(crc8(sna));
                }
                answer(std::move(out));
            }
            return;
        case kId2:
            if (index == 1 && byte == 0xC9) {
                const std::uint8_t b32[2] = {kSnb[0], kSnb[1]};
                const std::uint8_t all[4] = {kSnb[0], kSnb[1], kSnb[2], kSnb[3]};
                answer({kSnb[0], kSnb[1], crc8(b32), kSnb[2], kSnb[3], crc8(all)});
            }
            return;
        case kFirmware:
            if (index == 1 && byte == 0xB8) answer({kFirmwareRevision});
            return;
        default:
            return;
    }
}

void Si7021::measure(bool humidity, bool hold) {
    const std::uint16_t t_code = temperature_code(temperature_, t_bits());
    Picos duration = t_time();
    if (humidity) {
        duration += rh_time();
        previous_t_code_ = t_code;
        answer(with_crc(humidity_code(humidity_, rh_bits())));
    } else {
        answer(with_crc(t_code));
    }
    ready_at_ = clock_.now() + duration;
    hold_ = hold;
}

Picos Si7021::stretch() {
    // Hold master mode: SCL is held low before the first byte until the conversion ends.
    if (stretched_ || !hold_) return 0;
    stretched_ = true;
    const Picos now = clock_.now();
    return ready_at_ > now ? ready_at_ - now : 0;
}

std::uint8_t Si7021::read_byte(bool /*ack*/) {
    return out_pos_ < out_.size() ? out_[out_pos_++] : 0xFF;
}

}  // namespace tockemu
