#include "capsules/ambient_light.hpp"

namespace capsules {

AmbientLightDriver::AmbientLightDriver(kernel::Kernel& kernel, hil::AmbientLightSensor& sensor)
    : sensor_(sensor), grant_(kernel, kDriverNum) {
    sensor_.set_light_client(this);
}

kernel::Status AmbientLightDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn AmbientLightDriver::command(std::uint32_t command_num, std::uint32_t,
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

kernel::CommandReturn AmbientLightDriver::start_reading(kernel::ProcessId pid) {
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
    const hil::Status started = sensor_.read_light_intensity();
    if (started.is_ok()) return kernel::CommandReturn::success();
    busy_ = false;
    grant_.enter(pid, [](App& app, kernel::GrantKernelData&) { app.pending = false; });
    return kernel::CommandReturn::failure(started.error());
}

void AmbientLightDriver::light_done(hil::Status status, std::uint32_t lux) {
    busy_ = false;
    grant_.each([&](kernel::ProcessId, App& app, kernel::GrantKernelData& kd) {
        if (!app.pending) return;
        app.pending = false;
        kd.schedule_upcall(0, status.is_ok() ? lux : 0u, 0, 0);
    });
}

}  // namespace capsules
