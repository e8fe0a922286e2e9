// ipc_revoke_client: the IPC error paths as libtock-c sees them, then a shared buffer taken away
// while the service still holds its address, twice (ipc_revoke_service must fault, not us):
//   discover of a name no process has      -> NODEVICE
//   share a buffer no MPU region can cover -> INVAL (48 bytes; 16 bytes)
//   notify an empty process slot           -> INVAL
//   1. share 64 aligned bytes, notify      -> the service writes 'S' into them and answers
//      share (NULL, 0), notify again       -> the service's write faults; we keep running
//   2. share 96 bytes at 32 past a 256-byte boundary (an MPU region of 256 bytes with
//      subregions 1-3 enabled) with the restarted service, notify, wait for 'S', then exit: the
//      kernel withdraws the buffer with our grants, and the service's next heartbeat write faults
#include "alarm.h"
#include "console.h"
#include "ipc.h"
#include "tock.h"

static uint8_t g_shared[64] __attribute__((aligned(64)));
static uint8_t g_odd[64] __attribute__((aligned(64)));
static uint8_t g_area[256] __attribute__((aligned(256)));
static volatile bool g_answered;

static void on_service(__attribute__((unused)) int pid, __attribute__((unused)) int len,
                       __attribute__((unused)) int buf, __attribute__((unused)) void* ud) {
    g_answered = true;
}

static void share_and_wait(size_t id, uint8_t* buf, int len) {
    buf[0] = 0;
    g_answered = false;
    int ret = ipc_share(id, buf, len);
    printf("ipc_revoke_client: share %d bytes at 0x%x: %s\n", len, (unsigned)(uintptr_t)buf,
           tock_strerror(ret));
    ipc_notify_service(id);
    yield_for(&g_answered);
    printf("ipc_revoke_client: service wrote '%c'\n", buf[0]);
}

int main(void) {
    size_t id = 0;
    int ret = ipc_discover("no.such.service", &id);
    printf("ipc_revoke_client: discover no.such.service: %s\n", tock_strerror(ret));

    ret = ipc_discover("ipc_revoke_service", &id);
    printf("ipc_revoke_client: discover ipc_revoke_service: %s, id %u\n", tock_strerror(ret),
           (unsigned)id);
    if (ret < 0) return 1;

    printf("ipc_revoke_client: share 48 bytes: %s\n", tock_strerror(ipc_share(id, g_odd, 48)));
    printf("ipc_revoke_client: share 16 bytes: %s\n", tock_strerror(ipc_share(id, g_odd, 16)));
    printf("ipc_revoke_client: notify empty slot 7: %s\n", tock_strerror(ipc_notify_service(7)));
    ipc_register_client_callback(id, on_service, NULL);

    share_and_wait(id, g_shared, sizeof(g_shared));
    ret = ipc_share(id, NULL, 0);
    printf("ipc_revoke_client: withdrew the buffer: %s\n", tock_strerror(ret));
    ipc_notify_service(id);
    delay_ms(100);
    printf("ipc_revoke_client: still running, buffer byte 1 is %u\n", g_shared[1]);

    // The service was restarted by its fault policy (or is stopped: then nobody answers).
    share_and_wait(id, g_area + 32, 96);
    printf("ipc_revoke_client: exiting with the buffer shared\n");
    return 0;
}
