#pragma once
// The board configuration block: a small struct at the fixed symbol `tockemu_board_config`, in its
// own section placed at flash address 0x10200 (boards/hail/layout.ld), that the emulator or the
// scenario runner may patch in flash before reset to choose the fault policy. The kernel reads it
// once at boot. A block with a wrong magic or version is ignored (Hail defaults apply).
//
//   offset 0  u32 magic          0x4342544B ("KTBC" as bytes: 'K','T','B','C')
//   offset 4  u32 version        1
//   offset 8  u32 fault_policy   FaultPolicy below
//   offset 12 u32 restart_threshold   (threshold policies; Hail: 4)
//   offset 16 u32 timeslice_us   round-robin timeslice (Hail: 10000); 0 = default
//   offset 20 u32 reserved[3]    0
#include <cstdint>

namespace kernel {

enum class FaultPolicy : std::uint32_t {
    Panic = 0,
    Stop = 1,
    Restart = 2,
    ThresholdRestartThenStop = 3,
    ThresholdRestartThenPanic = 4,
};

struct BoardConfig {
    std::uint32_t magic;
    std::uint32_t version;
    std::uint32_t fault_policy;
    std::uint32_t restart_threshold;
    std::uint32_t timeslice_us;
    std::uint32_t reserved[3];
};
static_assert(sizeof(BoardConfig) == 32);

constexpr std::uint32_t kBoardConfigMagic = 0x4342544B;
constexpr std::uint32_t kBoardConfigVersion = 1;

}  // namespace kernel

extern "C" const volatile kernel::BoardConfig tockemu_board_config;
