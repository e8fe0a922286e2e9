// ipc_rot13_service: libtock-c's examples/rot13_service on our runtime. Package name
// org.tockos.examples.rot13 (apps/CMakeLists.txt). Each notification from a client rotates the
// text in the buffer the client shared ({int8 length, 31 chars}) and notifies the client back.
#include "ipc.h"
#include "tock.h"

struct rot13_buf {
    int8_t length;
    char buf[31];
};

static char rot13(char c) {
    if (c >= 'a' && c <= 'z') return (char)((c - 'a' + 13) % 26 + 'a');
    if (c >= 'A' && c <= 'Z') return (char)((c - 'A' + 13) % 26 + 'A');
    return c;
}

static void rot13_callback(int pid, int len, int buf, __attribute__((unused)) void* ud) {
    struct rot13_buf* rb = (struct rot13_buf*)buf;
    int length = rb->length;
    if (length > len - 1) length = len - 1;
    for (int i = 0; i < length; ++i) rb->buf[i] = rot13(rb->buf[i]);
    ipc_notify_client(pid);
}

int main(void) {
    ipc_register_service_callback("org.tockos.examples.rot13", rot13_callback, NULL);
    // libtock-c's crt0 yields forever once main returns; ours exits, so the service waits here.
    for (;;) yield();
}
