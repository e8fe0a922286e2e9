#pragma once
// Console syscall driver, 0x1 (Tock: capsules/core/src/console.rs; tock-abi.md §2.2), on a
// UartDevice of the console UART mux.
//
//   command 0                exists (allocates the grant)                      -> Success
//   command 1  arg1 = n      write min(n, RO allow 1 length) bytes             -> Success
//   command 2  arg1 = n      read min(n, RW allow 1 length) bytes              -> Success;
//                            BUSY while another live process reads, INVAL if > 64, SIZE if 0
//                            (a read left by a process that died or restarted is taken over)
//   command 3                abort the read (upcall 2 with CANCEL, bytes so far) -> Success
//   subscribe 1              write done: (bytes_written, 0, 0)
//   subscribe 2              read done: (statuscode, bytes_received, 0)
//   read-only allow 1        bytes to write
//   read-write allow 1       buffer to read into
// Slots as in Tock: 3 upcalls, 2 read-only and 2 read-write allows (index 0 unused).
// Writes are sent through a 64-byte kernel buffer, chunk by chunk; one upcall at the end. Writes
// of several processes are serialised in process-slot order.
#include <cstddef>
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/uart.hpp"

namespace capsules {

class Console final : public kernel::SyscallDriver,
                      public hil::TransmitClient,
                      public hil::ReceiveClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x1;
    static constexpr std::size_t kBufferSize = 64;

    Console(kernel::Kernel& kernel, hil::Uart& uart);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;

    void transmitted_buffer(std::uint8_t* buffer, std::size_t length, hil::Status status) override;
    void received_buffer(std::uint8_t* buffer, std::size_t length, hil::Status status) override;

  private:
    struct App {
        std::uint32_t write_len;        // bytes this write will send in total
        std::uint32_t write_remaining;  // bytes not yet handed to the UART
        bool pending_write;             // waiting for another process's write to finish
    };
    using AppGrant = kernel::Grant<App, 3, 2, 2>;

    // Sends the next chunk of `app`'s write, or marks it pending if the UART is taken.
    void send(kernel::ProcessId pid, App& app, kernel::GrantKernelData& kd);
    void start_pending_writes();

    hil::Uart& uart_;
    AppGrant grant_;
    kernel::ProcessId tx_owner_ = kernel::kNoProcess;
    kernel::ProcessId rx_owner_ = kernel::kNoProcess;
    kernel::ProcessId last_reader_ = kernel::kNoProcess;  // input typed before belongs to it
    // A read left behind by a process that died is being aborted; once it completes, a new read
    // of rx_restart_len_ bytes starts for rx_owner_.
    bool rx_restarting_ = false;
    std::uint32_t rx_restart_len_ = 0;
    std::uint8_t tx_buffer_[kBufferSize] = {};
    std::uint8_t rx_buffer_[kBufferSize] = {};
};

}  // namespace capsules
