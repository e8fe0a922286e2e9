#pragma once
// Two idioms shared by the SAM4L system blocks (PM, SCIF, BSCIF, BPM):
//
// * UNLOCK write protection (sam4l.md §3): a protected register accepts one write right after
//   UNLOCK was written with KEY 0xAA and ADDR = that register's offset. Reads in between do not
//   consume the unlock (Tock unlocks, reads the register, then writes it). Any other write
//   consumes it. A write to a protected register without the unlock is discarded and sets the
//   block's access-error flag (AE, bit 31) via on_access_error().
//
// * PollWatch: a status register that the guest reads over and over without it changing and
//   with a "ready" bit still 0 is reported once, by register and bit name, so a boot that would
//   hang silently says where it hangs (issue 5: "reported by name after a bounded time").
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "emu/periph/register_block.hpp"

namespace tockemu::sam4l {

inline constexpr std::uint32_t kUnlockKey = 0xAA;

class ProtectedBlock : public RegisterBlock {
  public:
    ProtectedBlock(std::string name, std::span<const Reg> table, std::uint32_t size,
                   std::uint32_t unlock_offset,
                   std::initializer_list<std::uint32_t> protected_offsets);

    std::uint32_t read(std::uint32_t offset, unsigned size) override;
    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    void reset() override;

    // A protected register polled without change after a write to it was discarded for lack of
    // UNLOCK (the guest waits for a read-back that can never come), reported once per register.
    const std::vector<std::string>& readback_warnings() const { return readback_warnings_; }

  protected:
    virtual void on_access_error() {}

  private:
    static constexpr unsigned kPollLimit = 2'000'000;

    std::uint32_t unlock_offset_;
    std::vector<std::uint32_t> protected_;
    int armed_ = -1;                        // offset the next write may target, or -1
    std::vector<std::uint32_t> discarded_;  // protected offsets that lost a write
    std::uint32_t last_read_offset_ = ~0u, last_read_value_ = 0;
    unsigned same_reads_ = 0;
    std::vector<std::string> readback_warnings_;
};

// Counts consecutive identical reads of one status register; see the header comment.
class PollWatch {
  public:
    struct Bit {
        std::uint32_t mask;
        std::string_view name;
    };
    static constexpr unsigned kDefaultLimit = 2'000'000;

    PollWatch(std::string reg_name, std::vector<Bit> bits, unsigned limit = kDefaultLimit)
        : reg_name_(std::move(reg_name)), bits_(std::move(bits)), limit_(limit) {}

    // Record a CPU read that returned `value`; `armed` = bits the model is working towards
    // (their source is enabled). The report names the armed bits that are still 0, or, when none
    // is armed, every listed bit that is 0 with "(never enabled)". Returns true when it fired.
    bool observe(std::uint32_t value, std::uint32_t armed);
    // A write to the block restarts the count (the guest is doing something else).
    void touch() { count_ = 0; }
    const std::vector<std::string>& warnings() const { return warnings_; }

  private:
    std::string reg_name_;
    std::vector<Bit> bits_;
    unsigned limit_;
    unsigned count_ = 0;
    std::uint32_t last_ = 0;
    std::uint32_t reported_ = 0;  // bits already reported
    std::vector<std::string> warnings_;
};

}  // namespace tockemu::sam4l
