/* PendSV context switch between two thread stacks (the RTOS pattern): PendSV saves r4-r11 on
   the current process stack, switches PSP and restores the other task. SysTick-free: tasks
   yield by setting ICSR.PENDSVSET. */
#include "cpu_fw.h"

static uint32_t stack_a[128] __attribute__((aligned(8)));
static uint32_t stack_b[128] __attribute__((aligned(8)));
uint32_t saved_psp[2];
uint32_t current_task;

__attribute__((naked)) void pendsv_handler(void) {
    __asm volatile(
        "mrs r0, psp\n"
        "stmdb r0!, {r4-r11}\n"
        "ldr r1, =current_task\n"
        "ldr r2, [r1]\n"
        "ldr r3, =saved_psp\n"
        "str r0, [r3, r2, lsl #2]\n"
        "eor r2, r2, #1\n"
        "str r2, [r1]\n"
        "ldr r0, [r3, r2, lsl #2]\n"
        "ldmia r0!, {r4-r11}\n"
        "msr psp, r0\n"
        "bx lr\n");
}

static void yield(void) {
    SCB_ICSR = ICSR_PENDSVSET;
    barrier();
}

static volatile uint32_t done_b;

static void task_b(void) {
    register uint32_t keep __asm("r8") = 0xB0B0B0B0; /* callee-saved: must survive switches */
    for (int i = 0; i < 3; ++i) {
        sh_puts("task b step ");
        sh_dec(i);
        sh_putc('\n');
        __asm volatile("" : "+r"(keep));
        yield();
    }
    sh_kv("task b r8", keep);
    done_b = 1;
    for (;;) yield();
}

static uint32_t *init_stack(uint32_t *top, void (*entry)(void)) {
    uint32_t *sp = top - 16;
    for (int i = 0; i < 16; ++i) sp[i] = 0;
    sp[8 + 6] = (uint32_t)entry & ~1u; /* PC */
    sp[8 + 7] = 1u << 24;              /* xPSR: Thumb */
    sp[8 + 5] = 0xFFFFFFFF;            /* LR */
    return sp;
}

int main(void) {
    SHPR_BYTE(14) = 0xF0; /* PendSV lowest */
    saved_psp[1] = (uint32_t)init_stack(&stack_b[128], task_b);
    current_task = 0;
    set_psp((uint32_t)&stack_a[128]);
    set_control(2); /* task a = main, on PSP */
    register uint32_t keep __asm("r9") = 0xA0A0A0A0;
    for (int i = 0; i < 4; ++i) {
        sh_puts("task a step ");
        sh_dec(i);
        sh_putc('\n');
        __asm volatile("" : "+r"(keep));
        yield();
    }
    sh_kv("task a r9", keep);
    sh_kv("b finished", done_b);
    sh_kv("on psp", (get_control() & 2) >> 1);
    sh_print("done");
    sh_exit(0); /* main's own frame is on MSP: do not return from here */
}
