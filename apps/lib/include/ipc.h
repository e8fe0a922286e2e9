// IPC 0x10000: service discovery by package name, notifications, shared buffers. The same
// functions and semantics as libtock-c's libtock/kernel/ipc.h (tock-abi.md §9.4; kernel side:
// kernel/core/ipc.hpp). A process id is the kernel's slot index of that process (0..7).
#pragma once

#include <stddef.h>

#include "tock.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IPC_DRIVER_NUM 0x10000

// The id of the process whose TBF package name is `pkg_name`; -ENODEVICE when there is none.
int ipc_discover(const char* pkg_name, size_t* svc_id);

// Registers `callback(client_id, buffer_len, buffer_addr, ud)` for notifications from clients;
// `pkg_name` is this service's own package name (it looks up its own id).
int ipc_register_service_callback(const char* pkg_name, subscribe_upcall callback, void* ud);

// Registers `callback(service_id, buffer_len, buffer_addr, ud)` for notifications from service
// `svc_id`.
int ipc_register_client_callback(size_t svc_id, subscribe_upcall callback, void* ud);

int ipc_notify_service(size_t pid);
int ipc_notify_client(size_t pid);

// Shares [base, base + len) with process `pid` until shared again (NULL, 0 withdraws it). The
// kernel maps it into that process's MPU, so `base` must be 32-byte aligned and `len` at least 32,
// a power of two aligned to itself or whole MPU subregions: -EINVAL otherwise.
int ipc_share(size_t pid, void* base, int len);

#ifdef __cplusplus
}
#endif
