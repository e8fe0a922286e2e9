#include "capsules/ninedof.hpp"

namespace capsules {

NineDofDriver::NineDofDriver(kernel::Kernel& kernel, hil::NineDofSensor& sensor)
    : sensor_(sensor), grant_(kernel, kDriverNum) {
    sensor_.set_ninedof_client(this);
}

kernel::Status NineDofDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn NineDofDriver::command(std::uint32_t command_num, std::uint32_t,
                                             std::uint32_t, kernel::ProcessId pid) {
    switch (command_num) {
        case 0:
            return kernel::CommandReturn::success();
        case 1:
            return enqueue(pid, Quantity::kAccelerometer);
        case 100:
            return enqueue(pid, Quantity::kMagnetometer);
        case 200:
            if (!sensor_.has_gyroscope()) {
                return kernel::CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
            }
            return enqueue(pid, Quantity::kGyroscope);
        default:
            return kernel::CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    }
}

hil::Status NineDofDriver::start(Quantity what) {
    switch (what) {
        case Quantity::kAccelerometer:
            return sensor_.read_accelerometer();
        case Quantity::kMagnetometer:
            return sensor_.read_magnetometer();
        case Quantity::kGyroscope:
            return sensor_.read_gyroscope();
        case Quantity::kNone:
            break;
    }
    return kernel::ErrorCode::INVAL;
}

kernel::CommandReturn NineDofDriver::enqueue(kernel::ProcessId pid, Quantity what) {
    auto queued = grant_.enter(pid, [what](App& app, kernel::GrantKernelData&) {
        if (app.requested != Quantity::kNone) return false;
        app.requested = what;
        return true;
    });
    if (!queued.ok()) return kernel::CommandReturn::failure(queued.error());
    if (!queued.value()) return kernel::CommandReturn::failure(kernel::ErrorCode::BUSY);
    if (running_ != Quantity::kNone) return kernel::CommandReturn::success();
    // The sensor is called outside the grant: its callback enters every process's grant.
    running_ = what;
    const hil::Status started = start(what);
    if (started.is_ok()) return kernel::CommandReturn::success();
    running_ = Quantity::kNone;
    grant_.enter(pid, [](App& app, kernel::GrantKernelData&) { app.requested = Quantity::kNone; });
    return kernel::CommandReturn::failure(started.error());
}

void NineDofDriver::ninedof_done(hil::Status status, std::int32_t x, std::int32_t y,
                                 std::int32_t z) {
    const Quantity done = running_;
    running_ = Quantity::kNone;
    if (!status.is_ok()) x = y = z = 0;
    grant_.each([&](kernel::ProcessId, App& app, kernel::GrantKernelData& kd) {
        if (app.requested != done) return;
        app.requested = Quantity::kNone;
        kd.schedule_upcall(0, static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y),
                           static_cast<std::uint32_t>(z));
    });
    start_next();
}

void NineDofDriver::start_next() {
    while (running_ == Quantity::kNone) {
        kernel::ProcessId next = kernel::kNoProcess;
        Quantity what = Quantity::kNone;
        grant_.each([&](kernel::ProcessId pid, App& app, kernel::GrantKernelData&) {
            if (what == Quantity::kNone && app.requested != Quantity::kNone) {
                next = pid;
                what = app.requested;
            }
        });
        if (what == Quantity::kNone) return;
        running_ = what;
        if (start(what).is_ok()) return;
        running_ = Quantity::kNone;
        const bool answered = grant_
                                  .enter(next,
                                         [](App& app, kernel::GrantKernelData& kd) {
                                             app.requested = Quantity::kNone;
                                             kd.schedule_upcall(0, 0, 0, 0);
                                         })
                                  .ok();
        if (!answered) return;
    }
}

}  // namespace capsules
