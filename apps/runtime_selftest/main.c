// runtime_selftest: checks the userland runtime itself on the real kernel: start-up (.data
// copied, .bss zeroed, pointers in RAM relocated, function pointers through the GOT), printf and
// snprintf formatting, the heap, memop queries and yield-no-wait. Prints one line per failed
// check and a summary "runtime_selftest: N checks, F failed". Also exercises the RNG, GPIO and
// LED wrappers that no other app uses in full.
#include "alarm.h"
#include "console.h"
#include "heap.h"
#include "peripherals.h"

static unsigned checks, failed;

static void check(bool ok, const char* what) {
    ++checks;
    if (!ok) {
        ++failed;
        printf("runtime_selftest: FAILED %s\n", what);
    }
}

static void check_format(const char* got, const char* want, const char* what) {
    bool ok = strcmp(got, want) == 0;
    ++checks;
    if (!ok) {
        ++failed;
        printf("runtime_selftest: FAILED %s: got '%s' want '%s'\n", what, got, want);
    }
}

// Start-up: initialised data, zeroed bss, and pointers in RAM that crt0 must relocate.
static uint32_t initialised = 0x1234ABCDu;
static uint32_t zeroed[8];
static const char* const words[] = {"alpha", "beta"};
static int twice(int x) {
    return 2 * x;
}
static int thrice(int x) {
    return 3 * x;
}
static int (*const operations[])(int) = {twice, thrice};

static void startup_checks(void) {
    check(initialised == 0x1234ABCDu, ".data initialised from flash");
    bool all_zero = true;
    for (int i = 0; i < 8; ++i) all_zero = all_zero && zeroed[i] == 0;
    check(all_zero, ".bss zeroed");
    check(strcmp(words[0], "alpha") == 0 && strcmp(words[1], "beta") == 0,
          "string pointers in .data relocated to flash");
    check(operations[0](5) == 10 && operations[1](5) == 15, "function pointers relocated");
    const uint32_t flash = tock_flash_start(), ram = tock_memory_start();
    check((uint32_t)words[0] > flash && (uint32_t)words[0] < tock_flash_end(),
          "constant strings live in this app's flash");
    check((uint32_t)&initialised >= ram && (uint32_t)&initialised < (uint32_t)tock_brk_get(),
          "globals live below the break in this app's RAM");
}

static const char* volatile null_string;  // volatile: keep the compiler from proving it null

static void format_checks(void) {
    char b[64];
    snprintf(b, sizeof b, "%d|%i|%u", -42, 7, 4000000000u);
    check_format(b, "-42|7|4000000000", "%d %i %u");
    snprintf(b, sizeof b, "%x|%X|%08x|%-4d|%5d|%05d", 0xbeefu, 0xbeefu, 0x1fu, 3, -12, -12);
    check_format(b, "beef|BEEF|0000001f|3   |  -12|-0012", "hex, width, flags");
    snprintf(b, sizeof b, "%lld|%llu|%llx", -1234567890123ll, 18446744073709551615ull,
             0x123456789abull);
    check_format(b, "-1234567890123|18446744073709551615|123456789ab", "64-bit");
    snprintf(b, sizeof b, "%s|%c|%%|%s|%p", "str", 'c', null_string, (void*)0x20001000);
    check_format(b, "str|c|%|(null)|0x20001000", "%s %c %% %p");
    int n = snprintf(b, 8, "%s", "truncate me");
    check_format(b, "truncat", "snprintf truncates");
    check(n == 11, "snprintf returns the untruncated length");
}

static void heap_checks(void) {
    void* brk_before = tock_brk_get();
    uint8_t* a = malloc(100);
    uint8_t* b = malloc(300);
    check(a && b && a != b, "malloc returns distinct blocks");
    check(((uintptr_t)a & 7u) == 0 && ((uintptr_t)b & 7u) == 0, "malloc aligns to 8");
    check(a + 100 <= b || b + 300 <= a, "blocks do not overlap");
    check(tock_brk_get() > brk_before, "heap grew the break with sbrk");
    memset(a, 0xAA, 100);
    free(a);
    uint8_t* c = malloc(64);
    check(c == a, "freed block is reused");
    uint32_t* z = calloc(16, 4);
    bool zero = z != NULL;
    for (int i = 0; z && i < 16; ++i) zero = zero && z[i] == 0;
    check(zero, "calloc zeroes");
    memset(b, 0x5B, 300);
    uint8_t* r = realloc(b, 1000);
    bool kept = r != NULL;
    for (int i = 0; r && i < 300; ++i) kept = kept && r[i] == 0x5B;
    check(kept, "realloc keeps the contents");
    check(malloc(0x200000) == NULL, "huge malloc fails cleanly");
    free(c);
    free(z);
    free(r);
}

