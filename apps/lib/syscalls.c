// The eight Tock system call classes (TRD104), memop helpers and return-code conversions.
#include "tock.h"

// Yield may run an upcall, which may clobber every caller-saved register (AAPCS).
void yield(void) {
    register uint32_t r0 __asm__("r0") = 1;  // yield-wait
    register uint32_t r1 __asm__("r1") = 0;
    __asm__ volatile("svc 0" : "+r"(r0), "+r"(r1) : : "r2", "r3", "r12", "lr", "memory", "cc");
}

int yield_no_wait(void) {
    volatile uint8_t result = 0;
    register uint32_t r0 __asm__("r0") = 0;  // yield-no-wait
    register uint32_t r1 __asm__("r1") = (uint32_t)&result;
    __asm__ volatile("svc 0" : "+r"(r0), "+r"(r1) : : "r2", "r3", "r12", "lr", "memory", "cc");
    return result;
}

// Yield-WaitFor runs no userspace code: only r0-r2 change (the upcall's arguments).
syscall_return_t yield_wait_for(uint32_t driver, uint32_t subscribe_num) {
    register uint32_t r0 __asm__("r0") = 2;
    register uint32_t r1 __asm__("r1") = driver;
    register uint32_t r2 __asm__("r2") = subscribe_num;
    __asm__ volatile("svc 0" : "+r"(r0), "+r"(r1), "+r"(r2) : : "memory");
    syscall_return_t ret = {TOCK_SYSCALL_SUCCESS_U32_U32_U32, {r0, r1, r2}};
    return ret;
}

