#include "capsules/console.hpp"

namespace capsules {
namespace {

constexpr std::uint32_t kWriteUpcall = 1;
constexpr std::uint32_t kReadUpcall = 2;
constexpr std::uint32_t kWriteAllow = 1;
constexpr std::uint32_t kReadAllow = 1;

}  // namespace

Console::Console(kernel::Kernel& kernel, hil::Uart& uart)
    : uart_(uart), grant_(kernel, kDriverNum) {
    uart_.set_transmit_client(this);
    uart_.set_receive_client(this);
}

kernel::Status Console::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

kernel::CommandReturn Console::command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t,
                                       kernel::ProcessId pid) {
    using kernel::CommandReturn;
    using kernel::ErrorCode;
    switch (command_num) {
        case 0:
            return CommandReturn::from_status(allocate_grant(pid));
        case 1: {
            auto r = grant_.enter(pid, [&](App& app, kernel::GrantKernelData& kd) {
                const std::uint32_t available = kd.readonly_buffer(kWriteAllow).size();
                app.write_len = arg1 < available ? arg1 : available;
                app.write_remaining = app.write_len;
                if (app.write_len == 0) return kernel::Status(ErrorCode::SIZE);
                send(pid, app, kd);
                return kernel::Status::ok();
            });
            if (!r.ok()) return CommandReturn::failure(r.error());
            return CommandReturn::from_status(r.value());
        }
        case 2: {
            const bool owner_alive =
                !rx_owner_.is_none() &&
                grant_.enter_if_allocated(rx_owner_, [](App&, kernel::GrantKernelData&) {}).ok();
            if (owner_alive || rx_restarting_) return CommandReturn::failure(ErrorCode::BUSY);
            auto r = grant_.enter(pid, [&](App&, kernel::GrantKernelData& kd) {
                const std::uint32_t available = kd.readwrite_buffer(kReadAllow).size();
                return arg1 < available ? arg1 : available;
            });
            if (!r.ok()) return CommandReturn::failure(r.error());
            const std::uint32_t len = r.value();
            if (len > kBufferSize) return CommandReturn::failure(ErrorCode::INVAL);
            if (len == 0) return CommandReturn::failure(ErrorCode::SIZE);
            // Input buffered between reads was meant for the previous reader, not for us.
            if (!(last_reader_ == pid)) uart_.discard_pending_input();
            last_reader_ = pid;
            if (!rx_owner_.is_none()) {
                // The previous reader is gone but its read is still on the UART: abort it and
                // start ours when the abort completes (received_buffer).
                rx_owner_ = pid;
                rx_restarting_ = true;
                rx_restart_len_ = len;
                uart_.receive_abort();
                return CommandReturn::success();
            }
            const hil::Status status = uart_.receive_buffer(rx_buffer_, len);
            if (!status.is_ok()) return CommandReturn::failure(status.error());
            rx_owner_ = pid;
            return CommandReturn::success();
        }
        case 3:
            // The read completes through received_buffer() with CANCEL.
            if (rx_owner_ == pid) uart_.receive_abort();
            return CommandReturn::success();
        default:
            return CommandReturn::failure(ErrorCode::NOSUPPORT);
    }
}

void Console::send(kernel::ProcessId pid, App& app, kernel::GrantKernelData& kd) {
    // One write on the UART at a time. A process that writes again before its previous write
    // finished restarts with the new buffer once the chunk in flight is out.
    if (!tx_owner_.is_none()) {
        app.pending_write = true;
        return;
    }
    const std::uint32_t offset = app.write_len - app.write_remaining;
    std::uint32_t chunk = app.write_remaining < kBufferSize ? app.write_remaining : kBufferSize;
    // The process may have shrunk or revoked its buffer since the command.
    chunk = kd.readonly_buffer(kWriteAllow).copy_to(tx_buffer_, offset, chunk);
    if (chunk == 0 || !uart_.transmit_buffer(tx_buffer_, chunk).is_ok()) {
        // Nothing more can be sent: report what went out.
        app.pending_write = false;
        tx_owner_ = kernel::kNoProcess;
        kd.schedule_upcall(kWriteUpcall, offset, 0, 0);
        return;
    }
    app.pending_write = false;
    app.write_remaining -= chunk;
    tx_owner_ = pid;
}

void Console::transmitted_buffer(std::uint8_t*, std::size_t, hil::Status) {
    const kernel::ProcessId pid = tx_owner_;
    tx_owner_ = kernel::kNoProcess;
    // A process that died meanwhile has no grant any more: nothing to finish for it.
    grant_.enter_if_allocated(pid, [&](App& app, kernel::GrantKernelData& kd) {
        if (app.write_remaining > 0) {
            send(pid, app, kd);
        } else {
            kd.schedule_upcall(kWriteUpcall, app.write_len, 0, 0);
        }
    });
    if (tx_owner_.is_none()) start_pending_writes();
}

void Console::start_pending_writes() {
    grant_.each([&](kernel::ProcessId pid, App& app, kernel::GrantKernelData& kd) {
        if (app.pending_write && tx_owner_.is_none()) send(pid, app, kd);
    });
}

void Console::received_buffer(std::uint8_t* buffer, std::size_t length, hil::Status status) {
    if (rx_restarting_) {
        // The end of a dead process's read: its bytes belong to nobody.
        rx_restarting_ = false;
        if (!uart_.receive_buffer(rx_buffer_, rx_restart_len_).is_ok()) {
            const kernel::ProcessId pid = rx_owner_;
            rx_owner_ = kernel::kNoProcess;
            grant_.enter_if_allocated(pid, [](App&, kernel::GrantKernelData& kd) {
                kd.schedule_upcall(kReadUpcall, kernel::to_u32(kernel::ErrorCode::FAIL), 0, 0);
            });
        }
        return;
    }
    const kernel::ProcessId pid = rx_owner_;
    rx_owner_ = kernel::kNoProcess;
    grant_.enter_if_allocated(pid, [&](App&, kernel::GrantKernelData& kd) {
        kernel::ReadWriteBuffer out = kd.readwrite_buffer(kReadAllow);
        const std::uint32_t copied = out.copy_from(buffer, 0, static_cast<std::uint32_t>(length));
        // More arrived than the (possibly shrunk) buffer holds.
        const std::uint32_t code = (status.is_ok() && copied < length)
                                       ? kernel::to_u32(kernel::ErrorCode::SIZE)
                                       : status.status_code();
        kd.schedule_upcall(kReadUpcall, code, copied, 0);
    });
}

}  // namespace capsules