static void memop_checks(void) {
    const uint32_t ram = tock_memory_start(), ram_end = tock_memory_end();
    const uint32_t brk = (uint32_t)tock_brk_get(), grant = tock_grant_start();
    check(ram < brk && brk <= grant && grant <= ram_end, "memory start < break <= grants <= end");
    check(tock_flash_start() < tock_flash_end(), "flash start < flash end");
    check(((tock_flash_end() - tock_flash_start()) & (tock_flash_end() - tock_flash_start() - 1)) ==
              0,
          "flash region is a power of two (whole TBF)");
    check(memop(7, 0).data == 0, "no writeable flash regions");
}

static void kernel_checks(void) {
    check(yield_no_wait() == 0, "yield-no-wait with nothing pending returns 0");
    uint32_t hz = 0;
    check(alarm_frequency(&hz) == RETURNCODE_SUCCESS && hz == 16000, "alarm at 16000 Hz");
    check(driver_exists(DRIVER_NUM_CONSOLE), "console driver exists");
    check(!driver_exists(0xDEAD0), "made-up driver does not exist");
    uint32_t t0 = 0, t1 = 0;
    alarm_now(&t0);
    delay_ms(10);
    alarm_now(&t1);
    check(t1 - t0 >= 160, "delay_ms(10) waits at least 160 ticks");

    // Yield-WaitFor (what libtock-c's synchronous calls use): with no timer of ours armed, set
    // the kernel alarm directly and wait for exactly its upcall; the arguments come back in
    // r0-r2 and no upcall function runs.
    uint32_t expiration = 0;
    check(tock_command_return_u32_to_returncode(command(DRIVER_NUM_ALARM, 5, 32, 0), &expiration) ==
              RETURNCODE_SUCCESS,
          "alarm set relative");
    syscall_return_t w = yield_wait_for(DRIVER_NUM_ALARM, 0);
    check(w.data[1] == expiration && (int32_t)(w.data[0] - expiration) >= 0,
          "yield-wait-for returns the alarm upcall's (now, expiration)");
}

// RNG fills a buffer (two draws differ); GPIO pin 0 (PB14 on Hail) driven high then low reads
// back what was driven.
static void driver_checks(void) {
    uint8_t r1[16] = {0}, r2[16] = {0};
    check(rng_get_random(r1, sizeof r1) == 16 && rng_get_random(r2, sizeof r2) == 16,
          "rng fills 16 bytes");
    check(memcmp(r1, r2, sizeof r1) != 0, "two rng draws differ");
    int pins = 0, high = -1, low = -1;
    check(gpio_count(&pins) == RETURNCODE_SUCCESS && pins == 4, "4 gpio pins");
    check(gpio_enable_output(0) == RETURNCODE_SUCCESS, "gpio 0 output");
    gpio_set(0);
    gpio_read(0, &high);
    gpio_clear(0);
    gpio_read(0, &low);
    check(high == 1 && low == 0, "gpio 0 reads back what it drives");
    check(gpio_enable_output(99) == RETURNCODE_EINVAL, "gpio 99 is INVAL");
    int leds = 0;
    check(led_count(&leds) == RETURNCODE_SUCCESS && leds == 3, "3 LEDs");
    check(led_on(3) == RETURNCODE_EINVAL, "LED 3 is INVAL");
}

int main(void) {
    startup_checks();
    format_checks();
    heap_checks();
    memop_checks();
    kernel_checks();
    driver_checks();
    printf("runtime_selftest: %u checks, %u failed\n", checks, failed);
    return (int)failed;
}
