// Grant allocation and access (see grant.hpp for the layout and the lifetime rules).
#include "core/grant.hpp"

#include <cstring>

#include "core/debug.hpp"
#include "core/events.hpp"
#include "core/kernel.hpp"
#include "core/process.hpp"

namespace kernel {
namespace {
constexpr std::uint32_t kEnteredFlag = 1u << 24;
unsigned g_registered_grants = 0;
}  // namespace

unsigned registered_grant_count() {
    return g_registered_grants;
}

std::uint32_t ReadOnlyBuffer::copy_to(std::uint8_t* dst, std::uint32_t offset,
                                      std::uint32_t n) const {
    if (offset >= len_) return 0;
    if (n > len_ - offset) n = len_ - offset;
    std::memcpy(dst, ptr_ + offset, n);
    return n;
}

std::uint32_t ReadWriteBuffer::copy_to(std::uint8_t* dst, std::uint32_t offset,
                                       std::uint32_t n) const {
    if (offset >= len_) return 0;
    if (n > len_ - offset) n = len_ - offset;
    std::memcpy(dst, ptr_ + offset, n);
    return n;
}

std::uint32_t ReadWriteBuffer::copy_from(const std::uint8_t* src, std::uint32_t offset,
                                         std::uint32_t n) {
    if (offset >= len_) return 0;
    if (n > len_ - offset) n = len_ - offset;
    std::memcpy(ptr_ + offset, src, n);
    return n;
}

Status GrantKernelData::schedule_upcall(std::uint32_t subscribe_num, std::uint32_t arg0,
                                        std::uint32_t arg1, std::uint32_t arg2) {
    std::uint32_t upcalls = header_[0] & 0xFF;
    if (subscribe_num >= upcalls) return ErrorCode::INVAL;
    Process* p = process_lookup(pid_);
    if (p == nullptr) return ErrorCode::FAIL;
    const std::uint32_t* slot = header_ + 1 + 2 * subscribe_num;  // {appdata, fn}
    Task t{};
    t.kind = slot[1] == 0 ? Task::Kind::ReturnValue : Task::Kind::FunctionCall;
    t.driver = driver_num_;
    t.subscribe = subscribe_num;
    t.appdata = slot[0];
    t.fn = slot[1];
    t.args[0] = arg0;
    t.args[1] = arg1;
    t.args[2] = arg2;
    return p->enqueue(t) ? Status::ok() : Status(ErrorCode::NOMEM);
}

ReadOnlyBuffer GrantKernelData::readonly_buffer(std::uint32_t allow_num) const {
    std::uint32_t upcalls = header_[0] & 0xFF, ro = (header_[0] >> 8) & 0xFF;
    if (allow_num >= ro) return ReadOnlyBuffer(nullptr, 0);
    const std::uint32_t* slot = header_ + 1 + 2 * upcalls + 2 * allow_num;
    return ReadOnlyBuffer(reinterpret_cast<const std::uint8_t*>(slot[0]), slot[1]);
}

ReadWriteBuffer GrantKernelData::readwrite_buffer(std::uint32_t allow_num) const {
    std::uint32_t upcalls = header_[0] & 0xFF, ro = (header_[0] >> 8) & 0xFF;
    std::uint32_t rw = (header_[0] >> 16) & 0xFF;
    if (allow_num >= rw) return ReadWriteBuffer(nullptr, 0);
    const std::uint32_t* slot = header_ + 1 + 2 * upcalls + 2 * ro + 2 * allow_num;
    return ReadWriteBuffer(reinterpret_cast<std::uint8_t*>(slot[0]), slot[1]);
}

GrantBase::GrantBase(Kernel& kernel, std::uint32_t driver_num, Layout layout, Construct construct)
    : kernel_(kernel), driver_num_(driver_num), layout_(layout), construct_(construct) {
    index_ = kernel_.add_grant(*this);
}

unsigned GrantBase::slot_count() {
    return kMaxProcesses;
}

std::uint32_t* GrantBase::begin_enter(ProcessId pid, bool allocate, Status& status) {
    Process* p = process_lookup(pid);
    if (p == nullptr) {
        status = ErrorCode::INVAL;  // Tock: NoSuchApp -> INVAL
        return nullptr;
    }
    std::uint32_t addr = p->grant_ptrs[index_];
    if (addr == 0) {
        if (!allocate) {
            status = ErrorCode::FAIL;
            return nullptr;
        }
        // Carve the allocation below the kernel break; it must stay above every MPU subregion
        // the process may touch.
        std::uint32_t size = layout_.total_size;
        std::uint32_t floor = p->enabled_ram_end();
        std::uint32_t remaining = p->kernel_break - floor;
        if (size > remaining) {
            std::uint32_t ev[4] = {p->id.index, driver_num_, size, remaining};
            cortexm::itm_event(kEvGrantNoMem, ev, 4);
            status = ErrorCode::NOMEM;
            return nullptr;
        }
        addr = (p->kernel_break - size) & ~7u;
        if (addr < floor) {
            status = ErrorCode::NOMEM;
            return nullptr;
        }
        std::memset(reinterpret_cast<void*>(addr), 0, p->kernel_break - addr);
        auto* h = reinterpret_cast<std::uint32_t*>(addr);
        h[0] = std::uint32_t{layout_.upcalls} | std::uint32_t{layout_.allow_ro} << 8 |
               std::uint32_t{layout_.allow_rw} << 16;
        construct_(reinterpret_cast<std::uint8_t*>(addr) + layout_.data_offset);
        p->kernel_break = addr;
        p->grant_ptrs[index_] = addr;
        std::uint32_t ev[4] = {p->id.index, driver_num_, size, addr - floor};
        cortexm::itm_event(kEvGrantAlloc, ev, 4);
    }
    auto* h = reinterpret_cast<std::uint32_t*>(addr);
    if (h[0] & kEnteredFlag) {
        status = ErrorCode::FAIL;  // nested enter: Tock's AlreadyInUse -> FAIL
        return nullptr;
    }
    h[0] |= kEnteredFlag;
    status = Status::ok();
    return h;
}

std::uint32_t* GrantBase::begin_enter_slot(unsigned slot, ProcessId& pid) {
    Process* p = process_slot(slot);
    if (p == nullptr || !p->alive() || p->grant_ptrs[index_] == 0) return nullptr;
    auto* h = reinterpret_cast<std::uint32_t*>(p->grant_ptrs[index_]);
    if (h[0] & kEnteredFlag) return nullptr;
    h[0] |= kEnteredFlag;
    pid = p->id;
    return h;
}

void GrantBase::end_enter(std::uint32_t* header) {
    header[0] &= ~kEnteredFlag;
}

// ---- Kernel: driver table and grant registry ----

Status Kernel::register_driver(std::uint32_t driver_num, SyscallDriver& driver) {
    if (this->driver(driver_num) != nullptr) return ErrorCode::BUSY;
    if (driver_count_ == kMaxDrivers) return ErrorCode::NOMEM;
    drivers_[driver_count_++] = DriverEntry{driver_num, &driver};
    return Status::ok();
}

SyscallDriver* Kernel::driver(std::uint32_t driver_num) const {
    for (unsigned i = 0; i < driver_count_; ++i) {
        if (drivers_[i].num == driver_num) return drivers_[i].driver;
    }
    return nullptr;
}

unsigned Kernel::add_grant(GrantBase& grant) {
    if (grants_frozen_)
        KERNEL_PANIC("grant for driver 0x%lx created after processes loaded",
                     static_cast<unsigned long>(grant.driver_num()));
    if (grant_count_ == kMaxGrants) KERNEL_PANIC("too many grants (max %u)", kMaxGrants);
    grants_[grant_count_] = &grant;
    g_registered_grants = grant_count_ + 1;
    return grant_count_++;
}

GrantBase* Kernel::grant_for_driver(std::uint32_t driver_num) const {
    for (unsigned i = 0; i < grant_count_; ++i) {
        if (grants_[i]->driver_num() == driver_num) return grants_[i];
    }
    return nullptr;
}

}  // namespace kernel
