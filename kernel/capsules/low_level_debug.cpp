#include "capsules/low_level_debug.hpp"

#include "core/debug.hpp"

namespace capsules {
namespace {

const char* alert_meaning(std::uint32_t code) {
    switch (code) {
        case 0x01:
            return " (app panic)";
        case 0x02:
            return " (statically linked app at wrong flash address)";
        default:
            return "";
    }
}

}  // namespace

kernel::CommandReturn LowLevelDebug::command(std::uint32_t command_num, std::uint32_t arg1,
                                             std::uint32_t arg2, kernel::ProcessId pid) {
    const auto id = static_cast<unsigned>(pid.identifier);
    switch (command_num) {
        case 0:
            break;
        case 1:
            kernel::kprintf("LowLevelDebug: App 0x%x alert code 0x%x%s\r\n", id,
                            static_cast<unsigned>(arg1), alert_meaning(arg1));
            break;
        case 2:
            kernel::kprintf("LowLevelDebug: App 0x%x prints 0x%x\r\n", id,
                            static_cast<unsigned>(arg1));
            break;
        case 3:
            kernel::kprintf("LowLevelDebug: App 0x%x prints 0x%x 0x%x\r\n", id,
                            static_cast<unsigned>(arg1), static_cast<unsigned>(arg2));
            break;
        default:
            return kernel::CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    }
    return kernel::CommandReturn::success();
}

}  // namespace capsules
