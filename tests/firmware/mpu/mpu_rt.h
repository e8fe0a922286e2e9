/* A tiny "kernel" for the MPU test firmware: program regions, run a function in thread mode
   (privileged or not) on its own stack, and come back to the kernel whether the function
   returned (svc #0) or faulted (MemManage/BusFault/UsageFault/HardFault record the fault and
   return here). Output is plain semihosting lines, identical on tockemu and QEMU mps2-an386.

   Memory map used by the tests (kernel = privileged code, user = unprivileged):
     0x00000000  512K  flash: code, rodata                 region 0: AP=010 (user RO), exec
     0x20000000        kernel .data/.bss                   no region: user has no access
     0x20008000  4K    user RAM, user stack top 0x20009000 region 1: AP=011, XN
     0x2000A000-0x2000CFFF  scratch areas for individual tests
     0x2000F000-0x2000FFFF  kernel (MSP) stack */
#ifndef MPU_RT_H
#define MPU_RT_H
#include <stdint.h>

#include "testfw.h"

#define MPU_RBAR_VALID (1u << 4)
#define MPU_CTRL_ENABLE 1u
#define MPU_CTRL_HFNMIENA 2u
#define MPU_CTRL_PRIVDEFENA 4u
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

#define AP_NONE 0u        /* 000 */
#define AP_PRIV_RW 1u     /* 001: privileged only */
#define AP_USER_RO 2u     /* 010: privileged RW, unprivileged RO */
#define AP_FULL 3u        /* 011 */
#define AP_PRIV_RO 5u     /* 101 */
#define AP_RO 6u          /* 110 */

#define USER_RAM 0x20008000u
#define USER_STACK_TOP 0x20009000u

/* Region n: base, RASR.SIZE (2^(size+1) bytes), AP, XN, sub-region disable mask. */
void mpu_region(unsigned n, uint32_t base, unsigned size, unsigned ap, int xn, unsigned srd);
void mpu_region_off(unsigned n);
void mpu_ctrl(uint32_t ctrl); /* write MPU_CTRL, then dsb; isb */
/* Flash RO+exec for the user, user RAM, MPU on with PRIVDEFENA, fault handlers enabled. */
void mpu_standard_setup(void);

struct fault_record {
    uint32_t count;      /* faults taken since fault_reset() */
    uint32_t exception;  /* IPSR of the handler */
    uint32_t cfsr, hfsr;
    uint32_t mmfar;      /* only when MMARVALID, else 0 */
    uint32_t bfar;       /* only when BFARVALID, else 0 */
    uint32_t stacked_pc; /* 0 when the frame could not be stacked */
};
extern volatile struct fault_record last_fault;
extern volatile uint32_t late_svc_count;
void fault_reset(void);

/* Runs fn(arg) in thread mode on the process stack `psp_top`, unprivileged when `unpriv`.
   Returns 0 when fn returned, 1 when a fault brought control back to the kernel. */
int run_thread(void (*fn)(uint32_t), uint32_t arg, uint32_t psp_top, int unpriv);
/* The same, always unprivileged, entered as an OS does: exception return (PendSV) to a frame. */
int run_thread_eret(void (*fn)(uint32_t), uint32_t arg, uint32_t psp_top);

/* User-side helpers (assembly, so that the faulting instruction has a known address). */
void user_store_word(uint32_t addr); /* str of 0x5A at addr: label user_store_word_insn */
void user_load_word(uint32_t addr);  /* ldr: label user_load_word_insn */
void user_store_byte(uint32_t addr); /* strb 0x5A: label user_store_byte_insn */
void user_load_byte(uint32_t addr);  /* ldrb: label user_load_byte_insn */
void user_call(uint32_t fn);         /* blx fn */
void user_svc_on_stack(uint32_t sp); /* sp = arg; svc #2 (stacking goes to the new stack) */
void user_svc_unstack_fault(uint32_t unused); /* svc #3: the kernel makes the stack priv-only */
/* Privileged: RASR (of the region in RNR) = arg0, dsb, isb, then str 0x77 to arg1. */
void flip_then_store(uint32_t rasr, uint32_t addr);
extern char user_store_word_insn[], user_load_word_insn[], user_store_byte_insn[],
    user_load_byte_insn[], flip_store_insn[];

/* Checks print one line each and count failures. */
void check(const char *what, uint32_t got, uint32_t want);
/* "name: fault exc=4 cfsr=... mmfar=... pc=..." and checks of each field. */
void expect_fault(const char *name, int result, uint32_t exception, uint32_t cfsr,
                  uint32_t mmfar, uint32_t pc);
void expect_no_fault(const char *name, int result);
int failures(void);
int finish(const char *firmware); /* prints the summary, returns the exit code */

#endif
