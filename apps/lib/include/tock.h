// Raw Tock system calls (TRD104) with libtock-c's names and conventions.
//
// Every class has one wrapper: yield (0), subscribe (1), command (2), read-write allow (3),
// read-only allow (4), memop (5), exit (6), userspace-readable allow (7). Arguments go in r0-r3,
// the class is the `svc` immediate, results come back in r0-r3 (return variant in r0).
// r9 is the PIC base and is never touched here.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// TRD104 return variants (value of r0 after the call).
typedef enum {
    TOCK_SYSCALL_FAILURE = 0,
    TOCK_SYSCALL_FAILURE_U32 = 1,
    TOCK_SYSCALL_FAILURE_U32_U32 = 2,
    TOCK_SYSCALL_FAILURE_U64 = 3,
    TOCK_SYSCALL_SUCCESS = 128,
    TOCK_SYSCALL_SUCCESS_U32 = 129,
    TOCK_SYSCALL_SUCCESS_U32_U32 = 130,
    TOCK_SYSCALL_SUCCESS_U64 = 131,
    TOCK_SYSCALL_SUCCESS_U32_U32_U32 = 132,
    TOCK_SYSCALL_SUCCESS_U32_U64 = 133,
} syscall_rtype_t;

// Kernel error codes as the kernel numbers them (1..13), and libtock-c's negative returncodes.
typedef enum {
    TOCK_STATUSCODE_FAIL = 1,
    TOCK_STATUSCODE_BUSY = 2,
    TOCK_STATUSCODE_ALREADY = 3,
    TOCK_STATUSCODE_OFF = 4,
    TOCK_STATUSCODE_RESERVE = 5,
    TOCK_STATUSCODE_INVAL = 6,
    TOCK_STATUSCODE_SIZE = 7,
    TOCK_STATUSCODE_CANCEL = 8,
    TOCK_STATUSCODE_NOMEM = 9,
    TOCK_STATUSCODE_NOSUPPORT = 10,
    TOCK_STATUSCODE_NODEVICE = 11,
    TOCK_STATUSCODE_UNINSTALLED = 12,
    TOCK_STATUSCODE_NOACK = 13,
} statuscode_t;

typedef enum {
    RETURNCODE_SUCCESS = 0,
    RETURNCODE_FAIL = -1,
    RETURNCODE_EBUSY = -2,
    RETURNCODE_EALREADY = -3,
    RETURNCODE_EOFF = -4,
    RETURNCODE_ERESERVE = -5,
    RETURNCODE_EINVAL = -6,
    RETURNCODE_ESIZE = -7,
    RETURNCODE_ECANCEL = -8,
    RETURNCODE_ENOMEM = -9,
    RETURNCODE_ENOSUPPORT = -10,
    RETURNCODE_ENODEVICE = -11,
    RETURNCODE_EUNINSTALLED = -12,
    RETURNCODE_ENOACK = -13,
    RETURNCODE_EBADRVAL = -1024,
} returncode_t;

typedef struct {
    syscall_rtype_t type;
    uint32_t data[3];
} syscall_return_t;

typedef void(subscribe_upcall)(int arg0, int arg1, int arg2, void* userdata);

// Subscribe/allow return the previous value on success, the error and the passed values on
// failure (variants 130 / 2).
typedef struct {
    bool success;
    subscribe_upcall* callback;
    void* userdata;
    statuscode_t status;
} subscribe_return_t;

typedef struct {
    bool success;
    void* ptr;
    size_t size;
    statuscode_t status;
} allow_rw_return_t;

typedef struct {
    bool success;
    const void* ptr;
    size_t size;
    statuscode_t status;
} allow_ro_return_t;

typedef struct {
    statuscode_t status;  // 0 on success
    uint32_t data;        // the u32 of Success-u32, else 0
} memop_return_t;

// ---- the eight classes ----
void yield(void);         // yield-wait (r0 = 1)
int yield_no_wait(void);  // yield-no-wait: 1 if an upcall was pending
syscall_return_t yield_wait_for(uint32_t driver, uint32_t subscribe);
subscribe_return_t subscribe(uint32_t driver, uint32_t subscribe, subscribe_upcall* cb,
                             void* userdata);
syscall_return_t command(uint32_t driver, uint32_t command, int arg0, int arg1);
allow_rw_return_t allow_readwrite(uint32_t driver, uint32_t allow, void* ptr, size_t size);
allow_ro_return_t allow_readonly(uint32_t driver, uint32_t allow, const void* ptr, size_t size);
allow_rw_return_t allow_userspace_read(uint32_t driver, uint32_t allow, void* ptr, size_t size);
memop_return_t memop(uint32_t op, int arg);
__attribute__((noreturn)) void tock_exit(uint32_t completion_code);
__attribute__((noreturn)) void tock_restart(uint32_t completion_code);

// Fully raw access for tests of the ABI itself (bad_syscall_args, syscall_fuzz): any class
// immediate 0..7 with all four registers in and out, nothing interpreted.
typedef struct {
    uint32_t r0, r1, r2, r3;
} raw_regs_t;
raw_regs_t tock_raw_syscall(uint8_t svc_class, uint32_t r0, uint32_t r1, uint32_t r2, uint32_t r3);

// ---- helpers ----
// Yield-wait until *cond becomes true (set by an upcall).
void yield_for(volatile bool* cond);
int tock_status_to_returncode(statuscode_t s);
const char* tock_strerror(int returncode);          // "SUCCESS", "FAIL", ..., "EBADRVAL"
const char* tock_statuscode_name(uint32_t status);  // "FAIL", "INVAL", ... ("?" if unknown)
int tock_command_return_novalue_to_returncode(syscall_return_t r);
int tock_command_return_u32_to_returncode(syscall_return_t r, uint32_t* out);
bool driver_exists(uint32_t driver);

// memop conveniences (TRD104 §4.6)
void* tock_brk_get(void);  // sbrk(0)
int tock_brk(void* addr);
void* tock_sbrk(int increment);  // (void*)-1 on failure
uint32_t tock_memory_start(void);
uint32_t tock_memory_end(void);
uint32_t tock_flash_start(void);
uint32_t tock_flash_end(void);
uint32_t tock_grant_start(void);

// Freestanding C library bits the compiler may call.
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);

#ifdef __cplusplus
}
#endif
