// IPC 0x10000 wrappers (see ipc.h): one small function per command, subscribe and allow.
#include "ipc.h"

enum {
    IPC_CMD_DISCOVER = 1,
    IPC_CMD_NOTIFY_SERVICE = 2,
    IPC_CMD_NOTIFY_CLIENT = 3,
    IPC_ALLOW_RO_SEARCH = 0,
};

int ipc_discover(const char* pkg_name, size_t* svc_id) {
    allow_ro_return_t prev =
        allow_readonly(IPC_DRIVER_NUM, IPC_ALLOW_RO_SEARCH, pkg_name, strlen(pkg_name));
    if (!prev.success) return tock_status_to_returncode(prev.status);

    uint32_t id = 0;
    int ret =
        tock_command_return_u32_to_returncode(command(IPC_DRIVER_NUM, IPC_CMD_DISCOVER, 0, 0), &id);

    // Give the kernel back the buffer it had, whatever the search found.
    prev = allow_readonly(IPC_DRIVER_NUM, IPC_ALLOW_RO_SEARCH, prev.ptr, prev.size);
    if (ret < 0) return ret;
    if (!prev.success) return tock_status_to_returncode(prev.status);
    *svc_id = id;
    return RETURNCODE_SUCCESS;
}

int ipc_register_service_callback(const char* pkg_name, subscribe_upcall callback, void* ud) {
    size_t own_id = 0;
    int ret = ipc_discover(pkg_name, &own_id);
    if (ret < 0) return ret;
    subscribe_return_t s = subscribe(IPC_DRIVER_NUM, own_id, callback, ud);
    return s.success ? RETURNCODE_SUCCESS : tock_status_to_returncode(s.status);
}

int ipc_register_client_callback(size_t svc_id, subscribe_upcall callback, void* ud) {
    subscribe_return_t s = subscribe(IPC_DRIVER_NUM, svc_id, callback, ud);
    return s.success ? RETURNCODE_SUCCESS : tock_status_to_returncode(s.status);
}

int ipc_notify_service(size_t pid) {
    return tock_command_return_novalue_to_returncode(
        command(IPC_DRIVER_NUM, IPC_CMD_NOTIFY_SERVICE, (int)pid, 0));
}

int ipc_notify_client(size_t pid) {
    return tock_command_return_novalue_to_returncode(
        command(IPC_DRIVER_NUM, IPC_CMD_NOTIFY_CLIENT, (int)pid, 0));
}

int ipc_share(size_t pid, void* base, int len) {
    allow_rw_return_t a = allow_readwrite(IPC_DRIVER_NUM, pid, base, (size_t)len);
    return a.success ? RETURNCODE_SUCCESS : tock_status_to_returncode(a.status);
}
