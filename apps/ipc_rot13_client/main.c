// ipc_rot13_client: libtock-c's examples/rot13_client on our runtime. Shares a 64-byte buffer
// holding {int8 length, "Hello World!"} with the rot13 service and prints it each time the service
// notifies back ("12: Uryyb Jbeyq!", then "12: Hello World!", ...), every 500 ms.
#include "alarm.h"
#include "console.h"
#include "ipc.h"
#include "tock.h"

static size_t rot13_svc_num = 0;

static char buf[64] __attribute__((aligned(64)));

struct rot13_buf {
    int8_t length;
    char buf[31];
};

static void rot13_callback(__attribute__((unused)) int pid, __attribute__((unused)) int len,
                           __attribute__((unused)) int arg2, void* ud) {
    struct rot13_buf* rb = (struct rot13_buf*)ud;
    // Our printf has no "%.*s": copy the counted text into a terminated string.
    char text[sizeof(rb->buf) + 1];
    int n = rb->length < 0                      ? 0
            : rb->length > (int)sizeof(rb->buf) ? (int)sizeof(rb->buf)
                                                : rb->length;
    for (int i = 0; i < n; ++i) text[i] = rb->buf[i];
    text[n] = '\0';
    printf("%d: %s\n", rb->length, text);
    delay_ms(500);
    ipc_notify_service(rot13_svc_num);
}

int main(void) {
    int err = ipc_discover("org.tockos.examples.rot13", &rot13_svc_num);
    if (err < 0) {
        printf("No rot13 service\n");
        return -1;
    }

    struct rot13_buf* rb = (struct rot13_buf*)buf;
    ipc_register_client_callback(rot13_svc_num, rot13_callback, rb);

    rb->length = (int8_t)snprintf(rb->buf, sizeof(rb->buf), "Hello World!");
    ipc_share(rot13_svc_num, rb, 64);

    ipc_notify_service(rot13_svc_num);

    for (;;) yield();
}
