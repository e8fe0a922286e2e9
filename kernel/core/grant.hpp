#pragma once
// Grants: per-process capsule state that lives in the process's own RAM block (Tock's
// kernel/src/grant.rs; tock-abi.md §6).
//
//   Grant<T, kUpcalls, kAllowRo, kAllowRw> grant{kernel, DRIVER_NUM};
//   auto r = grant.enter(pid, [&](T& state, GrantKernelData& kd) { ...; return value; });
//   if (!r.ok()) return CommandReturn::failure(r.error());   // NOMEM when the region is full
//
// One allocation per (grant, process), made on first enter(), carved downward from the process's
// kernel break (the top of its RAM block, above everything the MPU lets the process touch).
// Layout, low -> high: a counters word (byte0 upcalls, byte1 RO allows, byte2 RW allows,
// byte3 "entered"), kUpcalls x {appdata, fn}, kAllowRo x {ptr, len}, kAllowRw x {ptr, len},
// padding, T. T is value-initialised on allocation and never destroyed: all grant memory of a
// process is reclaimed in one step when it exits, faults or restarts (the kernel break is reset),
// so T must be trivially destructible. If the region cannot grow (it would cross the app break
// or an MPU subregion the process may use) enter() fails with NOMEM for that process only.
//
// Lifetime of references (compare Rust): in Tock, enter takes a closure `FnOnce(&mut GrantData<T>,
// &GrantKernelData) -> R`; the borrow checker proves no reference derived from those arguments
// outlives the closure, so a capsule cannot keep a pointer into memory that a process restart
// frees. C++ cannot prove this. What we do instead:
//  - The only way to reach T or the allow buffers is the callable passed to enter()/each().
//  - GrantKernelData and the buffer views are neither copyable nor movable, so they cannot be
//    stored outside the callable's frame by value.
//  - enter() rejects (static_assert) callables returning pointers, references or the buffer
//    views, the common way to leak a reference.
//  - A nested enter() of the same grant for the same process fails with FAIL rather than handing
//    out a second mutable alias (Tock panics instead).
// What remains possible and is forbidden by convention (reviewed, not compiled): taking `&state`
// or `buffer.data()` and storing it in a capsule member or a captured outer pointer. Code review
// rule: nothing obtained inside enter() is stored outside it; copy the bytes instead.
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "core/error_code.hpp"
#include "core/process_id.hpp"

namespace kernel {

class Kernel;

// A process buffer shared with Read-Only Allow. Checked at allow time to lie in the process's RAM
// (below its app break, which can never be lowered under an allowed buffer) or in its flash.
class ReadOnlyBuffer {
  public:
    ReadOnlyBuffer(const std::uint8_t* ptr, std::uint32_t len) : ptr_(ptr), len_(len) {}
    ReadOnlyBuffer(const ReadOnlyBuffer&) = delete;
    ReadOnlyBuffer& operator=(const ReadOnlyBuffer&) = delete;

    std::uint32_t size() const { return len_; }
    bool empty() const { return len_ == 0; }
    std::uint8_t at(std::uint32_t i) const { return i < len_ ? ptr_[i] : 0; }
    // Copies up to `n` bytes starting at `offset`; returns how many were copied.
    std::uint32_t copy_to(std::uint8_t* dst, std::uint32_t offset, std::uint32_t n) const;
    const std::uint8_t* data() const { return ptr_; }  // valid only inside enter()

  private:
    const std::uint8_t* ptr_;
    std::uint32_t len_;
};

// A process buffer shared with Read-Write Allow (always inside [memory_start, app_break)).
class ReadWriteBuffer {
  public:
    ReadWriteBuffer(std::uint8_t* ptr, std::uint32_t len) : ptr_(ptr), len_(len) {}
    ReadWriteBuffer(const ReadWriteBuffer&) = delete;
    ReadWriteBuffer& operator=(const ReadWriteBuffer&) = delete;

