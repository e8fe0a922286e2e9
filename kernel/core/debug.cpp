// Kernel debug output and panic (see debug.hpp).
#include "core/debug.hpp"

#include "arch/cortex-m/cortexm.hpp"
#include "arch/cortex-m/scs.hpp"
#include "core/events.hpp"
#include "core/process.hpp"

namespace kernel {
namespace {

constexpr std::size_t kRingSize = 4096;
std::uint8_t g_ring[kRingSize];
std::size_t g_head = 0, g_count = 0;
std::uint32_t g_dropped = 0;
DebugOutput* g_output = nullptr;
PanicWriter* g_panic_writer = nullptr;
bool g_panicking = false;

// During a panic every byte goes straight to the synchronous writer; without one, to ITM port 1
// so the report is still visible to the emulator.
void panic_emit(const std::uint8_t* bytes, std::size_t len) {
    if (g_panic_writer != nullptr) {
        g_panic_writer->panic_write(bytes, len);
        return;
    }
    for (std::size_t i = 0; i < len; ++i) {
        volatile std::uint8_t& port1 =
            *reinterpret_cast<volatile std::uint8_t*>(cortexm::ITM_STIM0 + 4);
        for (unsigned spin = 0; spin < 10000; ++spin) {
            if (cortexm::reg32(cortexm::ITM_STIM0 + 4) & 1u) {
                port1 = bytes[i];
                break;
            }
        }
    }
}

void emit(const char* bytes, std::size_t len) {
    if (g_panicking) {
        panic_emit(reinterpret_cast<const std::uint8_t*>(bytes), len);
        return;
    }
    for (std::size_t i = 0; i < len; ++i) {
        if (g_count == kRingSize) {
            g_dropped += static_cast<std::uint32_t>(len - i);
            break;
        }
        g_ring[(g_head + g_count) % kRingSize] = static_cast<std::uint8_t>(bytes[i]);
        ++g_count;
    }
}

// ---- minimal printf ----

struct Sink {
    char buf[96];
    std::size_t n = 0;
    void put(char c) {
        buf[n++] = c;
        if (n == sizeof buf) flush();
    }
    void flush() {
        if (n != 0) emit(buf, n);
        n = 0;
    }
};

void put_num(Sink& s, unsigned long v, unsigned base, bool upper, int width, bool zero, bool neg) {
    char tmp[24];
    int i = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[i++] = digits[v % base];
        v /= base;
    } while (v != 0);
    int len = i + (neg ? 1 : 0);
    if (neg && zero) s.put('-');
    for (; len < width; ++len) s.put(zero ? '0' : ' ');
    if (neg && !zero) s.put('-');
    while (i > 0) s.put(tmp[--i]);
}

void format(Sink& s, const char* fmt, std::va_list ap) {
    for (const char* p = fmt; *p != 0; ++p) {
        if (*p != '%') {
            s.put(*p);
            continue;
        }
        ++p;
        bool zero = false, left = false;
        int width = 0, precision = -1;
        for (;; ++p) {
            if (*p == '0')
                zero = true;
            else if (*p == '-')
                left = true;
            else
                break;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            ++p;
        }
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        if (*p == '.') {
            ++p;
            precision = 0;
            if (*p == '*') {
                precision = va_arg(ap, int);
                ++p;
            }
            while (*p >= '0' && *p <= '9') precision = precision * 10 + (*p++ - '0');
        }
        bool is_long = false;
        while (*p == 'l' || *p == 'z') {
            is_long = true;
            ++p;
        }
        switch (*p) {
            case 'd':
            case 'i': {
                long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
                bool neg = v < 0;
                put_num(s,
                        neg ? 0ul - static_cast<unsigned long>(v) : static_cast<unsigned long>(v),
                        10, false, width, zero, neg);
                break;
            }
            case 'u':
            case 'x':
            case 'X': {
                unsigned long v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
                put_num(s, v, *p == 'u' ? 10 : 16, *p == 'X', width, zero, false);
                break;
            }
            case 'p':
                s.put('0');
                s.put('x');
                put_num(s, reinterpret_cast<unsigned long>(va_arg(ap, void*)), 16, false, 8, true,
                        false);
                break;
            case 'c':
                s.put(static_cast<char>(va_arg(ap, int)));
                break;
            case 's': {
                const char* str = va_arg(ap, const char*);
                if (str == nullptr) str = "(null)";
                int len = 0;
                while ((precision < 0 || len < precision) && str[len] != 0) ++len;
                if (!left)
                    for (int k = len; k < width; ++k) s.put(' ');
                for (int k = 0; k < len; ++k) s.put(str[k]);
                if (left)
                    for (int k = len; k < width; ++k) s.put(' ');
                break;
            }
            case '%':
                s.put('%');
                break;
            case 0:
                return;
            default:
                s.put('%');
                s.put(*p);
        }
    }
}

}  // namespace

