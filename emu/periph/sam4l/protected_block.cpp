#include "emu/periph/sam4l/protected_block.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

ProtectedBlock::ProtectedBlock(std::string name, std::span<const Reg> table, std::uint32_t size,
                               std::uint32_t unlock_offset,
                               std::initializer_list<std::uint32_t> protected_offsets)
    : RegisterBlock(std::move(name), table, size),
      unlock_offset_(unlock_offset),
      protected_(protected_offsets) {}

void ProtectedBlock::reset() {
    armed_ = -1;
    discarded_.clear();
    same_reads_ = 0;
    last_read_offset_ = ~0u;
    RegisterBlock::reset();
}

std::uint32_t ProtectedBlock::read(std::uint32_t offset, unsigned size) {
    const std::uint32_t v = RegisterBlock::read(offset, size);
    const std::uint32_t aligned = offset & ~3u;
    if (aligned != last_read_offset_ || v != last_read_value_) {
        last_read_offset_ = aligned;
        last_read_value_ = v;
        same_reads_ = 0;
        return v;
    }
    if (++same_reads_ != kPollLimit) return v;
    if (std::find(discarded_.begin(), discarded_.end(), aligned) == discarded_.end()) return v;
    const int i = index_of(aligned);
    readback_warnings_.push_back(fmt::format(
        "{}.{} read {} times unchanged ({:#010x}) after a write to it was discarded for lack of "
        "UNLOCK (write {:#010x} to {}.UNLOCK first)",
        name(), i < 0 ? "?" : def(static_cast<std::size_t>(i)).name, kPollLimit, v,
        (kUnlockKey << 24) | aligned, name()));
    spdlog::warn("{}", readback_warnings_.back());
    return v;
}

void ProtectedBlock::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    const std::uint32_t aligned = offset & ~3u;
    if (aligned == unlock_offset_ && size == 4) {
        // UNLOCK: KEY[31:24] = 0xAA, ADDR[9:0]. A wrong key arms nothing.
        armed_ = (value >> 24) == kUnlockKey ? static_cast<int>(value & 0x3FF) : -1;
        RegisterBlock::write(offset, value, size);
        return;
    }
    const bool is_protected =
        std::find(protected_.begin(), protected_.end(), aligned) != protected_.end();
    const bool unlocked = armed_ == static_cast<int>(aligned);
    armed_ = -1;
    same_reads_ = 0;
    if (is_protected && !unlocked) {
        spdlog::warn("{}+{:#05x}: write of {:#010x} without UNLOCK discarded (AE set)", name(),
                     aligned, value);
        if (std::find(discarded_.begin(), discarded_.end(), aligned) == discarded_.end())
            discarded_.push_back(aligned);
        on_access_error();
        update_irq();
        return;
    }
    RegisterBlock::write(offset, value, size);
}

bool PollWatch::observe(std::uint32_t value, std::uint32_t armed) {
    if (value != last_) {
        last_ = value;
        count_ = 0;
        return false;
    }
    if (++count_ != limit_) return false;
    std::uint32_t zero = 0;
    for (const Bit& b : bits_) zero |= (value & b.mask) ? 0 : b.mask;
    const bool any_armed = (zero & armed) != 0;
    const std::uint32_t candidates = (any_armed ? zero & armed : zero) & ~reported_;
    std::string missing;
    std::uint32_t newly = 0;
    for (const Bit& b : bits_) {
        if (!(candidates & b.mask)) continue;
        missing += missing.empty() ? "" : ", ";
        missing += b.name;
        newly |= b.mask;
    }
    if (newly == 0) return false;
    if (!any_armed) missing += " (never enabled)";
    reported_ |= newly;
    warnings_.push_back(fmt::format("{} read {} times unchanged ({:#010x}); never became ready: {}",
                                    reg_name_, limit_, value, missing));
    spdlog::warn("{}", warnings_.back());
    return true;
}

}  // namespace tockemu::sam4l
