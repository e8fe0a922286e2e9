#include "capsules/rng.hpp"

namespace capsules {

RngDriver::RngDriver(kernel::Kernel& kernel, hil::Entropy32& entropy)
    : entropy_(entropy), grant_(kernel, kDriverNum) {
    entropy_.set_client(this);
}

kernel::Status RngDriver::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn RngDriver::command(std::uint32_t command_num, std::uint32_t arg1,
                                         std::uint32_t, kernel::ProcessId pid) {
    using kernel::CommandReturn;
    switch (command_num) {
        case 0:
            return CommandReturn::success();
        case 1: {
            auto r = grant_.enter(pid, [&](App& app, kernel::GrantKernelData&) {
                app.requested = arg1;
                app.filled = 0;
                app.pending = true;
            });
            if (!r.ok()) return CommandReturn::failure(r.error());
            if (!running_) {
                const hil::Status status = entropy_.get();
                if (!status.is_ok()) return CommandReturn::failure(status.error());
                running_ = true;
            }
            return CommandReturn::success();
        }
        default:
            return CommandReturn::failure(kernel::ErrorCode::NOSUPPORT);
    }
}

bool RngDriver::entropy_available(std::uint32_t word, hil::Status) {
    bool used = false;
    bool still_wanted = false;
    grant_.each([&](kernel::ProcessId, App& app, kernel::GrantKernelData& kd) {
        if (!app.pending) return;
        if (!used) {
            used = true;
            kernel::ReadWriteBuffer buffer = kd.readwrite_buffer(0);
            for (unsigned i = 0; i < 4 && app.requested > 0 && app.filled < buffer.size(); ++i) {
                buffer.set(app.filled, static_cast<std::uint8_t>(word >> (8 * i)));
                ++app.filled;
                --app.requested;
            }
            if (app.requested == 0 || app.filled >= buffer.size()) {
                app.pending = false;
                kd.schedule_upcall(0, 0, app.filled, 0);
                return;
            }
        }
        still_wanted = true;
    });
    running_ = still_wanted;
    return still_wanted;
}

}  // namespace capsules
