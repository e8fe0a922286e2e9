#include "capsules/led.hpp"

namespace capsules {

LedDriver::LedDriver(hil::Led* const* leds, std::size_t count) : leds_(leds), count_(count) {
    for (std::size_t i = 0; i < count_; ++i) leds_[i]->init();
}

kernel::CommandReturn LedDriver::command(std::uint32_t command_num, std::uint32_t arg1,
                                         std::uint32_t, kernel::ProcessId) {
    using kernel::CommandReturn;
    if (command_num == 0) return CommandReturn::success_u32(static_cast<std::uint32_t>(count_));
    if (command_num > 3) return CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    if (arg1 >= count_) return CommandReturn::failure(kernel::ErrorCode::INVAL);
    hil::Led& led = *leds_[arg1];
    switch (command_num) {
        case 1:
            led.on();
            break;
        case 2:
            led.off();
            break;
        default:
            led.toggle();
            break;
    }
    return CommandReturn::success();
}

}  // namespace capsules
