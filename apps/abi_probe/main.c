// abi_probe: checks the return values libtock-c's wrappers and drivers depend on, against the
// upstream Tock 2.x kernel (docs/0010-libtock-c-abi.md has one row per check, with its source).
// Every syscall is made raw (tock_raw_syscall) so that no wrapper interprets the result. Prints
// "abi_probe: <check>: ok" or "abi_probe: <check>: MISMATCH r0..r3" and a summary line.
#include "console.h"

#define ALARM 0x0u
#define CONSOLE 0x1u
#define LED 0x2u
#define BUTTON 0x3u
#define GPIO 0x4u
#define LLD 0x8u
#define RNG 0x40001u
#define NO_DRIVER 0xBEEF0u

enum { FAILURE = 0, FAILURE_2U32 = 2, SUCCESS = 128, SUCCESS_U32 = 129, SUCCESS_2U32 = 130 };
enum { FAIL = 1, ALREADY = 3, INVAL = 6, NOMEM = 9, NOSUPPORT = 10, NODEVICE = 11 };
#define ANY 0xA5A5A5A5u  // "do not compare this register"

static unsigned g_checks, g_mismatches;

static void upcall_a(int a, int b, int c, void* d) {
    (void)a, (void)b, (void)c, (void)d;
}
static void upcall_b(int a, int b, int c, void* d) {
    (void)a, (void)b, (void)c, (void)d;
}

static volatile int g_alarm_upcalls;
static void alarm_counter(int now, int expiration, int unused, void* data) {
    (void)now, (void)expiration, (void)unused, (void)data;
    ++g_alarm_upcalls;
}

static volatile int g_rng_upcalls;
static void rng_counter(int status, int filled, int unused, void* data) {
    (void)status, (void)filled, (void)unused, (void)data;
    ++g_rng_upcalls;
}

// Compares r0..r3 with the wanted values (ANY = not compared) and reports.
static void expect(const char* name, raw_regs_t r, uint32_t w0, uint32_t w1, uint32_t w2,
                   uint32_t w3) {
    bool ok = r.r0 == w0 && (w1 == ANY || r.r1 == w1) && (w2 == ANY || r.r2 == w2) &&
              (w3 == ANY || r.r3 == w3);
    ++g_checks;
    if (ok) {
        printf("abi_probe: %s: ok\n", name);
        return;
    }
    ++g_mismatches;
    printf("abi_probe: %s: MISMATCH r0=%u r1=0x%x r2=0x%x r3=0x%x\n", name, (unsigned)r.r0,
           (unsigned)r.r1, (unsigned)r.r2, (unsigned)r.r3);
}

static void expect_true(const char* name, bool ok) {
    ++g_checks;
    if (!ok) ++g_mismatches;
    printf("abi_probe: %s: %s\n", name, ok ? "ok" : "MISMATCH");
}

static raw_regs_t cmd(uint32_t driver, uint32_t n, uint32_t a, uint32_t b) {
    return tock_raw_syscall(2, driver, n, a, b);
}
static raw_regs_t sub(uint32_t driver, uint32_t n, uint32_t fn, uint32_t data) {
    return tock_raw_syscall(1, driver, n, fn, data);
}
static raw_regs_t allow_ro(uint32_t driver, uint32_t n, uint32_t addr, uint32_t len) {
    return tock_raw_syscall(4, driver, n, addr, len);
}
static raw_regs_t allow_rw(uint32_t driver, uint32_t n, uint32_t addr, uint32_t len) {
    return tock_raw_syscall(3, driver, n, addr, len);
}
static raw_regs_t memop_raw(uint32_t op, uint32_t arg) {
    return tock_raw_syscall(5, op, arg, 0, 0);
}

