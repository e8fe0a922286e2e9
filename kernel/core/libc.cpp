// The few C library functions the compiler may call in a -nostdlib image, plus C++ ABI hooks.
#include <cstddef>
#include <cstdint>

#include "core/debug.hpp"

extern "C" {

void* memcpy(void* dst, const void* src, std::size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    while (n-- != 0) *d++ = *s++;
    return dst;
}

void* memmove(void* dst, const void* src, std::size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    if (d < s) {
        while (n-- != 0) *d++ = *s++;
    } else {
        while (n-- != 0) d[n] = s[n];
    }
    return dst;
}

void* memset(void* dst, int c, std::size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    while (n-- != 0) *d++ = static_cast<unsigned char>(c);
    return dst;
}

int memcmp(const void* a, const void* b, std::size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (std::size_t i = 0; i < n; ++i) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

std::size_t strlen(const char* s) {
    std::size_t n = 0;
    while (s[n] != 0) ++n;
    return n;
}

void __cxa_pure_virtual() {
    KERNEL_PANIC("pure virtual function called");
}

// Static objects are never destroyed in the kernel.
int __aeabi_atexit(void*, void (*)(void*), void*) {
    return 0;
}
void* __dso_handle = nullptr;
}
