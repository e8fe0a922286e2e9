/* The System Control Space is privileged-only: unprivileged loads and stores there are precise
   BusFaults (BFAR = the register) and a refused store changes nothing. */
#include "cpu_fw.h"

static uint32_t process_stack[256] __attribute__((aligned(8)));
static volatile uint32_t faults, last_cfsr, last_bfar;

FRAME_HANDLER(busfault_handler, bus_c)
void bus_c(uint32_t *frame, uint32_t exc_return) {
    (void)exc_return;
    faults++;
    last_cfsr = SCB_CFSR;
    last_bfar = SCB_BFAR;
    SCB_CFSR = last_cfsr;
    frame[6] += 2; /* 16-bit ldr/str */
}

FRAME_HANDLER(svc_handler, svc_c)
void svc_c(uint32_t *frame, uint32_t exc_return) {
    (void)frame;
    (void)exc_return;
    set_control(get_control() & ~1u);
}

int main(void) {
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    const uint32_t vtor = SCB_VTOR;
    set_psp((uint32_t)&process_stack[256]);
    set_control(3);
    register uint32_t v __asm("r2") = 0xCCCC;
    __asm volatile("ldr r1, =0xE000ED04\n ldr r2, [r1]\n b 1f\n .ltorg\n 1:\n" : "+r"(v) : : "r1", "memory");
    const uint32_t f1 = faults, c1 = last_cfsr, b1 = last_bfar, g1 = v;
    __asm volatile("ldr r1, =0xE000ED08\n ldr r2, =0x00000200\n str r2, [r1]\n b 1f\n .ltorg\n 1:\n" ::: "r1", "r2", "memory");
    const uint32_t f2 = faults, c2 = last_cfsr, b2 = last_bfar;
    __asm volatile("svc #0" ::: "memory");
    sh_kv("load faults", f1);
    sh_kv("load cfsr", c1);
    sh_kv("load bfar", b1);
    sh_kv("load destination untouched", g1);
    sh_kv("store faults", f2);
    sh_kv("store cfsr", c2);
    sh_kv("store bfar", b2);
    sh_kv("vtor unchanged", SCB_VTOR == vtor);
    sh_print("done");
    sh_exit(0); /* main's frame is on MSP */
}
