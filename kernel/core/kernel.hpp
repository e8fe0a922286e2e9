#pragma once
// The kernel object capsules and the board see: the driver table and grant registry. Processes,
// the scheduler and syscall dispatch live behind it (core/process.hpp, core/kernel.cpp).
#include <cstdint>

#include "core/error_code.hpp"
#include "core/syscall_driver.hpp"

namespace kernel {

class GrantBase;

class Kernel {
  public:
    static constexpr unsigned kMaxDrivers = 24;
    static constexpr unsigned kMaxGrants = 16;

    // Adds `driver` under Tock driver number `driver_num` (tock-abi.md §2.1). Call from
    // hail_setup_drivers(), before processes are loaded. BUSY if the number is taken, NOMEM if
    // the table is full.
    Status register_driver(std::uint32_t driver_num, SyscallDriver& driver);
    SyscallDriver* driver(std::uint32_t driver_num) const;

    // Grant registry (called by GrantBase's constructor). Grants must be created before processes
    // are loaded; the count is then frozen. Returns the grant's index; panics when full or late.
    unsigned add_grant(GrantBase& grant);
    GrantBase* grant_for_driver(std::uint32_t driver_num) const;
    unsigned grant_count() const { return grant_count_; }
    GrantBase* grant_at(unsigned i) const { return i < grant_count_ ? grants_[i] : nullptr; }
    void freeze_grants() { grants_frozen_ = true; }

  private:
    struct DriverEntry {
        std::uint32_t num;
        SyscallDriver* driver;
    };
    DriverEntry drivers_[kMaxDrivers] = {};
    unsigned driver_count_ = 0;
    GrantBase* grants_[kMaxGrants] = {};
    unsigned grant_count_ = 0;
    bool grants_frozen_ = false;
};

}  // namespace kernel
