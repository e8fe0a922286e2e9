#include "emu/periph/sam4l/spi_flash.hpp"

#include <algorithm>

namespace tockemu {

namespace {
// Instruction set (W25Q80DV datasheet §8.1.2).
constexpr std::uint8_t kWriteEnable = 0x06, kWriteDisable = 0x04, kReadStatus1 = 0x05,
                       kReadData = 0x03, kFastRead = 0x0B, kPageProgram = 0x02, kSectorErase = 0x20,
                       kChipErase = 0xC7, kChipErase2 = 0x60, kPowerDown = 0xB9,
                       kReleasePowerDown = 0xAB, kManufacturerId = 0x90, kJedecId = 0x9F;

// Address/dummy bytes that follow the instruction before its data phase.
unsigned header_bytes(std::uint8_t cmd) {
    switch (cmd) {
        case kReadData:
        case kPageProgram:
        case kSectorErase:
        case kManufacturerId:
        case kReleasePowerDown:
            return 3;
        case kFastRead:
            return 4;  // 3 address + 1 dummy
        default:
            return 0;
    }
}
}  // namespace

SpiFlashW25Q80::SpiFlashW25Q80(const Clock& clock) : clock_(clock), memory_(kSize, 0xFF) {}

std::uint8_t SpiFlashW25Q80::status() const {
    // WEL stays visible until the operation it enabled has completed.
    return static_cast<std::uint8_t>((busy() ? SR_BUSY | SR_WEL : 0) | (wel_ ? SR_WEL : 0));
}

void SpiFlashW25Q80::select() {
    selected_ = true;
    have_command_ = ignored_ = false;
    header_ = index_ = 0;
    address_ = 0;
    page_.clear();
}

void SpiFlashW25Q80::deselect() {
    if (selected_ && have_command_ && !ignored_) execute_on_deselect();
    selected_ = false;
}

std::uint16_t SpiFlashW25Q80::exchange(std::uint16_t mosi, unsigned /*bits*/) {
    const auto b = static_cast<std::uint8_t>(mosi);
    if (!selected_) return 0xFF;  // /CS high: DO is high-impedance (pulled up)
    if (!have_command_) return command_byte(b);
    if (ignored_) return 0xFF;
    if (header_ < header_bytes(command_)) {
        if (header_ < 3) address_ = (address_ << 8) | b;
        ++header_;
        return 0xFF;
    }
    return data_byte(b);
}

std::uint8_t SpiFlashW25Q80::command_byte(std::uint8_t b) {
    have_command_ = true;
    command_ = b;
    if (busy() && b != kReadStatus1) {
        ignored_ = true;
        return 0xFF;
    }
    switch (b) {
        case kWriteEnable:
            wel_ = true;
            break;
        case kWriteDisable:
            wel_ = false;
            break;
        case kReadStatus1:
        case kReadData:
        case kFastRead:
        case kPageProgram:
        case kSectorErase:
        case kChipErase:
        case kChipErase2:
        case kPowerDown:
        case kReleasePowerDown:
        case kManufacturerId:
        case kJedecId:
            break;
        default:
            ignored_ = true;
            break;  // unknown instruction: the part ignores it
    }
    return 0xFF;
}

std::uint8_t SpiFlashW25Q80::data_byte(std::uint8_t b) {
    const unsigned i = index_++;
    switch (command_) {
        case kReadStatus1:
            return status();
        case kJedecId: {
            constexpr std::uint8_t id[] = {kManufacturer, kMemoryType, kCapacity};
            return i < 3 ? id[i] : 0xFF;
        }
        case kManufacturerId:
            // Address 0 gives manufacturer first, address 1 device first.
            return ((i + (address_ & 1)) % 2) == 0 ? kManufacturer : kDeviceId;
        case kReleasePowerDown:
            return kDeviceId;
        case kReadData:
        case kFastRead:
            return memory_[(address_ + i) % kSize];
        case kPageProgram:
            // Only the last 256 bytes of a longer sequence are kept, as on the part.
            if (page_.size() == kPageSize) page_.erase(page_.begin());
            page_.push_back(b);
            return 0xFF;
        default:
            return 0xFF;
    }
}

void SpiFlashW25Q80::execute_on_deselect() {
    const Picos now = clock_.now();
    switch (command_) {
        case kPageProgram: {
            if (!wel_ || header_ < 3 || page_.empty()) return;
            const std::uint32_t page = (address_ % kSize) & ~(kPageSize - 1);
            // With more than 256 bytes the kept bytes start where the wrapped sequence ended.
            const std::uint32_t start =
                (address_ + (index_ - static_cast<unsigned>(page_.size()))) % kPageSize;
            for (std::size_t k = 0; k < page_.size(); ++k)
                memory_[page + (start + k) % kPageSize] &= page_[k];
            wel_ = false;
            busy_until_ = now + kPageProgramTime;
            break;
        }
        case kSectorErase: {
            if (!wel_ || header_ < 3) return;
            const std::uint32_t base = (address_ % kSize) & ~(kSectorSize - 1);
            std::fill_n(memory_.begin() + base, kSectorSize, std::uint8_t{0xFF});
            wel_ = false;
            busy_until_ = now + kSectorEraseTime;
            break;
        }
        case kChipErase:
        case kChipErase2:
            if (!wel_) return;
            std::fill(memory_.begin(), memory_.end(), std::uint8_t{0xFF});
            wel_ = false;
            busy_until_ = now + kChipEraseTime;
            break;
        default:
            break;
    }
}

}  // namespace tockemu
