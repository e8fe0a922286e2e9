#pragma once
// SPI controller syscall driver, 0x20001 (Tock: capsules/core/src/spi_controller.rs;
// tock-abi.md §2.7). The bus belongs to one process at a time: the first process to issue a
// command that touches it owns it until it dies; others get NOMEM (as upstream).
//
//   command  0                exists                                           -> Success
//   command  1                (old single-byte transfer)                       -> NOSUPPORT
//   command  2  arg1 = len    write RO allow 0, read into RW allow 0 if any    -> Success / BUSY /
//   INVAL command  3 / 4            chip select set / get                            -> NOSUPPORT
//   command  5  arg1 = hz     set rate                                         -> Success
//   command  6                get rate                                         -> Success u32
//   command  7  arg1 = 0/1    phase (0: sample leading edge, 1: trailing)      -> Success
//   command  8                get phase                                        -> Success u32
//   command  9  arg1 = 0/1    polarity (0: idle low, 1: idle high)             -> Success
//   command 10                get polarity                                     -> Success u32
//   command 11  arg1 = len    read only into RW allow 0, sending 0xFF          -> Success
//   command 12  arg1 = len    in place: send RW allow 0 and overwrite it       -> Success
//   subscribe 0               upcall (len, 0, 0) when the transfer is done
// Process buffers are copied through 128-byte kernel buffers (DMA never touches process memory,
// so a process that dies mid-transfer cannot be written after its memory is reused).
#include <cstddef>
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/spi.hpp"

namespace capsules {

class SpiController final : public kernel::SyscallDriver, public hil::SpiMasterClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x20001;
    static constexpr std::size_t kChunk = 128;

    SpiController(kernel::Kernel& kernel, hil::SpiMaster& spi);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void read_write_done(const std::uint8_t* write, std::uint8_t* read, std::size_t length,
                         hil::Status status) override;

  private:
    enum class Mode : std::uint8_t { kWriteRead, kReadOnly, kInPlace };
    struct App {
        std::uint8_t unused;
    };

    kernel::CommandReturn start(kernel::ProcessId pid, Mode mode, std::uint32_t len);
    // Copies the next chunk in and starts it; false when the transfer cannot continue.
    bool next_chunk();
    bool owner_alive();

    hil::SpiMaster& spi_;
    kernel::Grant<App, 1, 1, 1> grant_;
    kernel::ProcessId owner_ = kernel::kNoProcess;
    Mode mode_ = Mode::kWriteRead;
    bool busy_ = false;
    std::uint32_t length_ = 0;  // total bytes of the transfer
    std::uint32_t done_ = 0;    // bytes exchanged so far
    std::uint32_t chunk_ = 0;   // bytes in flight
    std::uint8_t tx_[kChunk] = {};
    std::uint8_t rx_[kChunk] = {};
};

}  // namespace capsules