static void command_checks(void) {
    expect("command missing driver -> Failure NODEVICE", cmd(NO_DRIVER, 0, 0, 0), FAILURE, NODEVICE,
           ANY, ANY);
    expect("console exists -> Success", cmd(CONSOLE, 0, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("console command 99 -> NOSUPPORT", cmd(CONSOLE, 99, 0, 0), FAILURE, NOSUPPORT, ANY, ANY);
    expect("LED count -> Success-u32 3", cmd(LED, 0, 0, 0), SUCCESS_U32, 3, ANY, ANY);
    expect("LED on 0 -> Success", cmd(LED, 1, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("LED toggle 0 -> Success", cmd(LED, 3, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("LED off 3 -> INVAL", cmd(LED, 2, 3, 0), FAILURE, INVAL, ANY, ANY);
    expect("LED command 4 (no read upstream) -> NOSUPPORT", cmd(LED, 4, 0, 0), FAILURE, NOSUPPORT,
           ANY, ANY);
    expect("button count -> Success-u32 1", cmd(BUTTON, 0, 0, 0), SUCCESS_U32, 1, ANY, ANY);
    expect("button read 0 -> Success-u32 0", cmd(BUTTON, 3, 0, 0), SUCCESS_U32, 0, ANY, ANY);
    expect("button enable 1 -> INVAL", cmd(BUTTON, 1, 1, 0), FAILURE, INVAL, ANY, ANY);
    expect("button enable 0 -> Success", cmd(BUTTON, 1, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("button disable 0 -> Success", cmd(BUTTON, 2, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("gpio exists -> Success", cmd(GPIO, 0, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("gpio count -> Success-u32 4", cmd(GPIO, 10, 0, 0), SUCCESS_U32, 4, ANY, ANY);
    expect("gpio output 4 -> INVAL", cmd(GPIO, 1, 4, 0), FAILURE, INVAL, ANY, ANY);
    expect("gpio input pull 3 -> NOSUPPORT", cmd(GPIO, 5, 0, 3), FAILURE, NOSUPPORT, ANY, ANY);
    expect("gpio input pull-down -> Success", cmd(GPIO, 5, 0, 2), SUCCESS, ANY, ANY, ANY);
    expect("gpio read pulled-down -> Success-u32 0", cmd(GPIO, 6, 0, 0), SUCCESS_U32, 0, ANY, ANY);
    expect("gpio interrupt edge 3 -> NOSUPPORT", cmd(GPIO, 7, 0, 3), FAILURE, NOSUPPORT, ANY, ANY);
    expect("gpio disable 0 -> Success", cmd(GPIO, 9, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("rng exists -> Success", cmd(RNG, 0, 0, 0), SUCCESS, ANY, ANY, ANY);
    expect("low-level debug print -> Success", cmd(LLD, 2, 0x1234, 0), SUCCESS, ANY, ANY, ANY);
    expect("alarm frequency -> Success-u32 16000", cmd(ALARM, 1, 0, 0), SUCCESS_U32, 16000, ANY,
           ANY);
    expect("alarm stop unarmed -> ALREADY", cmd(ALARM, 3, 0, 0), FAILURE, ALREADY, ANY, ANY);
    expect("alarm command 4 -> NOSUPPORT", cmd(ALARM, 4, 0, 0), FAILURE, NOSUPPORT, ANY, ANY);
    // A reference 256 ticks in the past: the sum wraps like upstream's wrapping_add.
    const uint32_t now = cmd(ALARM, 2, 0, 0).r1, ref = now - 0x100u;
    expect("alarm set absolute -> Success-u32 ref+dt", cmd(ALARM, 6, ref, 0x10000), SUCCESS_U32,
           ref + 0x10000u, ANY, ANY);
    expect("alarm stop armed -> Success", cmd(ALARM, 3, 0, 0), SUCCESS, ANY, ANY, ANY);
}

static uint8_t buf_a[8], buf_b[16];

static void swap_checks(void) {
    const uint32_t a = (uint32_t)upcall_a, b = (uint32_t)upcall_b;
    expect("subscribe first -> Success-2u32 (0, 0)", sub(ALARM, 0, a, 0x11), SUCCESS_2U32, 0, 0,
           ANY);
    expect("subscribe again -> previous (fn, data)", sub(ALARM, 0, b, 0x22), SUCCESS_2U32, a, 0x11,
           ANY);
    expect("subscribe null -> previous (fn, data)", sub(ALARM, 0, 0, 0), SUCCESS_2U32, b, 0x22,
           ANY);
    expect("subscribe number 1 -> Failure-2u32 NOSUPPORT, passed values", sub(ALARM, 1, a, 0x33),
           FAILURE_2U32, NOSUPPORT, a, 0x33);
    expect("subscribe missing driver -> NODEVICE, passed values", sub(NO_DRIVER, 0, a, 0x44),
           FAILURE_2U32, NODEVICE, a, 0x44);
    expect("subscribe LED (no grant) -> NOMEM", sub(LED, 0, a, 0), FAILURE_2U32, NOMEM, a, 0);

    const uint32_t pa = (uint32_t)buf_a, pb = (uint32_t)buf_b;
    const uint32_t text = (uint32_t) "flash";
    expect("ro allow first -> Success-2u32 (0, 0)", allow_ro(CONSOLE, 0, pa, sizeof buf_a),
           SUCCESS_2U32, 0, 0, ANY);
    expect("ro allow again -> previous buffer", allow_ro(CONSOLE, 0, pb, sizeof buf_b),
           SUCCESS_2U32, pa, sizeof buf_a, ANY);
    expect("ro allow flash string -> previous buffer", allow_ro(CONSOLE, 0, text, 5), SUCCESS_2U32,
           pb, sizeof buf_b, ANY);
    expect("ro allow null -> previous buffer", allow_ro(CONSOLE, 0, 0, 0), SUCCESS_2U32, text, 5,
           ANY);
    expect("rw allow flash string -> INVAL, passed values", allow_rw(CONSOLE, 1, text, 5),
           FAILURE_2U32, INVAL, text, 5);
    expect("rw allow first -> Success-2u32 (0, 0)", allow_rw(CONSOLE, 1, pa, sizeof buf_a),
           SUCCESS_2U32, 0, 0, ANY);
    expect("rw allow zero length keeps address", allow_rw(CONSOLE, 1, pb, 0), SUCCESS_2U32, pa,
           sizeof buf_a, ANY);
    expect("rw allow null -> previous (addr, 0)", allow_rw(CONSOLE, 1, 0, 0), SUCCESS_2U32, pb, 0,
           ANY);
    allow_rw(CONSOLE, 0, pa, sizeof buf_a);
    expect("ro and rw allow numbers are separate", allow_ro(CONSOLE, 0, 0, 0), SUCCESS_2U32, 0, 0,
           ANY);
    expect("rw allow 0 kept its own buffer", allow_rw(CONSOLE, 0, 0, 0), SUCCESS_2U32, pa,
           sizeof buf_a, ANY);
    expect("allow LED (no grant) -> NOMEM", allow_ro(LED, 0, pa, 1), FAILURE_2U32, NOMEM, pa, 1);
    expect("userspace-readable allow console -> NOSUPPORT", tock_raw_syscall(7, CONSOLE, 0, pa, 1),
           FAILURE_2U32, NOSUPPORT, pa, 1);
}

// Grant slot counts of upstream's capsules (Grant<T, UpcallCount<u>, AllowRoCount<r>,
// AllowRwCount<w>>): console 3/2/2, alarm 1/0/0, button 1/0/0, GPIO 1/0/0, RNG 1/0/1. A number
// past the count is NOSUPPORT, one inside it succeeds.
static void slot_count_checks(void) {
    const uint32_t a = (uint32_t)upcall_a, pa = (uint32_t)buf_a;
    expect("console subscribe 0 (unused slot) -> Success", sub(CONSOLE, 0, 0, 0), SUCCESS_2U32, 0,
           0, ANY);
    expect("console subscribe 3 -> NOSUPPORT", sub(CONSOLE, 3, a, 0), FAILURE_2U32, NOSUPPORT, a,
           0);
    expect("console ro allow 2 -> NOSUPPORT", allow_ro(CONSOLE, 2, pa, 1), FAILURE_2U32, NOSUPPORT,
           pa, 1);
    expect("console rw allow 2 -> NOSUPPORT", allow_rw(CONSOLE, 2, pa, 1), FAILURE_2U32, NOSUPPORT,
           pa, 1);
    expect("alarm ro allow 0 -> NOSUPPORT", allow_ro(ALARM, 0, pa, 1), FAILURE_2U32, NOSUPPORT, pa,
           1);
    expect("alarm rw allow 0 -> NOSUPPORT", allow_rw(ALARM, 0, pa, 1), FAILURE_2U32, NOSUPPORT, pa,
           1);
    expect("button subscribe 1 -> NOSUPPORT", sub(BUTTON, 1, a, 0), FAILURE_2U32, NOSUPPORT, a, 0);
    expect("button rw allow 0 -> NOSUPPORT", allow_rw(BUTTON, 0, pa, 1), FAILURE_2U32, NOSUPPORT,
           pa, 1);
    expect("gpio subscribe 1 -> NOSUPPORT", sub(GPIO, 1, a, 0), FAILURE_2U32, NOSUPPORT, a, 0);
    expect("rng subscribe 1 -> NOSUPPORT", sub(RNG, 1, a, 0), FAILURE_2U32, NOSUPPORT, a, 0);
    expect("rng ro allow 0 -> NOSUPPORT", allow_ro(RNG, 0, pa, 1), FAILURE_2U32, NOSUPPORT, pa, 1);
    expect("rng rw allow 1 -> NOSUPPORT", allow_rw(RNG, 1, pa, 1), FAILURE_2U32, NOSUPPORT, pa, 1);
}

static void memop_checks(void) {
    raw_regs_t start = memop_raw(2, 0), end = memop_raw(3, 0);
    raw_regs_t fstart = memop_raw(4, 0), fend = memop_raw(5, 0), grant = memop_raw(6, 0);
    expect("memop 2 memory start -> Success-u32", start, SUCCESS_U32, ANY, ANY, ANY);
    expect("memop 3 memory end -> Success-u32", end, SUCCESS_U32, ANY, ANY, ANY);
    expect("memop 4 flash start -> Success-u32", fstart, SUCCESS_U32, ANY, ANY, ANY);
    expect("memop 5 flash end -> Success-u32", fend, SUCCESS_U32, ANY, ANY, ANY);
    expect("memop 6 grant start -> Success-u32", grant, SUCCESS_U32, ANY, ANY, ANY);
    raw_regs_t brk = memop_raw(1, 0);
    expect("memop 1 sbrk(0) -> Success-u32 break", brk, SUCCESS_U32, ANY, ANY, ANY);
    expect_true("memory start <= break <= grant start <= memory end",
                start.r1 <= brk.r1 && brk.r1 <= grant.r1 && grant.r1 <= end.r1);
    expect_true("flash start < code < flash end",
                fstart.r1 < (uint32_t)upcall_a && (uint32_t)upcall_a < fend.r1);
    expect_true("static data lies in [memory start, break)",
                (uint32_t)buf_a >= start.r1 && (uint32_t)buf_a < brk.r1);
    expect("memop 1 sbrk(+64) -> old break", memop_raw(1, 64), SUCCESS_U32, brk.r1, ANY, ANY);
    expect("memop 1 sbrk(-64) -> old break", memop_raw(1, (uint32_t)-64), SUCCESS_U32, brk.r1 + 64,
           ANY, ANY);
    expect("memop 0 brk(same) -> Success", memop_raw(0, brk.r1), SUCCESS, ANY, ANY, ANY);
    expect("memop 0 brk(grant start) -> NOMEM", memop_raw(0, grant.r1), FAILURE, NOMEM, ANY, ANY);
    expect("memop 7 writeable flash regions -> Success-u32 0", memop_raw(7, 0), SUCCESS_U32, 0, ANY,
           ANY);
    expect("memop 8 region 0 missing -> FAIL", memop_raw(8, 0), FAILURE, FAIL, ANY, ANY);
    expect("memop 9 region 0 missing -> FAIL", memop_raw(9, 0), FAILURE, FAIL, ANY, ANY);
    expect("memop 10 stack hint -> Success", memop_raw(10, brk.r1), SUCCESS, ANY, ANY, ANY);
    expect("memop 11 heap hint -> Success", memop_raw(11, brk.r1), SUCCESS, ANY, ANY, ANY);
    expect("memop 12 -> NOSUPPORT", memop_raw(12, 0), FAILURE, NOSUPPORT, ANY, ANY);
    expect("exit r0=2 -> NOSUPPORT", tock_raw_syscall(6, 2, 0, 0, 0), FAILURE, NOSUPPORT, ANY, ANY);
}

static void yield_checks(void) {
    // Yield-no-wait with nothing queued writes 0 and returns at once.
    uint8_t flag = 0xEE;
    tock_raw_syscall(0, 0, (uint32_t)&flag, 0, 0);
    expect_true("yield-no-wait, nothing queued -> byte 0", flag == 0);

    // Yield-wait-for with the Null Upcall: the alarm's arguments come back in r0-r2.
    sub(ALARM, 0, 0, 0);
    raw_regs_t set = cmd(ALARM, 5, 160, 0);  // 10 ms at 16 kHz
    expect("alarm set relative -> Success-u32", set, SUCCESS_U32, ANY, ANY, ANY);
    raw_regs_t up = tock_raw_syscall(0, 2, ALARM, 0, 0);
    expect_true("yield-wait-for alarm -> (now, expiration, 0)",
                up.r1 == set.r1 && up.r2 == 0 && up.r0 - set.r1 < 0x80000000u);

    // Yield-no-wait with an upcall queued: it runs and the byte says 1.
    sub(ALARM, 0, (uint32_t)alarm_counter, 0);
    set = cmd(ALARM, 5, 16, 0);  // 1 ms
    raw_regs_t now = cmd(ALARM, 2, 0, 0);
    while (now.r1 - set.r1 > 0x80000000u || now.r1 - set.r1 < 160) now = cmd(ALARM, 2, 0, 0);
    flag = 0xEE;
    unsigned spins = 0;
    // The kernel notices the AST interrupt on its next pass; spin on yield-no-wait until then.
    while (flag != 1 && spins < 1000) {
        tock_raw_syscall(0, 0, (uint32_t)&flag, 0, 0);
        ++spins;
    }
    expect_true("yield-no-wait, upcall queued -> byte 1 and upcall ran",
                flag == 1 && g_alarm_upcalls == 1);
    sub(ALARM, 0, 0, 0);

    // Upstream quirk (tock-abi.md 1.4): when the queue holds only a Null-Upcall result,
    // yield-no-wait writes 1, the kernel discards that result and the process waits like
    // yield-wait, here until the RNG upcall runs.
    set = cmd(ALARM, 5, 16, 0);
    now = cmd(ALARM, 2, 0, 0);
    while (now.r1 - set.r1 > 0x80000000u || now.r1 - set.r1 < 320) now = cmd(ALARM, 2, 0, 0);
    static uint8_t random[4];
    sub(RNG, 0, (uint32_t)rng_counter, 0);
    allow_rw(RNG, 0, (uint32_t)random, sizeof random);
    cmd(RNG, 1, sizeof random, 0);
    flag = 0xEE;
    tock_raw_syscall(0, 0, (uint32_t)&flag, 0, 0);
    allow_rw(RNG, 0, 0, 0);
    sub(RNG, 0, 0, 0);
    expect_true(
        "yield-no-wait, only a null-upcall result queued -> byte 1, waits for the next upcall",
        flag == 1 && g_rng_upcalls == 1);

    // A successful subscribe removes queued upcalls (function calls) of that slot ...
    const int before = g_alarm_upcalls;
    sub(ALARM, 0, (uint32_t)alarm_counter, 0);
    set = cmd(ALARM, 5, 16, 0);
    now = cmd(ALARM, 2, 0, 0);
    while (now.r1 - set.r1 > 0x80000000u || now.r1 - set.r1 < 320) now = cmd(ALARM, 2, 0, 0);
    sub(ALARM, 0, (uint32_t)alarm_counter, 0);
    flag = 0xEE;
    tock_raw_syscall(0, 0, (uint32_t)&flag, 0, 0);
    expect_true("re-subscribe drops the queued upcall of that slot",
                flag == 0 && g_alarm_upcalls == before);
    // ... but keeps a queued Null-Upcall result, which yield-wait-for still receives.
    sub(ALARM, 0, 0, 0);
    set = cmd(ALARM, 5, 16, 0);
    now = cmd(ALARM, 2, 0, 0);
    while (now.r1 - set.r1 > 0x80000000u || now.r1 - set.r1 < 320) now = cmd(ALARM, 2, 0, 0);
    sub(ALARM, 0, (uint32_t)alarm_counter, 0);
    up = tock_raw_syscall(0, 2, ALARM, 0, 0);
    sub(ALARM, 0, 0, 0);
    expect_true("subscribe keeps a queued null-upcall result for yield-wait-for",
                up.r1 == set.r1 && g_alarm_upcalls == before);
}

// printf (our runtime's console) yield-waits, which discards queued Null-Upcall results as
// upstream does: collect the raw results first, print afterwards.
static void rng_checks(void) {
    static uint8_t random[8];
    raw_regs_t allowed = allow_rw(RNG, 0, (uint32_t)random, sizeof random);
    raw_regs_t started = cmd(RNG, 1, sizeof random, 0);
    raw_regs_t up = tock_raw_syscall(0, 2, RNG, 0, 0);
    allow_rw(RNG, 0, 0, 0);
    expect("rng allow rw 0", allowed, SUCCESS_2U32, 0, 0, ANY);
    expect("rng get 8 -> Success", started, SUCCESS, ANY, ANY, ANY);
    expect("rng upcall -> (0, 8, 0)", up, 0, 8, 0, ANY);
}

static void console_checks(void) {
    static const char line[] = "abi_probe: raw write\n";
    allow_ro(CONSOLE, 1, (uint32_t)line, sizeof line - 1);
    raw_regs_t started = cmd(CONSOLE, 1, 1000, 0);
    raw_regs_t up = tock_raw_syscall(0, 2, CONSOLE, 1, 0);
    allow_ro(CONSOLE, 1, 0, 0);
    expect("console putstr -> Success", started, SUCCESS, ANY, ANY, ANY);
    expect("console write done -> (bytes, 0, 0)", up, sizeof line - 1, 0, 0, ANY);

    // getnstr above the 64-byte kernel buffer is INVAL; an aborted read ends with CANCEL (8) and
    // the bytes received so far (none: nothing is typed in this scenario).
    static uint8_t input[100];
    allow_rw(CONSOLE, 1, (uint32_t)input, sizeof input);
    raw_regs_t too_long = cmd(CONSOLE, 2, sizeof input, 0);
    raw_regs_t read = cmd(CONSOLE, 2, 4, 0);
    raw_regs_t abort = cmd(CONSOLE, 3, 0, 0);
    raw_regs_t cancelled = tock_raw_syscall(0, 2, CONSOLE, 2, 0);
    allow_rw(CONSOLE, 1, 0, 0);
    expect("console getnstr 100 -> INVAL", too_long, FAILURE, INVAL, ANY, ANY);
    expect("console getnstr 4 -> Success", read, SUCCESS, ANY, ANY, ANY);
    expect("console abort -> Success", abort, SUCCESS, ANY, ANY, ANY);
    expect("console read done after abort -> (CANCEL, 0, 0)", cancelled, 8, 0, 0, ANY);
}

int main(void) {
    printf("abi_probe: start\n");
    command_checks();
    swap_checks();
    slot_count_checks();
    memop_checks();
    yield_checks();
    rng_checks();
    console_checks();
    printf("abi_probe: done, %u checks, %u mismatches\n", g_checks, g_mismatches);
    return 0;
}
