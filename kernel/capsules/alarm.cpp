#include "capsules/alarm.hpp"

namespace capsules {
namespace {

hil::Ticks remaining(std::uint32_t reference, std::uint32_t dt, hil::Ticks now) {
    const hil::Ticks elapsed = now - reference;
    return elapsed >= dt ? 0 : dt - elapsed;
}

}  // namespace

AlarmDriver::AlarmDriver(kernel::Kernel& kernel, hil::Alarm& alarm)
    : alarm_(alarm), grant_(kernel, kDriverNum) {
    alarm_.set_alarm_client(this);
}

kernel::Status AlarmDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](ProcessAlarm&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn AlarmDriver::command(std::uint32_t command_num, std::uint32_t arg1,
                                           std::uint32_t arg2, kernel::ProcessId pid) {
    using kernel::CommandReturn;
    // Upstream runs every command inside the caller's grant: when it cannot be allocated, even
    // the frequency query fails with that error (NOMEM), and libtock-c sees the same.
    const kernel::Status granted = allocate_grant(pid);
    if (!granted.is_ok()) return CommandReturn::failure(granted.error());
    switch (command_num) {
        case 0:
            return CommandReturn::success();
        case 1:
            return CommandReturn::success_u32(alarm_.frequency());
        case 2:
            return CommandReturn::success_u32(alarm_.now());
        case 3: {
            auto was_armed = grant_.enter(pid, [](ProcessAlarm& a, kernel::GrantKernelData&) {
                const bool armed = a.armed;
                a.armed = false;
                return armed;
            });
            if (!was_armed.ok()) return CommandReturn::failure(was_armed.error());
            if (!was_armed.value()) return CommandReturn::failure(kernel::ErrorCode::ALREADY);
            reprogram();
            return CommandReturn::success();
        }
        case 5:
            return arm(pid, alarm_.now(), arg1);
        case 6:
            return arm(pid, arg1, arg2);
        default:
            return CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    }
}

kernel::CommandReturn AlarmDriver::arm(kernel::ProcessId pid, std::uint32_t reference,
                                       std::uint32_t dt) {
    auto r = grant_.enter(pid, [&](ProcessAlarm& a, kernel::GrantKernelData&) {
        a.reference = reference;
        a.dt = dt;
        a.armed = true;
    });
    if (!r.ok()) return kernel::CommandReturn::failure(r.error());
    reprogram();
    return kernel::CommandReturn::success_u32(reference + dt);
}

void AlarmDriver::reprogram() {
    const hil::Ticks now = alarm_.now();
    bool any = false;
    hil::Ticks soonest = 0;
    grant_.each([&](kernel::ProcessId, ProcessAlarm& a, kernel::GrantKernelData&) {
        if (!a.armed) return;
        const hil::Ticks left = remaining(a.reference, a.dt, now);
        if (!any || left < soonest) soonest = left;
        any = true;
    });
    if (any) {
        alarm_.set_alarm(now, soonest);
    } else if (alarm_.is_armed()) {
        alarm_.disarm();
    }
}

void AlarmDriver::alarm_fired() {
    const hil::Ticks now = alarm_.now();
    grant_.each([&](kernel::ProcessId, ProcessAlarm& a, kernel::GrantKernelData& kd) {
        if (!a.armed || remaining(a.reference, a.dt, now) != 0) return;
        a.armed = false;
        kd.schedule_upcall(0, now, a.reference + a.dt, 0);
    });
    reprogram();
}

}  // namespace capsules