void set_debug_output(DebugOutput* output) {
    g_output = output;
    if (g_output != nullptr && g_count != 0) g_output->debug_available();
}

void set_panic_writer(PanicWriter* writer) {
    g_panic_writer = writer;
}

std::size_t debug_take(std::uint8_t* out, std::size_t max) {
    // Once there is room again, say how much was lost (like Tock's "debug buffer full" note).
    if (g_dropped != 0 && kRingSize - g_count >= 64) {
        std::uint32_t dropped = g_dropped;
        g_dropped = 0;
        // Formatted straight into the ring: no debug_available() call back into the caller.
        Sink note;
        for (const char* c = "\r\n[kernel debug buffer full: "; *c != 0; ++c) note.put(*c);
        put_num(note, dropped, 10, false, 0, false, false);
        for (const char* c = " bytes dropped]\r\n"; *c != 0; ++c) note.put(*c);
        note.flush();
    }
    std::size_t n = 0;
    while (n < max && g_count != 0) {
        out[n++] = g_ring[g_head];
        g_head = (g_head + 1) % kRingSize;
        --g_count;
    }
    return n;
}

std::size_t debug_pending() {
    return g_count;
}

bool debug_output_installed() {
    return g_output != nullptr;
}

void debug_write(const char* bytes, std::size_t len) {
    emit(bytes, len);
    if (!g_panicking && g_output != nullptr) g_output->debug_available();
}

void vkprintf(const char* fmt, std::va_list args) {
    Sink s;
    format(s, fmt, args);
    s.flush();
    if (!g_panicking && g_output != nullptr) g_output->debug_available();
}

void kprintf(const char* fmt, ...) {
    std::va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
}

void panic_at(const char* file, int line, const char* fmt, ...) {
    cortexm::disable_interrupts();
    if (g_panicking) {
        for (;;) cortexm::wfi();  // a fault inside the panic path: stop here
    }
    g_panicking = true;
    cortexm::mpu_disable();
    cortexm::systick_stop();
    if (g_panic_writer != nullptr) g_panic_writer->panic_begin();
    // First whatever debug output was still queued, so the report follows it in order.
    while (g_count != 0) {
        std::uint8_t chunk[64];
        std::size_t n = debug_take(chunk, sizeof chunk);
        panic_emit(chunk, n);
    }
    kprintf("\r\npanicked at %s:%d:\r\n", file, line);
    std::va_list ap;
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
    kprintf("\r\n\tKernel version %u.%u.0 (tockemu kernel)\r\n\r\n", kKernelMajor, kKernelMinor);
    // The process that caused the panic in full, the others as one-line overviews: the panic
    // writer is synchronous, so every byte here costs 87 us of halted CPU at 115200 baud.
    for (unsigned slot = 0; slot < kMaxProcesses; ++slot) {
        const Process* p = process_slot(slot);
        if (p->used && p->state == ProcessState::Faulted) print_process_report(*p, p->has_fault);
    }
    for (unsigned slot = 0; slot < kMaxProcesses; ++slot) {
        const Process* p = process_slot(slot);
        if (p->used && p->state != ProcessState::Faulted) print_process_overview(*p);
    }
    std::uint32_t ev[2] = {static_cast<std::uint32_t>(line), 0};
    cortexm::itm_event(kEvPanic, ev, 2);
    cortexm::halt();
}

}  // namespace kernel
