#include "chips/sam4l/trng.hpp"

#include "chips/sam4l/mmio.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

constexpr std::uintptr_t kTrngBase = 0x4006'8000;
// Registers, in datasheet order.
constexpr Reg kCr{kTrngBase + 0x00};
constexpr Reg kIer{kTrngBase + 0x10};
constexpr Reg kIdr{kTrngBase + 0x14};
constexpr Reg kIsr{kTrngBase + 0x1C};
constexpr Reg kOdata{kTrngBase + 0x50};

constexpr std::uint32_t kCrKey = 0x524E47u << 8;  // "RNG": writes without it are ignored
constexpr std::uint32_t kCrEnable = 1u << 0;
constexpr std::uint32_t kDatrdy = 1u << 0;

}  // namespace

hil::Status Trng::get() {
    if (running_) return hil::Status::ok();
    running_ = true;
    pm::enable(pm::PbaClock::kTrng);
    kCr.write(kCrKey | kCrEnable);
    kIer.write(kDatrdy);
    return hil::Status::ok();
}

hil::Status Trng::cancel() {
    if (!running_) return kernel::ErrorCode::ALREADY;
    stop();
    return hil::Status::ok();
}

void Trng::stop() {
    running_ = false;
    kIdr.write(kDatrdy);
    kCr.write(kCrKey);
    pm::disable(pm::PbaClock::kTrng);
}

void Trng::handle_interrupt() {
    kIdr.write(kDatrdy);
    if (!running_) return;
    if ((kIsr.read() & kDatrdy) == 0) {
        kIer.write(kDatrdy);
        return;
    }
    const std::uint32_t word = kOdata.read();
    const bool more = client_ != nullptr && client_->entropy_available(word, hil::Status::ok());
    if (more && running_) {
        kIer.write(kDatrdy);
    } else if (running_) {
        stop();
    }
}

}  // namespace sam4l
