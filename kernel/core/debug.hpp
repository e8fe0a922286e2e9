#pragma once
// Kernel debug output (Tock's debug!/panic writer, tock/tock: kernel/src/debug.rs).
//
// Normal output: kprintf() formats into a kernel-owned ring buffer (4 KiB). The console UART mux
// (a capsule) installs a DebugOutput; the core calls debug_available() whenever new bytes are
// buffered, and the mux pulls them with debug_take() when the UART is free, interleaving them
// with process console and app output. Bytes written before the mux exists are kept and flushed
// once it is installed; when the ring is full the newest bytes are dropped and counted.
//
// Panic output: must not depend on interrupts or the mux. The chip layer implements PanicWriter
// (re-initialise USART0 at 115200 8N1 and write synchronously, polling TXRDY) and installs it with
// set_panic_writer(). On panic the core first flushes the ring through it, then writes the report.
#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace kernel {

class DebugOutput {
  public:
    virtual void debug_available() = 0;

  protected:
    ~DebugOutput() = default;
};

class PanicWriter {
  public:
    virtual void panic_begin() = 0;  // make the UART usable synchronously, whatever its state
    virtual void panic_write(const std::uint8_t* bytes, std::size_t len) = 0;  // blocking

  protected:
    ~PanicWriter() = default;
};

void set_debug_output(DebugOutput* output);
void set_panic_writer(PanicWriter* writer);

// Mux side: copies up to `max` buffered debug bytes into `out`, returns how many.
std::size_t debug_take(std::uint8_t* out, std::size_t max);
std::size_t debug_pending();
bool debug_output_installed();

// Formatted output: %s %.*s %c %d %i %u %x %X %p %%, with optional '0' flag, width and 'l'.
void kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vkprintf(const char* fmt, std::va_list args);
void debug_write(const char* bytes, std::size_t len);

// Kernel panic: prints "panicked at <file>:<line>: <message>", the kernel version, the Cortex-M
// fault status and every process, reports the panic on ITM port 0 and halts (see
// docs/0005-kernel.md "Panic"). Never returns.
[[noreturn]] void panic_at(const char* file, int line, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

}  // namespace kernel

#define KERNEL_PANIC(...) ::kernel::panic_at(__FILE__, __LINE__, __VA_ARGS__)
