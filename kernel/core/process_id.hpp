#pragma once
// Names one run of one process. `index` is the process slot; `identifier` is unique per run
// (a restart gives the slot a new identifier), so a capsule holding a stale ProcessId cannot reach
// the restarted process's grant: every lookup compares both.
#include <cstdint>

namespace kernel {

struct ProcessId {
    std::uint16_t index = 0xFFFF;
    std::uint32_t identifier = 0;

    constexpr bool is_none() const { return index == 0xFFFF; }
    friend constexpr bool operator==(const ProcessId& a, const ProcessId& b) {
        return a.index == b.index && a.identifier == b.identifier;
    }
};

constexpr ProcessId kNoProcess{};

}  // namespace kernel
