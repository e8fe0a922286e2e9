#include "capsules/button.hpp"

namespace capsules {

ButtonDriver::ButtonDriver(kernel::Kernel& kernel, const ButtonPin* buttons, std::size_t count)
    : buttons_(buttons),
      count_(count < kMaxButtons ? count : kMaxButtons),
      grant_(kernel, kDriverNum) {
    for (std::size_t i = 0; i < count_; ++i) {
        buttons_[i].pin->make_input();
        buttons_[i].pin->set_floating_state(buttons_[i].pull);
        buttons_[i].pin->set_client(this, static_cast<std::uint32_t>(i));
    }
}

kernel::Status ButtonDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

bool ButtonDriver::pressed(std::size_t index) const {
    return buttons_[index].pin->read() != buttons_[index].active_low;
}

kernel::CommandReturn ButtonDriver::command(std::uint32_t command_num, std::uint32_t arg1,
                                            std::uint32_t, kernel::ProcessId pid) {
    using kernel::CommandReturn;
    if (command_num == 0) return CommandReturn::success_u32(static_cast<std::uint32_t>(count_));
    if (command_num > 3) return CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    if (arg1 >= count_) return CommandReturn::failure(kernel::ErrorCode::INVAL);
    if (command_num == 3) return CommandReturn::success_u32(pressed(arg1) ? 1 : 0);

    const std::uint32_t bit = 1u << arg1;
    const bool enable = command_num == 1;
    auto r = grant_.enter(pid, [&](App& app, kernel::GrantKernelData&) {
        app.enabled_mask = enable ? (app.enabled_mask | bit) : (app.enabled_mask & ~bit);
    });
    if (!r.ok()) return CommandReturn::failure(r.error());
    update_interrupt(arg1);
    return CommandReturn::success();
}

void ButtonDriver::update_interrupt(std::size_t index) {
    const std::uint32_t bit = 1u << index;
    bool wanted = false;
    grant_.each([&](kernel::ProcessId, App& app, kernel::GrantKernelData&) {
        if ((app.enabled_mask & bit) != 0) wanted = true;
    });
    if (wanted) {
        buttons_[index].pin->enable_interrupts(hil::InterruptEdge::kEitherEdge);
    } else {
        buttons_[index].pin->disable_interrupts();
    }
}

void ButtonDriver::pin_fired(std::uint32_t index) {
    if (index >= count_) return;
    const std::uint32_t bit = 1u << index;
    const std::uint32_t state = pressed(index) ? 1 : 0;
    grant_.each([&](kernel::ProcessId, App& app, kernel::GrantKernelData& kd) {
        if ((app.enabled_mask & bit) != 0) kd.schedule_upcall(0, index, state, 0);
    });
}

}  // namespace capsules
