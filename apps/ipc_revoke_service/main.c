// ipc_revoke_service: keeps the address of the buffer a client shared and keeps writing to it:
// at once and every 50 ms (byte 2, a heartbeat the client sees), and on every later notification
// (byte 1). Those writes go through the MPU region the kernel mapped for it; once the client has
// withdrawn the buffer, or exited, the next one must be a MemManage fault of this process alone
// (scenarios/ipc_revoke.yaml, tests/kernel/ipc_test.cpp).
#include "alarm.h"
#include "console.h"
#include "ipc.h"
#include "tock.h"

static volatile uint8_t* g_saved;
static int g_notifications;
static tock_timer_t g_heartbeat;

static void beat(__attribute__((unused)) uint32_t now, __attribute__((unused)) void* ud) {
    g_saved[2]++;
}

static void on_client(int pid, int len, int buf, __attribute__((unused)) void* ud) {
    ++g_notifications;
    if (g_notifications == 1) {
        g_saved = (volatile uint8_t*)buf;
        printf("ipc_revoke_service: client %d shared %d bytes at 0x%x\n", pid, len, buf);
        g_saved[0] = 'S';
        timer_every(&g_heartbeat, 50, beat, NULL);
        ipc_notify_client(pid);
        return;
    }
    printf("ipc_revoke_service: notified with %d bytes; writing the old buffer at 0x%x\n", len,
           (unsigned)(uintptr_t)g_saved);
    g_saved[1] = 'X';
    printf("ipc_revoke_service: NOT FAULTED\n");
}

int main(void) {
    int ret = ipc_register_service_callback("ipc_revoke_service", on_client, NULL);
    printf("ipc_revoke_service: registered: %s\n", tock_strerror(ret));
    for (;;) yield();
}
