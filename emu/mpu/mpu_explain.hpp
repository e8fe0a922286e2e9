#pragma once
// Human-readable MPU output for `--trace-mpu`, fault reports and `monitor mpu` (gdb): the whole
// configuration as a table, one region as a line, and a denied access as a sentence that names
// the deciding region. The disassembly of the faulting instruction is the core's/trace's part;
// these functions only add what the MPU knows.
#include <array>
#include <cstdint>
#include <string>

#include "emu/core/events.hpp"
#include "emu/mpu/mpu.hpp"

namespace tockemu {

// "32B", "1K", "16K", "4M", "4G" (0 means 4 GiB, as MpuRegion::size_bytes() reports it).
std::string mpu_size_text(std::uint32_t size_bytes);
// Sub-region map, sub-region 0 first: '+' enabled, '-' disabled ("++++++--"); "none" below
// 256 bytes, where the architecture ignores SRD.
std::string mpu_subregion_text(const MpuRegion& region);
// One region: "0x20004000-0x20005fff 8K sub ++++++-- AP=011 priv RW, unpriv RW XN".
std::string format_mpu_region(const MpuRegion& region);

// The whole configuration, e.g.
//   MPU_CTRL=0x00000005 (ENABLE PRIVDEFENA)
//   #  base        end         size  subregions  AP   access                XN  TEX S C B
//   0  0x20004000  0x20005fff  8K    ++++++--    011  priv RW, unpriv RW    XN  000 0 0 0
//   disabled: 1 3 4 5 6 7
std::string format_mpu_config(std::uint32_t ctrl, const std::array<std::uint32_t, 8>& rbar,
                              const std::array<std::uint32_t, 8>& rasr);
std::string format_mpu_config(const MpuConfigEvent& config);
std::string format_mpu_config(const Mpu& mpu);
MpuConfigEvent mpu_config_event(const Mpu& mpu);

// Fills the MPU part of the event from the decision check() returned (region base/size/SRD/AP/
// XN of the deciding region, or zeros for the background / no region) plus what the core knows.
MpuDeniedEvent make_mpu_denied_event(const Mpu& mpu, const MpuDecision& decision, std::uint32_t pc,
                                     std::uint32_t address, AccessKind kind, unsigned size,
                                     bool unprivileged);
// "MPU denied unprivileged write (4 bytes) at 0x20005800, pc 0x00030112: no enabled region ..."
// followed by the deciding region, e.g. "; region 2: 0x00030000-0x00033fff 16K ...".
std::string format_mpu_denied(const MpuDeniedEvent& event);

}  // namespace tockemu
