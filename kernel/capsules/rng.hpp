#pragma once
// RNG syscall driver, 0x40001 (Tock: capsules/core/src/rng.rs; tock-abi.md §2.7), on the
// chip's Entropy32 source.
//
//   command 0               exists                                     -> Success
//   command 1  arg1 = n     fill the first n bytes of RW allow 0       -> Success
//   subscribe 0             upcall (0, bytes_filled, 0) when done
//   read-write allow 0      buffer to fill
// Several processes may wait at once; words are handed out in process-slot order. A request
// larger than the allowed buffer ends when the buffer is full.
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/entropy.hpp"

namespace capsules {

class RngDriver final : public kernel::SyscallDriver, public hil::EntropyClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x40001;

    RngDriver(kernel::Kernel& kernel, hil::Entropy32& entropy);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    bool entropy_available(std::uint32_t word, hil::Status status) override;

  private:
    struct App {
        std::uint32_t requested;  // bytes still wanted by this request
        std::uint32_t filled;     // bytes written so far
        bool pending;
    };

    hil::Entropy32& entropy_;
    kernel::Grant<App, 1, 0, 1> grant_;
    bool running_ = false;
};

}  // namespace capsules
