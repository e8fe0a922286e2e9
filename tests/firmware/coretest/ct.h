/* Helpers for the coretest firmware (differential tests against QEMU and the ARMv7-M ARM).
   Every image prints "key=value" lines through semihosting from privileged code (QEMU refuses
   semihosting from unprivileged code) and ends with "done". Values an image collects while
   unprivileged are stored and printed later. */
#ifndef CT_H
#define CT_H
#include "testfw.h"

/* A naked handler that calls c_fn(frame, exc_return) with the frame on the stack the exception
   used; returning from c_fn returns from the exception (LR still holds EXC_RETURN). */
#define FRAME_HANDLER(handler, c_fn)                                             \
    void c_fn(uint32_t* frame, uint32_t exc_return);                             \
    __attribute__((naked)) void handler(void) {                                  \
        __asm volatile(                                                          \
            "tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n mov r1, lr\n" \
            "b " #c_fn "\n");                                                    \
    }

#define DEF_MRS(name, reg)                                   \
    static inline uint32_t name(void) {                      \
        uint32_t v;                                          \
        __asm volatile("mrs %0, " #reg : "=r"(v)::"memory"); \
        return v;                                            \
    }
DEF_MRS(get_ipsr, ipsr)
DEF_MRS(get_apsr, apsr)
DEF_MRS(get_xpsr, xpsr)
DEF_MRS(get_epsr, epsr)
DEF_MRS(get_iapsr, iapsr)
DEF_MRS(get_eapsr, eapsr)
DEF_MRS(get_iepsr, iepsr)
DEF_MRS(get_control, control)
DEF_MRS(get_primask, primask)
DEF_MRS(get_basepri, basepri)
DEF_MRS(get_faultmask, faultmask)
DEF_MRS(get_msp, msp)
DEF_MRS(get_psp, psp)

static inline void set_control(uint32_t v) {
    __asm volatile("msr control, %0\n isb" ::"r"(v) : "memory");
}
static inline void set_primask(uint32_t v) {
    __asm volatile("msr primask, %0\n isb" ::"r"(v) : "memory");
}
static inline void set_basepri(uint32_t v) {
    __asm volatile("msr basepri, %0\n isb" ::"r"(v) : "memory");
}
static inline void set_basepri_max(uint32_t v) {
    __asm volatile("msr basepri_max, %0\n isb" ::"r"(v) : "memory");
}
static inline void set_faultmask(uint32_t v) {
    __asm volatile("msr faultmask, %0\n isb" ::"r"(v) : "memory");
}
static inline void set_psp(uint32_t v) {
    __asm volatile("msr psp, %0\n isb" ::"r"(v) : "memory");
}
static inline uint32_t get_sp(void) {
    uint32_t v;
    __asm volatile("mov %0, sp" : "=r"(v));
    return v;
}
static inline void barrier(void) {
    __asm volatile("dsb\n isb" ::: "memory");
}

#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_PENDSTSET (1u << 26)
#define CCR_USERSETMPEND (1u << 1)
#define CCR_NONBASETHRDENA (1u << 0)
#define CCR_STKALIGN (1u << 9)

#define SCB_CPUID REG32(0xE000ED00)
#define SCB_SHPR_BYTE(exc) (*(volatile uint8_t*)(0xE000ED18 + (exc)-4))
#define NVIC_IPR16(n) (*(volatile uint16_t*)(0xE000E400 + (n)))
#define NVIC_IPR32(n) REG32(0xE000E400 + (n))

static inline void irq_pend(unsigned n) {
    NVIC_ISPR(n / 32) = 1u << (n % 32);
    barrier();
}
static inline void irq_unpend(unsigned n) {
    NVIC_ICPR(n / 32) = 1u << (n % 32);
    barrier();
}
static inline void irq_enable(unsigned n) {
    NVIC_ISER(n / 32) = 1u << (n % 32);
    barrier();
}
static inline void irq_disable(unsigned n) {
    NVIC_ICER(n / 32) = 1u << (n % 32);
    barrier();
}
static inline void irq_prio(unsigned n, uint8_t p) {
    NVIC_IPR8(n) = p;
    barrier();
}

/* ICSR fields */
static inline uint32_t icsr_vectactive(void) {
    return SCB_ICSR & 0x1FF;
}
static inline uint32_t icsr_vectpending(void) {
    return (SCB_ICSR >> 12) & 0x1FF;
}
static inline uint32_t icsr_rettobase(void) {
    return (SCB_ICSR >> 11) & 1;
}
static inline uint32_t icsr_isrpending(void) {
    return (SCB_ICSR >> 22) & 1;
}

/* A small event log for ordering tests, printed as "what: a b c" (one image = one unit). */
static volatile uint32_t log_buf[32];
static volatile uint32_t log_len;
static inline void log_note(uint32_t v) {
    log_buf[log_len++ & 31] = v;
}
static inline __attribute__((unused)) void log_dump(const char* what) {
    sh_puts(what);
    sh_putc(':');
    for (uint32_t i = 0; i < log_len && i < 32; ++i) {
        sh_putc(' ');
        sh_dec((int32_t)log_buf[i]);
    }
    sh_putc('\n');
    log_len = 0;
}

#endif
