#pragma once
// TRD104 return variants (tock-abi.md §1.2). A value of this type is written into the stacked
// r0-r3 of the calling process; registers a variant does not define are left untouched, so the
// process sees its own argument values there (the ABI says "not written").
#include <cstdint>

#include "core/error_code.hpp"

namespace kernel {

enum class ReturnVariant : std::uint32_t {
    Failure = 0,
    FailureU32 = 1,
    FailureU32U32 = 2,
    FailureU64 = 3,
    Success = 128,
    SuccessU32 = 129,
    SuccessU32U32 = 130,
    SuccessU64 = 131,
    SuccessU32U32U32 = 132,
    SuccessU32U64 = 133,
};

struct SyscallReturn {
    ReturnVariant variant = ReturnVariant::Success;
    std::uint32_t r1 = 0, r2 = 0, r3 = 0;
    std::uint8_t words = 1;  // how many of r0..r3 the variant writes

    static constexpr SyscallReturn make(ReturnVariant v, std::uint8_t words, std::uint32_t a = 0,
                                        std::uint32_t b = 0, std::uint32_t c = 0) {
        SyscallReturn r;
        r.variant = v;
        r.words = words;
        r.r1 = a;
        r.r2 = b;
        r.r3 = c;
        return r;
    }
    static constexpr SyscallReturn success() { return make(ReturnVariant::Success, 1); }
    static constexpr SyscallReturn success_u32(std::uint32_t a) {
        return make(ReturnVariant::SuccessU32, 2, a);
    }
    static constexpr SyscallReturn success_u32_u32(std::uint32_t a, std::uint32_t b) {
        return make(ReturnVariant::SuccessU32U32, 3, a, b);
    }
    static constexpr SyscallReturn success_u64(std::uint64_t v) {
        return make(ReturnVariant::SuccessU64, 3, static_cast<std::uint32_t>(v),
                    static_cast<std::uint32_t>(v >> 32));
    }
    static constexpr SyscallReturn success_u32_u32_u32(std::uint32_t a, std::uint32_t b,
                                                       std::uint32_t c) {
        return make(ReturnVariant::SuccessU32U32U32, 4, a, b, c);
    }
    static constexpr SyscallReturn success_u32_u64(std::uint32_t a, std::uint64_t v) {
        return make(ReturnVariant::SuccessU32U64, 4, a, static_cast<std::uint32_t>(v),
                    static_cast<std::uint32_t>(v >> 32));
    }
    static constexpr SyscallReturn failure(ErrorCode e) {
        return make(ReturnVariant::Failure, 2, to_u32(e));
    }
    static constexpr SyscallReturn failure_u32(ErrorCode e, std::uint32_t a) {
        return make(ReturnVariant::FailureU32, 3, to_u32(e), a);
    }
    static constexpr SyscallReturn failure_u32_u32(ErrorCode e, std::uint32_t a, std::uint32_t b) {
        return make(ReturnVariant::FailureU32U32, 4, to_u32(e), a, b);
    }
    static constexpr SyscallReturn failure_u64(ErrorCode e, std::uint64_t v) {
        return make(ReturnVariant::FailureU64, 4, to_u32(e), static_cast<std::uint32_t>(v),
                    static_cast<std::uint32_t>(v >> 32));
    }
    // Success or plain Failure from a Status (the common "StatusCode" command result).
    static constexpr SyscallReturn from_status(Status s) {
        return s.is_ok() ? success() : failure(s.error());
    }
};

// What a driver's command() returns: any TRD104 variant.
using CommandReturn = SyscallReturn;

}  // namespace kernel
