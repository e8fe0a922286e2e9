// grant_hog: exhausts the memory grants come from, then asks every driver for a grant until the
// kernel says NOMEM, reports, and keeps running.
//
// Grants are allocated top-down from the process's own RAM block; the app break grows up into
// the same free space. So: print first (the console's grant now exists), take all free memory
// with sbrk, then subscribe/allow across drivers (each first use allocates that driver's
// grant). The MPU lets the app break grow only up to the last enabled subregion (1/16 of the
// RAM block) below the grants, so the app is packed small (1 KiB stack, almost no heaps): its
// block, and with it that last subregion, is small enough for a few grants to fill. Afterwards
// the memory is given back and the grant that failed is retried, which must now succeed.
#include "alarm.h"
#include "console.h"

static void noop(int a, int b, int c, void* d) {
    (void)a, (void)b, (void)c, (void)d;
}

typedef struct {
    const char* name;
    uint32_t driver;
    int kind;  // 0 subscribe, 1 rw allow, 2 ro allow
    uint32_t number;
} request_t;

static uint8_t buf[8];

static statuscode_t try_grant(const request_t* r) {
    switch (r->kind) {
        case 0: {
            subscribe_return_t s = subscribe(r->driver, r->number, noop, NULL);
            return s.success ? 0 : s.status;
        }
        case 1: {
            allow_rw_return_t a = allow_readwrite(r->driver, r->number, buf, sizeof buf);
            if (a.success) allow_readwrite(r->driver, r->number, NULL, 0);
            return a.success ? 0 : a.status;
        }
        default: {
            allow_ro_return_t a = allow_readonly(r->driver, r->number, buf, sizeof buf);
            if (a.success) allow_readonly(r->driver, r->number, NULL, 0);
            return a.success ? 0 : a.status;
        }
    }
}

static unsigned heartbeats;
static void heartbeat(uint32_t now, void* ud) {
    (void)now, (void)ud;
    ++heartbeats;
    printf("grant_hog: still running (%u)\n", heartbeats);
}

int main(void) {
    printf("grant_hog: start, break %08x, grant region starts %08x\n", (unsigned)tock_brk_get(),
           (unsigned)tock_grant_start());
    void* original_break = tock_brk_get();
    unsigned taken = 0;
    for (int step = 1024; step >= 4; step /= 4) {
        while (tock_sbrk(step) != (void*)-1) taken += (unsigned)step;
    }
    printf("grant_hog: took %u bytes with sbrk, break now %08x\n", taken, (unsigned)tock_brk_get());

    const request_t requests[] = {
        {"alarm subscribe", 0x0, 0, 0},  {"button subscribe", 0x3, 0, 0},
        {"gpio subscribe", 0x4, 0, 0},   {"rng allow", 0x40001, 1, 0},
        {"spi ro allow", 0x20001, 2, 0}, {"console read allow", 0x1, 1, 1},
    };
    const unsigned n = sizeof requests / sizeof requests[0];
    statuscode_t results[sizeof requests / sizeof requests[0]];
    int first_nomem = -1;
    for (unsigned i = 0; i < n; ++i) {
        results[i] = try_grant(&requests[i]);
        if (results[i] == TOCK_STATUSCODE_NOMEM && first_nomem < 0) first_nomem = (int)i;
    }
    // Give the memory back before printing: printing itself needs no new grant, but be safe.
    tock_brk(original_break);
    for (unsigned i = 0; i < n; ++i) {
        printf("grant_hog: %s: %s\n", requests[i].name, tock_statuscode_name(results[i]));
    }
    if (first_nomem < 0) {
        printf("grant_hog: no NOMEM seen\n");
    } else {
        printf("grant_hog: NOMEM at %s\n", requests[first_nomem].name);
        statuscode_t retry = try_grant(&requests[first_nomem]);
        printf("grant_hog: after releasing memory, %s: %s\n", requests[first_nomem].name,
               tock_statuscode_name(retry));
    }
    static tock_timer_t t;
    timer_every(&t, 500, heartbeat, NULL);
    for (;;) yield();
}
