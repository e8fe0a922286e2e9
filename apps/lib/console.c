// Console driver (0x1) and a small printf (no newlib): %d %i %u %x %X %p %s %c %%, with flags
// '-' '0', a width, and the 'l'/'ll'/'z' length modifiers.
#include "console.h"

#include <stdbool.h>

// ---- driver ----

static volatile bool write_done;
static volatile bool read_done;
static volatile int read_status;
static volatile int read_count;

static void write_upcall(int bytes, int unused1, int unused2, void* ud) {
    (void)bytes, (void)unused1, (void)unused2, (void)ud;
    write_done = true;
}

static void read_upcall(int status, int bytes, int unused, void* ud) {
    (void)unused, (void)ud;
    read_status = status;
    read_count = bytes;
    read_done = true;
}

int console_write(const void* buf, size_t len) {
    subscribe_return_t sub = subscribe(DRIVER_NUM_CONSOLE, 1, write_upcall, NULL);
    if (!sub.success) return tock_status_to_returncode(sub.status);
    allow_ro_return_t allow = allow_readonly(DRIVER_NUM_CONSOLE, 1, buf, len);
    if (!allow.success) return tock_status_to_returncode(allow.status);
    write_done = false;
    int rc = tock_command_return_novalue_to_returncode(command(DRIVER_NUM_CONSOLE, 1, (int)len, 0));
    if (rc == RETURNCODE_SUCCESS) yield_for(&write_done);
    allow_readonly(DRIVER_NUM_CONSOLE, 1, NULL, 0);
    return rc == RETURNCODE_SUCCESS ? (int)len : rc;
}

int console_read(void* buf, size_t len) {
    subscribe_return_t sub = subscribe(DRIVER_NUM_CONSOLE, 2, read_upcall, NULL);
    if (!sub.success) return tock_status_to_returncode(sub.status);
    allow_rw_return_t allow = allow_readwrite(DRIVER_NUM_CONSOLE, 1, buf, len);
    if (!allow.success) return tock_status_to_returncode(allow.status);
    read_done = false;
    int rc = tock_command_return_novalue_to_returncode(command(DRIVER_NUM_CONSOLE, 2, (int)len, 0));
    if (rc == RETURNCODE_SUCCESS) {
        yield_for(&read_done);
        rc = read_status == 0 ? read_count : -read_status;
    }
    allow_readwrite(DRIVER_NUM_CONSOLE, 1, NULL, 0);
    return rc;
}

int console_read_line(char* buf, size_t size) {
    size_t n = 0;
    while (n + 1 < size) {
        char c;
        int rc = console_read(&c, 1);
        if (rc < 0) return rc;
        if (rc == 0) continue;
        if (c == '\r' || c == '\n') break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return (int)n;
}

int putstr(const char* s) {
    return console_write(s, strlen(s));
}

// ---- formatting ----

typedef struct {
    char* buf;
    size_t size;  // capacity of buf
    size_t len;   // bytes in buf
    size_t total;
    bool flush_to_console;
} sink_t;

static void sink_flush(sink_t* s) {
    if (s->flush_to_console && s->len > 0) console_write(s->buf, s->len);
    if (s->flush_to_console) s->len = 0;
}

static void sink_put(sink_t* s, char c) {
    ++s->total;
    if (s->len + 1 >= s->size) {
        if (!s->flush_to_console) return;  // snprintf: truncate, keep counting
        sink_flush(s);
    }
    s->buf[s->len++] = c;
}

static void put_padded(sink_t* s, const char* text, size_t len, int width, bool left, char pad) {
    int fill = width > (int)len ? width - (int)len : 0;
    if (!left) {
        // Zero padding goes after a sign.
        if (pad == '0' && len > 0 && text[0] == '-') {
            sink_put(s, '-');
            ++text, --len;
        }
        while (fill-- > 0) sink_put(s, pad);
    }
    for (size_t i = 0; i < len; ++i) sink_put(s, text[i]);
    if (left) {
        while (fill-- > 0) sink_put(s, ' ');
    }
}

static size_t format_unsigned(char* out, unsigned long long v, unsigned base, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (size_t i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
    return n;
}

static void format(sink_t* s, const char* fmt, va_list ap) {
    for (; *fmt; ++fmt) {
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        ++fmt;
        bool left = false;
        char pad = ' ';
        for (;; ++fmt) {
            if (*fmt == '-') {
                left = true;
            } else if (*fmt == '0') {
                pad = '0';
            } else {
                break;
            }
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z') {
            ++longs;  // z: size_t is 32-bit here, like l
            ++fmt;
        }
        char num[24];
        size_t n;
        switch (*fmt) {
            case 'd':
            case 'i': {
                long long v = longs >= 2 ? va_arg(ap, long long) : (long long)va_arg(ap, int);
                unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
                n = 0;
                if (v < 0) num[n++] = '-';
                n += format_unsigned(num + n, mag, 10, false);
                put_padded(s, num, n, width, left, pad);
                break;
            }
            case 'u':
            case 'x':
            case 'X': {
                unsigned long long v = longs >= 2 ? va_arg(ap, unsigned long long)
                                                  : (unsigned long long)va_arg(ap, unsigned);
                n = format_unsigned(num, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
                put_padded(s, num, n, width, left, pad);
                break;
            }
            case 'p': {
                num[0] = '0';
                num[1] = 'x';
                n = 2 + format_unsigned(num + 2, (unsigned)(uintptr_t)va_arg(ap, void*), 16, false);
                put_padded(s, num, n, width, left, ' ');
                break;
            }
            case 's': {
                const char* str = va_arg(ap, const char*);
                if (!str) str = "(null)";
                put_padded(s, str, strlen(str), width, left, ' ');
                break;
            }
            case 'c': {
                char c = (char)va_arg(ap, int);
                put_padded(s, &c, 1, width, left, ' ');
                break;
            }
            case '%':
                sink_put(s, '%');
                break;
            case '\0':
                return;
            default:
                sink_put(s, '%');
                sink_put(s, *fmt);
                break;
        }
    }
}

int vprintf(const char* fmt, va_list ap) {
    char buf[64];
    sink_t s = {buf, sizeof buf, 0, 0, true};
    format(&s, fmt, ap);
    sink_flush(&s);
    return (int)s.total;
}

int printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char* out, size_t size, const char* fmt, va_list ap) {
    char dummy;
    sink_t s = {size ? out : &dummy, size ? size : 1, 0, 0, false};
    format(&s, fmt, ap);
    s.buf[s.len] = '\0';
    return (int)s.total;
}

int snprintf(char* out, size_t size, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n;
}
