// The board configuration block the emulator may patch (core/board_config.hpp). Hail defaults:
// ThresholdRestartThenPanic(4), 10 ms timeslice.
#include "core/board_config.hpp"

extern "C" {
__attribute__((section(".tockemu_board_config"), used))
const volatile kernel::BoardConfig tockemu_board_config = {
    kernel::kBoardConfigMagic,
    kernel::kBoardConfigVersion,
    static_cast<std::uint32_t>(kernel::FaultPolicy::ThresholdRestartThenPanic),
    4,
    10'000,
    {0, 0, 0},
};
}
