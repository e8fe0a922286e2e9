// Deferred calls (see deferred_call.hpp).
#include "core/deferred_call.hpp"

#include "core/debug.hpp"

namespace kernel {
namespace {
DeferredCallClient* g_clients[DeferredCall::kMaxClients];
unsigned g_count = 0;
volatile std::uint32_t g_pending = 0;
}  // namespace

DeferredCall::DeferredCall(DeferredCallClient& client) {
    if (g_count == kMaxClients) KERNEL_PANIC("more than %u deferred call clients", kMaxClients);
    index_ = static_cast<std::uint8_t>(g_count);
    g_clients[g_count++] = &client;
}

void DeferredCall::set() {
    g_pending = g_pending | (1u << index_);
}

bool DeferredCall::is_pending() const {
    return (g_pending & (1u << index_)) != 0;
}

bool DeferredCall::has_pending() {
    return g_pending != 0;
}

void DeferredCall::service_all() {
    for (unsigned i = 0; i < g_count; ++i) {
        if ((g_pending & (1u << i)) == 0) continue;
        g_pending = g_pending & ~(1u << i);  // cleared first: the client may set it again
        g_clients[i]->handle_deferred_call();
    }
}

}  // namespace kernel
