#pragma once
// The debug blocks of the Private Peripheral Bus outside the SCS (ARMv7-M C1): the ITM at
// 0xE0000000 and the DWT at 0xE0001000, mapped as one device over 0xE0000000-0xE000DFFF and a
// second instance over 0xE000F000-0xE00FFFFF (TPIU, ETM, ROM table).
//
// Modelled: ITM stimulus ports 0-31 (a write with TCR.ITMENA and the port's TER bit set becomes
// a KernelEvent{port, bytes}: our kernel emits structured events this way), TER, TPR, TCR,
// LAR/LSR (software lock: unlocked by 0xC5ACCE55); DWT CTRL (CYCCNTENA) and CYCCNT, which counts
// virtual core cycles. Everything else reads as zero, ignores writes and is logged once.
#include <cstdint>
#include <set>

#include "emu/bus/device.hpp"
#include "emu/core/context.hpp"

namespace tockemu {

class DebugBlocks : public Device {
  public:
    DebugBlocks(MachineContext& ctx, std::uint32_t base) : ctx_(ctx), base_(base) {}
    std::string_view name() const override { return "PPB debug (ITM/DWT)"; }
    std::uint32_t read(std::uint32_t offset, unsigned size) override;
    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    void reset() override;

  private:
    std::uint32_t cyccnt() const;
    void unmodelled(std::uint32_t addr, bool write);

    MachineContext& ctx_;
    std::uint32_t base_;
    std::uint32_t ter_ = 0, tpr_ = 0, tcr_ = 0;
    bool locked_ = true;
    std::uint32_t dwt_ctrl_ = 0x40000000;  // NUMCOMP = 4
    std::uint32_t cyccnt_at_base_ = 0;
    std::uint64_t cyc_base_ = 0;
    std::set<std::uint32_t> logged_;
};

}  // namespace tockemu
