#include "capsules/gpio.hpp"

namespace capsules {

GpioDriver::GpioDriver(kernel::Kernel& kernel, hil::InterruptPin* const* pins, std::size_t count)
    : pins_(pins), count_(count), grant_(kernel, kDriverNum) {
    for (std::size_t i = 0; i < count_; ++i) {
        if (pins_[i] != nullptr) pins_[i]->set_client(this, static_cast<std::uint32_t>(i));
    }
}

kernel::Status GpioDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn GpioDriver::command(std::uint32_t command_num, std::uint32_t arg1,
                                          std::uint32_t arg2, kernel::ProcessId pid) {
    using kernel::CommandReturn;
    using kernel::ErrorCode;
    if (command_num == 0) return CommandReturn::success();
    if (command_num == 10) return CommandReturn::success_u32(static_cast<std::uint32_t>(count_));
    if (command_num > 10) return CommandReturn::failure(ErrorCode::NOSUPPORT);
    if (arg1 >= count_) return CommandReturn::failure(ErrorCode::INVAL);
    if (pins_[arg1] == nullptr) return CommandReturn::failure(ErrorCode::NODEVICE);
    hil::InterruptPin& pin = *pins_[arg1];

    switch (command_num) {
        case 1:
            pin.make_output();
            break;
        case 2:
            pin.set();
            break;
        case 3:
            pin.clear();
            break;
        case 4:
            pin.toggle();
            break;
        case 5: {
            if (arg2 > 2) return CommandReturn::failure(ErrorCode::NOSUPPORT);
            constexpr hil::FloatingState kPulls[] = {hil::FloatingState::kPullNone,
                                                     hil::FloatingState::kPullUp,
                                                     hil::FloatingState::kPullDown};
            pin.make_input();
            pin.set_floating_state(kPulls[arg2]);
            break;
        }
        case 6:
            return CommandReturn::success_u32(pin.read() ? 1 : 0);
        case 7: {
            if (arg2 > 2) return CommandReturn::failure(ErrorCode::NOSUPPORT);
            const kernel::Status granted = allocate_grant(pid);
            if (!granted.is_ok()) return CommandReturn::failure(granted.error());
            constexpr hil::InterruptEdge kEdges[] = {hil::InterruptEdge::kEitherEdge,
                                                     hil::InterruptEdge::kRisingEdge,
                                                     hil::InterruptEdge::kFallingEdge};
            pin.enable_interrupts(kEdges[arg2]);
            break;
        }
        case 8: {
            const kernel::Status granted = allocate_grant(pid);
            if (!granted.is_ok()) return CommandReturn::failure(granted.error());
            pin.disable_interrupts();
            pin.deactivate_to_low_power();
            break;
        }
        default:
            pin.deactivate_to_low_power();
            break;  // 9
    }
    return CommandReturn::success();
}

void GpioDriver::pin_fired(std::uint32_t index) {
    if (index >= count_ || pins_[index] == nullptr) return;
    const std::uint32_t level = pins_[index]->read() ? 1 : 0;
    grant_.each([&](kernel::ProcessId, App&, kernel::GrantKernelData& kd) {
        kd.schedule_upcall(0, index, level, 0);
    });
}

}  // namespace capsules
