#include "emu/periph/register_block.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tockemu {

RegisterBlock::RegisterBlock(std::string name, std::span<const Reg> table, std::uint32_t size)
    : name_(std::move(name)), table_(table), size_(size), values_(table.size()) {
    reset();
}

void RegisterBlock::reset() {
    for (std::size_t i = 0; i < table_.size(); ++i) values_[i] = table_[i].reset & table_[i].mask;
    on_reset();
    update_irq();
}

void RegisterBlock::set_clock_running(bool running) {
    if (running == clock_running_) return;
    clock_running_ = running;
    on_clock_gate(running);
    update_irq();
}

int RegisterBlock::index_of(std::uint32_t offset) const {
    for (std::size_t i = 0; i < table_.size(); ++i) {
        if (table_[i].offset == offset) return static_cast<int>(i);
    }
    return -1;
}

std::uint32_t RegisterBlock::reg(std::uint32_t offset) const {
    const int i = index_of(offset);
    return i < 0 ? 0 : values_[static_cast<std::size_t>(i)];
}

void RegisterBlock::set_reg(std::uint32_t offset, std::uint32_t value) { reg_ref(offset) = value; }

std::uint32_t& RegisterBlock::reg_ref(std::uint32_t offset) {
    const int i = index_of(offset);
    if (i < 0) throw std::out_of_range(fmt::format("{}: no register at {:#x}", name_, offset));
    return values_[static_cast<std::size_t>(i)];
}

void RegisterBlock::log_gap_once(std::uint32_t offset, const char* what) {
    if (logged_.insert(offset).second) {
        spdlog::get("model") ? spdlog::get("model")->info("{}+{:#05x}: {}", name_, offset, what)
                             : spdlog::debug("{}+{:#05x}: {}", name_, offset, what);
    }
}

std::uint32_t RegisterBlock::do_read(std::uint32_t offset, unsigned size, bool side_effects) {
    const std::uint32_t aligned = offset & ~3u;
    const int i = index_of(aligned);
    if (i < 0) {
        if (side_effects) log_gap_once(aligned, "read of an unmodelled register (returns 0)");
        return 0;
    }
    const auto idx = static_cast<std::size_t>(i);
    const Reg& r = table_[idx];
    std::uint32_t v = r.access == Access::WO ? 0 : on_read(idx, values_[idx], side_effects);
    if (side_effects && r.access == Access::RC) {
        values_[idx] = 0;
        update_irq();
    }
    // Narrow reads return the addressed byte lane(s).
    const unsigned shift = (offset & 3u) * 8;
    if (size < 4) v = (v >> shift) & ((1u << (size * 8)) - 1);
    return v;
}

std::uint32_t RegisterBlock::read(std::uint32_t offset, unsigned size) {
    return do_read(offset, size, true);
}

std::uint32_t RegisterBlock::peek(std::uint32_t offset, unsigned size) {
    return do_read(offset, size, false);
}

void RegisterBlock::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    const std::uint32_t aligned = offset & ~3u;
    const int i = index_of(aligned);
    if (i < 0) {
        log_gap_once(aligned, "write to an unmodelled register (ignored)");
        return;
    }
    // SAM4L peripheral registers are 32-bit; narrow writes land in their byte lane.
    if (size < 4) value = (value & ((1u << (size * 8)) - 1)) << ((offset & 3u) * 8);
    const auto idx = static_cast<std::size_t>(i);
    const Reg& r = table_[idx];
    switch (r.access) {
        case Access::RO:
        case Access::RC:
            log_gap_once(aligned, "guest wrote a read-only register (ignored)");
            return;
        case Access::RW:
            values_[idx] = value & r.mask;
            break;
        case Access::WO:
            break;
    }
    if (r.action != Action::None) {
        std::uint32_t& t = reg_ref(r.target);
        const std::uint32_t bits = value & r.mask;
        switch (r.action) {
            case Action::Set: t |= bits; break;
            case Action::Clear: t &= ~bits; break;
            case Action::Toggle: t ^= bits; break;
            case Action::None: break;
        }
    }
    on_write(idx, value);
    update_irq();
}

}  // namespace tockemu