    std::uint32_t size() const { return len_; }
    bool empty() const { return len_ == 0; }
    std::uint8_t at(std::uint32_t i) const { return i < len_ ? ptr_[i] : 0; }
    void set(std::uint32_t i, std::uint8_t v) {
        if (i < len_) ptr_[i] = v;
    }
    std::uint32_t copy_to(std::uint8_t* dst, std::uint32_t offset, std::uint32_t n) const;
    // Copies up to `n` bytes from `src` into the buffer at `offset`; returns how many fit.
    std::uint32_t copy_from(const std::uint8_t* src, std::uint32_t offset, std::uint32_t n);
    std::uint8_t* data() { return ptr_; }  // valid only inside enter()

  private:
    std::uint8_t* ptr_;
    std::uint32_t len_;
};

// The kernel-managed part of a grant: upcall and allow slots of one process for one driver.
class GrantKernelData {
  public:
    GrantKernelData(const GrantKernelData&) = delete;
    GrantKernelData& operator=(const GrantKernelData&) = delete;

    // Queues upcall `subscribe_num` with the given arguments on the process (a "return value"
    // task when the slot holds the Null Upcall, for Yield-WaitFor). Errors: INVAL for a slot
    // number >= kUpcalls, NOMEM when the process's 10-entry queue is full (counted as dropped).
    Status schedule_upcall(std::uint32_t subscribe_num, std::uint32_t arg0, std::uint32_t arg1,
                           std::uint32_t arg2);
    ReadOnlyBuffer readonly_buffer(std::uint32_t allow_num) const;  // empty if none/out of range
    ReadWriteBuffer readwrite_buffer(std::uint32_t allow_num) const;
    ProcessId process() const { return pid_; }
    std::uint32_t driver() const { return driver_num_; }

    // Core use: the raw allocation this view wraps.
    GrantKernelData(ProcessId pid, std::uint32_t driver_num, std::uint32_t* header)
        : pid_(pid), driver_num_(driver_num), header_(header) {}

  private:
    ProcessId pid_;
    std::uint32_t driver_num_;
    std::uint32_t* header_;
};

template <typename R>
class GrantResult {
  public:
    GrantResult(Status s, R v) : status_(s), value_(std::move(v)) {}
    bool ok() const { return status_.is_ok(); }
    Status status() const { return status_; }
    ErrorCode error() const { return status_.error(); }
    R& value() { return value_; }
    R value_or(R fallback) const { return ok() ? value_ : fallback; }

  private:
    Status status_;
    R value_;
};

template <>
class GrantResult<void> {
  public:
    explicit GrantResult(Status s) : status_(s) {}
    bool ok() const { return status_.is_ok(); }
    Status status() const { return status_; }
    ErrorCode error() const { return status_.error(); }

  private:
    Status status_;
};

// Type-independent part, implemented by the core (core/grant.cpp).
class GrantBase {
  public:
    std::uint32_t driver_num() const { return driver_num_; }
    unsigned index() const { return index_; }

    struct Layout {
        std::uint8_t upcalls, allow_ro, allow_rw;
        std::uint32_t data_offset;  // offset of T in the allocation
        std::uint32_t total_size;   // bytes, multiple of 8
    };
    const Layout& layout() const { return layout_; }

  protected:
    using Construct = void (*)(void*);
    GrantBase(Kernel& kernel, std::uint32_t driver_num, Layout layout, Construct construct);
    GrantBase(const GrantBase&) = delete;
    GrantBase& operator=(const GrantBase&) = delete;
    ~GrantBase() = default;

    // Returns the allocation for `pid` (allocating it when `allocate`), marked entered; nullptr
    // and `status` set on failure (INVAL dead/stale pid, NOMEM no room, FAIL already entered).
    std::uint32_t* begin_enter(ProcessId pid, bool allocate, Status& status);
    // Same for process slot `slot` if it is alive and has this grant; fills `pid`.
    std::uint32_t* begin_enter_slot(unsigned slot, ProcessId& pid);
    static void end_enter(std::uint32_t* header);
    static unsigned slot_count();

