#pragma once
// Deferred calls: software "interrupts" a kernel component raises so that work runs later from
// the kernel loop, outside the current call stack (Tock's kernel/src/deferred_call.rs). At most
// 32 clients; the loop runs them after hardware interrupts, and never sleeps while one is pending.
//
// Usage: a component owns a `DeferredCall dc_;` constructed with itself as the client
// (`dc_{*this}`) and calls `dc_.set()`; later the loop calls `client.handle_deferred_call()`.
#include <cstdint>

namespace kernel {

class DeferredCallClient {
  public:
    virtual void handle_deferred_call() = 0;

  protected:
    ~DeferredCallClient() = default;
};

class DeferredCall {
  public:
    static constexpr unsigned kMaxClients = 32;

    // Registers `client`; panics the kernel when more than 32 are registered (a board bug).
    explicit DeferredCall(DeferredCallClient& client);
    DeferredCall(const DeferredCall&) = delete;
    DeferredCall& operator=(const DeferredCall&) = delete;

    void set();
    bool is_pending() const;

    // Kernel loop side.
    static bool has_pending();
    static void service_all();  // runs every pending client once, lowest index first

  private:
    std::uint8_t index_;
};

}  // namespace kernel
