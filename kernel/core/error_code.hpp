#pragma once
// Tock's ErrorCode (TRD104 §3.4, tock/tock: kernel/src/errorcode.rs). The numeric values are ABI:
// they travel in r1 of a Failure return and, as a "StatusCode" (0 = success), in upcall arguments.
#include <cstdint>

namespace kernel {

enum class ErrorCode : std::uint32_t {
    FAIL = 1,
    BUSY = 2,
    ALREADY = 3,
    OFF = 4,
    RESERVE = 5,
    INVAL = 6,  // TRD104 "INVALID"
    SIZE = 7,
    CANCEL = 8,
    NOMEM = 9,
    NOSUPPORT = 10,
    NODEVICE = 11,
    UNINSTALLED = 12,
    NOACK = 13,
};

constexpr std::uint32_t to_u32(ErrorCode e) {
    return static_cast<std::uint32_t>(e);
}

// StatusCode as passed in upcall arguments: 0 for success, else the ErrorCode value.
constexpr std::uint32_t kStatusSuccess = 0;
constexpr std::uint32_t status_code(ErrorCode e) {
    return to_u32(e);
}

// An operation that either succeeded or failed with an ErrorCode (Tock's Result<(), ErrorCode>).
class Status {
  public:
    constexpr Status() = default;                         // success
    constexpr Status(ErrorCode e) : error_(to_u32(e)) {}  // NOLINT: implicit on purpose
    static constexpr Status ok() { return Status(); }
    constexpr bool is_ok() const { return error_ == 0; }
    constexpr ErrorCode error() const { return static_cast<ErrorCode>(error_); }
    // 0 on success, else the error code: the upcall "StatusCode" encoding.
    constexpr std::uint32_t status_code() const { return error_; }

  private:
    std::uint32_t error_ = 0;
};

}  // namespace kernel
