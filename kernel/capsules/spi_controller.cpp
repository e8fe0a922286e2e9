#include "capsules/spi_controller.hpp"

namespace capsules {
namespace {

constexpr std::uint32_t kTxAllow = 0;  // read-only allow 0
constexpr std::uint32_t kRxAllow = 0;  // read-write allow 0

}  // namespace

SpiController::SpiController(kernel::Kernel& kernel, hil::SpiMaster& spi)
    : spi_(spi), grant_(kernel, kDriverNum) {
    spi_.set_client(this);
}

kernel::Status SpiController::allocate_grant(kernel::ProcessId pid) {
    return grant_.enter(pid, [](App&, kernel::GrantKernelData&) {}).status();
}

bool SpiController::owner_alive() {
    if (owner_.is_none()) return false;
    return grant_.enter_if_allocated(owner_, [](App&, kernel::GrantKernelData&) {}).ok();
}

kernel::CommandReturn SpiController::command(std::uint32_t command_num, std::uint32_t arg1,
                                             std::uint32_t, kernel::ProcessId pid) {
    using kernel::CommandReturn;
    using kernel::ErrorCode;
    if (command_num == 0) return CommandReturn::success();
    if (command_num == 1 || command_num == 3 || command_num == 4 || command_num > 12) {
        return CommandReturn::failure(ErrorCode::NOSUPPORT);
    }
    // Claim the bus, or refuse if a live process holds it.
    if (!(owner_ == pid)) {
        if (owner_alive()) return CommandReturn::failure(ErrorCode::NOMEM);
        const kernel::Status granted = allocate_grant(pid);
        if (!granted.is_ok()) return CommandReturn::failure(granted.error());
        owner_ = pid;
        busy_ = false;
    }
    switch (command_num) {
        case 2:
            return start(pid, Mode::kWriteRead, arg1);
        case 5:
            spi_.set_rate(arg1);
            return CommandReturn::success();
        case 6:
            return CommandReturn::success_u32(spi_.get_rate());
        case 7:
            spi_.set_phase(arg1 == 0 ? hil::ClockPhase::kSampleLeading
                                     : hil::ClockPhase::kSampleTrailing);
            return CommandReturn::success();
        case 8:
            return CommandReturn::success_u32(
                spi_.get_phase() == hil::ClockPhase::kSampleLeading ? 0 : 1);
        case 9:
            spi_.set_polarity(arg1 == 0 ? hil::ClockPolarity::kIdleLow
                                        : hil::ClockPolarity::kIdleHigh);
            return CommandReturn::success();
        case 10:
            return CommandReturn::success_u32(
                spi_.get_polarity() == hil::ClockPolarity::kIdleLow ? 0 : 1);
        case 11:
            return start(pid, Mode::kReadOnly, arg1);
        default:
            return start(pid, Mode::kInPlace, arg1);  // 12
    }
}

kernel::CommandReturn SpiController::start(kernel::ProcessId pid, Mode mode, std::uint32_t len) {
    using kernel::CommandReturn;
    if (busy_) return CommandReturn::failure(kernel::ErrorCode::BUSY);
    auto sizes = grant_.enter(pid, [](App&, kernel::GrantKernelData& kd) {
        struct Sizes {
            std::uint32_t ro, rw;
        };
        return Sizes{kd.readonly_buffer(kTxAllow).size(), kd.readwrite_buffer(kRxAllow).size()};
    });
    if (!sizes.ok()) return CommandReturn::failure(sizes.error());
    // The source of the bytes sent must hold the whole transfer; a read buffer, if any, too.
    const std::uint32_t source = mode == Mode::kWriteRead ? sizes.value().ro : sizes.value().rw;
    if (len == 0 || (mode != Mode::kReadOnly && source < len) ||
        (mode != Mode::kWriteRead && sizes.value().rw < len)) {
        return CommandReturn::failure(kernel::ErrorCode::INVAL);
    }
    mode_ = mode;
    length_ = len;
    done_ = 0;
    busy_ = true;
    if (!next_chunk()) {
        busy_ = false;
        return CommandReturn::failure(kernel::ErrorCode::FAIL);
    }
    return CommandReturn::success();
}

bool SpiController::next_chunk() {
    const std::uint32_t left = length_ - done_;
    chunk_ = left < kChunk ? left : kChunk;
    auto copied = grant_.enter_if_allocated(owner_, [&](App&, kernel::GrantKernelData& kd) {
        if (mode_ == Mode::kReadOnly) {
            for (std::uint32_t i = 0; i < chunk_; ++i) tx_[i] = 0xFF;
            return chunk_;
        }
        if (mode_ == Mode::kInPlace)
            return kd.readwrite_buffer(kRxAllow).copy_to(tx_, done_, chunk_);
        return kd.readonly_buffer(kTxAllow).copy_to(tx_, done_, chunk_);
    });
    // The owner died or shrank its buffer since the command.
    if (!copied.ok() || copied.value() != chunk_) return false;
    return spi_.read_write_bytes(tx_, rx_, chunk_).is_ok();
}

void SpiController::read_write_done(const std::uint8_t*, std::uint8_t*, std::size_t length,
                                    hil::Status) {
    if (!busy_) return;
    const bool alive =
        grant_
            .enter_if_allocated(owner_,
                                [&](App&, kernel::GrantKernelData& kd) {
                                    kernel::ReadWriteBuffer rx = kd.readwrite_buffer(kRxAllow);
                                    rx.copy_from(rx_, done_, static_cast<std::uint32_t>(length));
                                })
            .ok();
    done_ += static_cast<std::uint32_t>(length);
    if (alive && done_ < length_ && next_chunk()) return;
    busy_ = false;
    const std::uint32_t total = done_;
    grant_.enter_if_allocated(
        owner_, [&](App&, kernel::GrantKernelData& kd) { kd.schedule_upcall(0, total, 0, 0); });
}

}  // namespace capsules