    template <typename T>
    static constexpr Layout make_layout(unsigned u, unsigned ro, unsigned rw) {
        std::uint32_t head = 4 + 8 * (u + ro + rw);
        std::uint32_t align = alignof(T) < 4 ? 4 : alignof(T);
        std::uint32_t off = (head + align - 1) / align * align;
        std::uint32_t total = (off + sizeof(T) + 7) / 8 * 8;
        return Layout{static_cast<std::uint8_t>(u), static_cast<std::uint8_t>(ro),
                      static_cast<std::uint8_t>(rw), off, total};
    }

  private:
    Kernel& kernel_;
    std::uint32_t driver_num_;
    Layout layout_;
    Construct construct_;
    unsigned index_;
};

template <typename T, unsigned kUpcalls = 0, unsigned kAllowRo = 0, unsigned kAllowRw = 0>
class Grant : private GrantBase {
    static_assert(std::is_trivially_destructible_v<T>,
                  "grant memory is reclaimed wholesale, T's destructor would never run");
    static_assert(alignof(T) <= 8, "grant allocations are 8-byte aligned");
    static_assert(kUpcalls < 256 && kAllowRo < 256 && kAllowRw < 256);

  public:
    Grant(Kernel& kernel, std::uint32_t driver_num)
        : GrantBase(kernel, driver_num, make_layout<T>(kUpcalls, kAllowRo, kAllowRw),
                    [](void* p) { ::new (p) T{}; }) {}

    using GrantBase::driver_num;

    // Runs `f(T&, GrantKernelData&)` on `pid`'s state, allocating it on first use.
    template <typename F>
    auto enter(ProcessId pid, F&& f) {
        return enter_impl(pid, true, std::forward<F>(f));
    }
    // Like enter() but never allocates: FAIL when the process has no allocation yet.
    template <typename F>
    auto enter_if_allocated(ProcessId pid, F&& f) {
        return enter_impl(pid, false, std::forward<F>(f));
    }

    // Runs `f(ProcessId, T&, GrantKernelData&)` for every live process that already has this
    // grant allocated, in slot order.
    template <typename F>
    void each(F&& f) {
        for (unsigned slot = 0; slot < slot_count(); ++slot) {
            ProcessId pid;
            std::uint32_t* header = begin_enter_slot(slot, pid);
            if (header == nullptr) continue;
            GrantKernelData kd(pid, driver_num(), header);
            f(pid, data(header), kd);
            end_enter(header);
        }
    }

  private:
    static T& data(std::uint32_t* header) {
        return *std::launder(
            reinterpret_cast<T*>(reinterpret_cast<std::uint8_t*>(header) +
                                 make_layout<T>(kUpcalls, kAllowRo, kAllowRw).data_offset));
    }

    template <typename F>
    auto enter_impl(ProcessId pid, bool allocate, F&& f) {
        using R = std::invoke_result_t<F, T&, GrantKernelData&>;
        static_assert(!std::is_pointer_v<R> && !std::is_reference_v<R>,
                      "a pointer or reference must not escape a grant");
        static_assert(!std::is_same_v<std::remove_cv_t<R>, ReadOnlyBuffer> &&
                          !std::is_same_v<std::remove_cv_t<R>, ReadWriteBuffer>,
                      "a process buffer must not escape a grant");
        Status status;
        std::uint32_t* header = begin_enter(pid, allocate, status);
        if constexpr (std::is_void_v<R>) {
            if (header == nullptr) return GrantResult<void>(status);
            GrantKernelData kd(pid, driver_num(), header);
            f(data(header), kd);
            end_enter(header);
            return GrantResult<void>(Status::ok());
        } else {
            if (header == nullptr) return GrantResult<R>(status, R{});
            GrantKernelData kd(pid, driver_num(), header);
            R r = f(data(header), kd);
            end_enter(header);
            return GrantResult<R>(Status::ok(), std::move(r));
        }
    }
};

}  // namespace kernel