#define TOCK_SVC(imm, a, b, c, d)                                                        \
    do {                                                                                 \
        __asm__ volatile("svc " #imm : "+r"(a), "+r"(b), "+r"(c), "+r"(d) : : "memory"); \
    } while (0)

subscribe_return_t subscribe(uint32_t driver, uint32_t num, subscribe_upcall* cb, void* userdata) {
    register uint32_t r0 __asm__("r0") = driver;
    register uint32_t r1 __asm__("r1") = num;
    register uint32_t r2 __asm__("r2") = (uint32_t)cb;
    register uint32_t r3 __asm__("r3") = (uint32_t)userdata;
    TOCK_SVC(1, r0, r1, r2, r3);
    subscribe_return_t ret;
    ret.success = r0 == TOCK_SYSCALL_SUCCESS_U32_U32;
    if (ret.success) {
        ret.callback = (subscribe_upcall*)r1;
        ret.userdata = (void*)r2;
        ret.status = 0;
    } else if (r0 == TOCK_SYSCALL_FAILURE_U32_U32) {
        ret.status = (statuscode_t)r1;
        ret.callback = (subscribe_upcall*)r2;
        ret.userdata = (void*)r3;
    } else {
        tock_exit(1);  // libtock-c treats any other variant as fatal
    }
    return ret;
}

syscall_return_t command(uint32_t driver, uint32_t cmd, int arg0, int arg1) {
    register uint32_t r0 __asm__("r0") = driver;
    register uint32_t r1 __asm__("r1") = cmd;
    register uint32_t r2 __asm__("r2") = (uint32_t)arg0;
    register uint32_t r3 __asm__("r3") = (uint32_t)arg1;
    TOCK_SVC(2, r0, r1, r2, r3);
    syscall_return_t ret = {(syscall_rtype_t)r0, {r1, r2, r3}};
    return ret;
}

static allow_rw_return_t allow_rw_common(uint32_t r0v, uint32_t r1v, void* ptr, size_t size,
                                         int userspace_readable) {
    register uint32_t r0 __asm__("r0") = r0v;
    register uint32_t r1 __asm__("r1") = r1v;
    register uint32_t r2 __asm__("r2") = (uint32_t)ptr;
    register uint32_t r3 __asm__("r3") = (uint32_t)size;
    if (userspace_readable) {
        TOCK_SVC(7, r0, r1, r2, r3);
    } else {
        TOCK_SVC(3, r0, r1, r2, r3);
    }
    allow_rw_return_t ret;
    ret.success = r0 == TOCK_SYSCALL_SUCCESS_U32_U32;
    if (ret.success) {
        ret.ptr = (void*)r1;
        ret.size = r2;
        ret.status = 0;
    } else if (r0 == TOCK_SYSCALL_FAILURE_U32_U32) {
        ret.status = (statuscode_t)r1;
        ret.ptr = (void*)r2;
        ret.size = r3;
    } else {
        tock_exit(1);
    }
    return ret;
}

allow_rw_return_t allow_readwrite(uint32_t driver, uint32_t allow, void* ptr, size_t size) {
    return allow_rw_common(driver, allow, ptr, size, 0);
}

allow_rw_return_t allow_userspace_read(uint32_t driver, uint32_t allow, void* ptr, size_t size) {
    return allow_rw_common(driver, allow, ptr, size, 1);
}

allow_ro_return_t allow_readonly(uint32_t driver, uint32_t allow, const void* ptr, size_t size) {
    register uint32_t r0 __asm__("r0") = driver;
    register uint32_t r1 __asm__("r1") = allow;
    register uint32_t r2 __asm__("r2") = (uint32_t)ptr;
    register uint32_t r3 __asm__("r3") = (uint32_t)size;
    TOCK_SVC(4, r0, r1, r2, r3);
    allow_ro_return_t ret;
    ret.success = r0 == TOCK_SYSCALL_SUCCESS_U32_U32;
    if (ret.success) {
        ret.ptr = (const void*)r1;
        ret.size = r2;
        ret.status = 0;
    } else if (r0 == TOCK_SYSCALL_FAILURE_U32_U32) {
        ret.status = (statuscode_t)r1;
        ret.ptr = (const void*)r2;
        ret.size = r3;
    } else {
        tock_exit(1);
    }
    return ret;
}

memop_return_t memop(uint32_t op, int arg) {
    register uint32_t r0 __asm__("r0") = op;
    register uint32_t r1 __asm__("r1") = (uint32_t)arg;
    register uint32_t r2 __asm__("r2") = 0;
    register uint32_t r3 __asm__("r3") = 0;
    TOCK_SVC(5, r0, r1, r2, r3);
    memop_return_t ret = {0, 0};
    if (r0 == TOCK_SYSCALL_SUCCESS_U32) {
        ret.data = r1;
    } else if (r0 == TOCK_SYSCALL_FAILURE) {
        ret.status = (statuscode_t)r1;
    } else if (r0 != TOCK_SYSCALL_SUCCESS) {
        tock_exit(1);
    }
    return ret;
}

void tock_exit(uint32_t completion_code) {
    register uint32_t r0 __asm__("r0") = 0;  // exit-terminate
    register uint32_t r1 __asm__("r1") = completion_code;
    __asm__ volatile("svc 6" : : "r"(r0), "r"(r1) : "memory");
    __builtin_unreachable();
}

void tock_restart(uint32_t completion_code) {
    register uint32_t r0 __asm__("r0") = 1;  // exit-restart
    register uint32_t r1 __asm__("r1") = completion_code;
    __asm__ volatile("svc 6" : : "r"(r0), "r"(r1) : "memory");
    __builtin_unreachable();
}

// The class is an instruction immediate, so each one needs its own `svc`. An upcall can only
// run inside yield, hence the yield case clobbers like yield().
raw_regs_t tock_raw_syscall(uint8_t svc_class, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3) {
    register uint32_t r0 __asm__("r0") = a0;
    register uint32_t r1 __asm__("r1") = a1;
    register uint32_t r2 __asm__("r2") = a2;
    register uint32_t r3 __asm__("r3") = a3;
    switch (svc_class) {
        case 0:
            __asm__ volatile("svc 0"
                             : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
                             :
                             : "r12", "lr", "memory", "cc");
            break;
        case 1:
            TOCK_SVC(1, r0, r1, r2, r3);
            break;
        case 2:
            TOCK_SVC(2, r0, r1, r2, r3);
            break;
        case 3:
            TOCK_SVC(3, r0, r1, r2, r3);
            break;
        case 4:
            TOCK_SVC(4, r0, r1, r2, r3);
            break;
        case 5:
            TOCK_SVC(5, r0, r1, r2, r3);
            break;
        case 6:
            TOCK_SVC(6, r0, r1, r2, r3);
            break;
        case 7:
            TOCK_SVC(7, r0, r1, r2, r3);
            break;
        default:
            break;
    }
    raw_regs_t out = {r0, r1, r2, r3};
    return out;
}

void yield_for(volatile bool* cond) {
    while (!*cond) yield();
}

int tock_status_to_returncode(statuscode_t s) {
    return s == 0 ? RETURNCODE_SUCCESS : -(int)s;
}

const char* tock_statuscode_name(uint32_t status) {
    static const char* const names[] = {"SUCCESS",   "FAIL",     "BUSY",        "ALREADY", "OFF",
                                        "RESERVE",   "INVAL",    "SIZE",        "CANCEL",  "NOMEM",
                                        "NOSUPPORT", "NODEVICE", "UNINSTALLED", "NOACK"};
    if (status < sizeof(names) / sizeof(names[0])) return names[status];
    return "?";
}

const char* tock_strerror(int returncode) {
    if (returncode == RETURNCODE_EBADRVAL) return "EBADRVAL";
    if (returncode > 0 || returncode < -13) return "?";
    return tock_statuscode_name((uint32_t)-returncode);
}

int tock_command_return_novalue_to_returncode(syscall_return_t r) {
    if (r.type == TOCK_SYSCALL_SUCCESS) return RETURNCODE_SUCCESS;
    if (r.type == TOCK_SYSCALL_FAILURE) return -(int)r.data[0];
    return RETURNCODE_EBADRVAL;
}

int tock_command_return_u32_to_returncode(syscall_return_t r, uint32_t* out) {
    if (r.type == TOCK_SYSCALL_SUCCESS_U32) {
        if (out) *out = r.data[0];
        return RETURNCODE_SUCCESS;
    }
    if (r.type == TOCK_SYSCALL_FAILURE) return -(int)r.data[0];
    return RETURNCODE_EBADRVAL;
}

bool driver_exists(uint32_t driver) {
    return command(driver, 0, 0, 0).type >= TOCK_SYSCALL_SUCCESS;
}

void* tock_brk_get(void) {
    return (void*)memop(1, 0).data;
}

int tock_brk(void* addr) {
    return tock_status_to_returncode(memop(0, (int)addr).status);
}

void* tock_sbrk(int increment) {
    memop_return_t r = memop(1, increment);
    return r.status ? (void*)-1 : (void*)r.data;
}

uint32_t tock_memory_start(void) {
    return memop(2, 0).data;
}
uint32_t tock_memory_end(void) {
    return memop(3, 0).data;
}
uint32_t tock_flash_start(void) {
    return memop(4, 0).data;
}
uint32_t tock_flash_end(void) {
    return memop(5, 0).data;
}
uint32_t tock_grant_start(void) {
    return memop(6, 0).data;
}
