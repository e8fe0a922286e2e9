#include "capsules/shared_reading.hpp"

namespace capsules {

SharedReadingDriver::SharedReadingDriver(kernel::Kernel& kernel, std::uint32_t driver_num)
    : grant_(kernel, driver_num) {}

kernel::Status SharedReadingDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn SharedReadingDriver::command(std::uint32_t command_num, std::uint32_t,
                                                   std::uint32_t, kernel::ProcessId pid) {
    switch (command_num) {
        case 0:
            return kernel::CommandReturn::success();
        case 1:
            return start_reading(pid);
        default:
            return kernel::CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    }
}

kernel::CommandReturn SharedReadingDriver::start_reading(kernel::ProcessId pid) {
    auto joined = grant_.enter(pid, [](App& app, kernel::GrantKernelData&) {
        if (app.pending) return false;
        app.pending = true;
        return true;
    });
    if (!joined.ok()) return kernel::CommandReturn::failure(joined.error());
    if (!joined.value()) return kernel::CommandReturn::failure(kernel::ErrorCode::BUSY);
    if (busy_) return kernel::CommandReturn::success();
    // The sensor is called outside the grant: a callback from inside it may enter every grant.
    busy_ = true;
    const hil::Status started = start_sensor();
    if (started.is_ok()) return kernel::CommandReturn::success();
    busy_ = false;
    grant_.enter(pid, [](App& app, kernel::GrantKernelData&) { app.pending = false; });
    return kernel::CommandReturn::failure(started.error());
}

void SharedReadingDriver::reading_done(bool deliver, std::uint32_t value) {
    busy_ = false;
    grant_.each([&](kernel::ProcessId, App& app, kernel::GrantKernelData& kd) {
        if (!app.pending) return;
        app.pending = false;
        if (deliver) kd.schedule_upcall(0, value, 0, 0);
    });
}

}  // namespace capsules
