/* ARM semihosting (bkpt 0xAB): the same calls work on tockemu and on QEMU -semihosting. */
#include "testfw.h"

static uint32_t semihost(uint32_t op, const void *arg) {
    register uint32_t r0 __asm("r0") = op;
    register const void *r1 __asm("r1") = arg;
    __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_putc(char c) { semihost(0x03, &c); } /* SYS_WRITEC */

void sh_puts(const char *s) { semihost(0x04, s); } /* SYS_WRITE0 */

void sh_print(const char *s) {
    sh_puts(s);
    sh_putc('\n');
}

void sh_hex(uint32_t v) {
    char buf[11] = "0x";
    for (int i = 0; i < 8; ++i) buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xf];
    buf[10] = 0;
    sh_puts(buf);
}

void sh_dec(int32_t v) {
    char buf[12];
    int i = 11;
    uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[--i] = '-';
    sh_puts(&buf[i]);
}

void sh_kv(const char *key, uint32_t v) {
    sh_puts(key);
    sh_putc('=');
    sh_hex(v);
    sh_putc('\n');
}

void sh_exit(int code) {
    /* SYS_EXIT_EXTENDED (0x20): ADP_Stopped_ApplicationExit (0x20026) with the exit code. */
    uint32_t block[2] = {0x20026, (uint32_t)code};
    for (;;) semihost(0x20, block);
}
