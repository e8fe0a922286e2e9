// Console driver (0x1): output through a small printf without newlib, and line input.
// Command 1 = putstr of the read-only allow 1 buffer, upcall 1 when written; command 2 = getnstr
// into the read-write allow 1 buffer, upcall 2 (status, bytes); command 3 = abort read.
#pragma once
#include <stdarg.h>
#include <stddef.h>

#include "tock.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DRIVER_NUM_CONSOLE 0x1

int console_write(const void* buf, size_t len);  // bytes written or a returncode
int console_read(void* buf, size_t len);         // bytes received or a returncode
int console_read_line(char* buf, size_t size);   // reads until '\n'/'\r'; no echo
int putstr(const char* s);
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char* fmt, va_list ap);
int snprintf(char* out, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char* out, size_t size, const char* fmt, va_list ap);

#ifdef __cplusplus
}
#endif
