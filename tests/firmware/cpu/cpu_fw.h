/* Helpers shared by the core test firmware: exception handlers that hand the stacked frame and
   EXC_RETURN to C, and small wrappers around special-register instructions. */
#ifndef CPU_FW_H
#define CPU_FW_H
#include "testfw.h"

/* Defines `handler` as a naked stub that calls `c_fn(uint32_t *frame, uint32_t exc_return)` with
   the frame on whichever stack the exception used; returning from c_fn returns from the
   exception (the stub tail-calls with LR still holding EXC_RETURN). */
#define FRAME_HANDLER(handler, c_fn)                                                         \
    void c_fn(uint32_t *frame, uint32_t exc_return);                                         \
    __attribute__((naked)) void handler(void) {                                              \
        __asm volatile("tst lr, #4\n ite eq\n mrseq r0, msp\n mrsne r0, psp\n mov r1, lr\n" \
                       "b " #c_fn "\n");                                                     \
    }

static inline uint32_t get_ipsr(void) { uint32_t v; __asm volatile("mrs %0, ipsr" : "=r"(v)); return v; }
static inline uint32_t get_control(void) { uint32_t v; __asm volatile("mrs %0, control" : "=r"(v)); return v; }
static inline void set_control(uint32_t v) { __asm volatile("msr control, %0\n isb" : : "r"(v) : "memory"); }
static inline uint32_t get_primask(void) { uint32_t v; __asm volatile("mrs %0, primask" : "=r"(v)); return v; }
static inline void set_primask(uint32_t v) { __asm volatile("msr primask, %0\n isb" : : "r"(v) : "memory"); }
static inline uint32_t get_basepri(void) { uint32_t v; __asm volatile("mrs %0, basepri" : "=r"(v)); return v; }
static inline void set_basepri(uint32_t v) { __asm volatile("msr basepri, %0\n isb" : : "r"(v) : "memory"); }
static inline uint32_t get_faultmask(void) { uint32_t v; __asm volatile("mrs %0, faultmask" : "=r"(v)); return v; }
static inline void set_faultmask(uint32_t v) { __asm volatile("msr faultmask, %0\n isb" : : "r"(v) : "memory"); }
static inline uint32_t get_msp(void) { uint32_t v; __asm volatile("mrs %0, msp" : "=r"(v)); return v; }
static inline uint32_t get_psp(void) { uint32_t v; __asm volatile("mrs %0, psp" : "=r"(v)); return v; }
static inline void set_psp(uint32_t v) { __asm volatile("msr psp, %0" : : "r"(v)); }
static inline uint32_t get_sp(void) { uint32_t v; __asm volatile("mov %0, sp" : "=r"(v)); return v; }
static inline void barrier(void) { __asm volatile("dsb\n isb" ::: "memory"); }

#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_PENDSTSET (1u << 26)

static inline void irq_pend(unsigned n) { NVIC_ISPR(n / 32) = 1u << (n % 32); barrier(); }
static inline void irq_enable(unsigned n) { NVIC_ISER(n / 32) = 1u << (n % 32); barrier(); }
static inline void irq_prio(unsigned n, uint8_t p) { NVIC_IPR8(n) = p; }
#define SHPR_BYTE(exc) (*(volatile uint8_t *)(0xE000ED18 + (exc) - 4))

#endif
