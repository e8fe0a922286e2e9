#include "emu/cpu/debug_blocks.hpp"

#include <spdlog/spdlog.h>

namespace tockemu {

namespace {
constexpr std::uint32_t ITM_BASE = 0xE0000000, ITM_STIM_END = 0xE0000080, ITM_TER = 0xE0000E00,
                        ITM_TPR = 0xE0000E40, ITM_TCR = 0xE0000E80, ITM_LAR = 0xE0000FB0,
                        ITM_LSR = 0xE0000FB4, DWT_CTRL = 0xE0001000, DWT_CYCCNT = 0xE0001004;
constexpr std::uint32_t TCR_ITMENA = 1, DWT_CYCCNTENA = 1;
constexpr std::uint32_t kLockKey = 0xC5ACCE55;
}  // namespace

void DebugBlocks::reset() {
    ter_ = tpr_ = tcr_ = 0;
    locked_ = true;
    dwt_ctrl_ = 0x40000000;
    cyccnt_at_base_ = 0;
    cyc_base_ = ctx_.clock.cycles();
}

std::uint32_t DebugBlocks::cyccnt() const {
    if (!(dwt_ctrl_ & DWT_CYCCNTENA)) return cyccnt_at_base_;
    return cyccnt_at_base_ + static_cast<std::uint32_t>(ctx_.clock.cycles() - cyc_base_);
}

void DebugBlocks::unmodelled(std::uint32_t addr, bool write) {
    if (logged_.insert(addr).second)
        spdlog::info("debug area: unmodelled register {:#010x} {} (reads as 0)", addr,
                     write ? "written" : "read");
}

std::uint32_t DebugBlocks::read(std::uint32_t offset, unsigned size) {
    const std::uint32_t addr = base_ + offset;
    std::uint32_t v = 0;
    const std::uint32_t word = addr & ~3u;
    if (word >= ITM_BASE && word < ITM_STIM_END) {
        v = 1;  // stimulus port FIFO always ready
    } else {
        switch (word) {
            case ITM_TER:
                v = ter_;
                break;
            case ITM_TPR:
                v = tpr_;
                break;
            case ITM_TCR:
                v = tcr_;
                break;
            case ITM_LSR:
                v = 0x1 | (locked_ ? 0x2 : 0);
                break;  // SLI: lock implemented
            case DWT_CTRL:
                v = dwt_ctrl_;
                break;
            case DWT_CYCCNT:
                v = cyccnt();
                break;
            default:
                unmodelled(word, false);
                break;
        }
    }
    const unsigned shift = (addr & 3) * 8;
    return size == 4 ? v : (v >> shift) & ((1u << (8 * size)) - 1);
}

void DebugBlocks::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    const std::uint32_t addr = base_ + offset;
    const std::uint32_t word = addr & ~3u;
    if (word >= ITM_BASE && word < ITM_STIM_END) {
        const unsigned port = (word - ITM_BASE) / 4;
        if (!(tcr_ & TCR_ITMENA) || !(ter_ & (1u << port))) return;
        std::vector<std::uint8_t> payload(size);
        for (unsigned i = 0; i < size; ++i)
            payload[i] = static_cast<std::uint8_t>(value >> (8 * i));
        ctx_.publish(KernelEvent{port, std::move(payload)});
        return;
    }
    if (size != 4) {
        unmodelled(word, true);
        return;
    }
    switch (word) {
        case ITM_LAR:
            locked_ = value != kLockKey;
            break;
        case ITM_TER:
            ter_ = value;
            break;
        case ITM_TPR:
            tpr_ = value & 0xF;
            break;
        case ITM_TCR:
            tcr_ = value & 0x00FF3F1F;
            break;
        case DWT_CTRL:
            cyccnt_at_base_ = cyccnt();
            cyc_base_ = ctx_.clock.cycles();
            dwt_ctrl_ = (dwt_ctrl_ & 0xF0000000) | (value & 0x0FFFFFFF);
            break;
        case DWT_CYCCNT:
            cyccnt_at_base_ = value;
            cyc_base_ = ctx_.clock.cycles();
            break;
        default:
            unmodelled(word, true);
            break;
    }
}

}  // namespace tockemu
