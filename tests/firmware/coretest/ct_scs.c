/* System Control Space registers (ARMv7-M ARM B3.2, B3.4): SHCSR active/pending/enable bits as
   seen inside handlers and written by software, SHPR and NVIC_IPR byte/halfword/word access
   (byte-accessible, unimplemented low bits read as zero), NVIC_IABR inside handlers,
   ICER/ISER/ICPR/ISPR readback, STIR from privileged code, ICSR set/clear bits, AIRCR key
   and reads, CCR/CPUID fields. Priorities only use bits [7:4] (the SAM4L's); only values both
   cores must agree on are printed. */
#include "ct.h"

static volatile uint32_t shcsr_in[4], iabr_in[2];

void svc_handler(void) {
    shcsr_in[0] = SCB_SHCSR;
    SCB_ICSR = ICSR_PENDSVSET; /* PendSV (0x40) preempts SVCall (0x80) */
    barrier();
}

void pendsv_handler(void) {
    shcsr_in[1] = SCB_SHCSR;
    irq_pend(1); /* IRQ 1 (0x20) preempts PendSV */
}

void irq_handler(void) {
    const uint32_t irq = get_ipsr() - 16;
    log_note(irq);
    if (irq == 1) {
        shcsr_in[2] = SCB_SHCSR;
        iabr_in[0] = NVIC_IABR(0);
        iabr_in[1] = NVIC_IABR(1);
    }
}

void systick_handler(void) {
    log_note(15);
}

int main(void) {
    /* ---- ICSR with nothing active or pending: RETTOBASE reads 1 (B3.2.4; UNKNOWN in Thread
       mode by the manual, 1 on a Cortex-M4 and in QEMU) ---- */
    sh_kv("icsr at reset", SCB_ICSR);

    /* ---- Priority registers: byte, halfword and word access ---- */
    irq_prio(0, 0xF0);
    irq_prio(1, 0x20);
    NVIC_IPR8(2) = 0x30;
    NVIC_IPR8(3) = 0x40;
    sh_kv("ipr0 word", NVIC_IPR32(0));
    NVIC_IPR16(6) = 0x6050; /* IRQ 6 = 0x50, IRQ 7 = 0x60 */
    sh_kv("ipr4 word after halfword write", NVIC_IPR32(4));
    sh_kv("ipr 7 byte", NVIC_IPR8(7));
    sh_kv("ipr 6..7 halfword", NVIC_IPR16(6));
    NVIC_IPR32(8) = 0xC0B0A090u;
    sh_kv("ipr 10 byte", NVIC_IPR8(10));
    NVIC_IPR8(9) = 0x10; /* a byte write leaves its neighbours alone */
    sh_kv("ipr8 word after byte write", NVIC_IPR32(8));
    NVIC_IPR32(8) = 0;
    NVIC_IPR32(4) = 0;

    /* SHPR: MemManage/BusFault/UsageFault in SHPR1, SVCall in SHPR2[31:24], PendSV/SysTick in
       SHPR3[23:16]/[31:24]; reserved bytes read as zero. */
    SCB_SHPR1 = 0xFFA0B0C0u; /* byte 3 is reserved (exception 7) */
    sh_kv("shpr1", SCB_SHPR1);
    SCB_SHPR2 = 0x80FFFFFFu;
    sh_kv("shpr2", SCB_SHPR2);
    SCB_SHPR3 = 0x40C0FFFFu; /* SysTick 0x40, PendSV 0xC0, DebugMonitor 0xFF->..., reserved */
    SCB_SHPR_BYTE(12) = 0;   /* DebugMonitor back to 0: not used here */
    sh_kv("shpr3", SCB_SHPR3);
    SCB_SHPR_BYTE(14) = 0x40; /* PendSV */
    sh_kv("shpr3 after byte write", SCB_SHPR3);
    sh_kv("shpr byte svcall", SCB_SHPR_BYTE(11));
    *(volatile uint16_t*)0xE000ED22 = 0x5060; /* PendSV 0x60, SysTick 0x50 by halfword */
    sh_kv("shpr3 after halfword write", SCB_SHPR3);
    SCB_SHPR3 = 0x00400000u; /* PendSV 0x40, SysTick 0 */
    SCB_SHPR1 = 0;

    /* ---- SHCSR inside nested handlers: SVCall (0x80) > PendSV (0x40) > IRQ 1 (0x20) ---- */
    irq_enable(1);
    __asm volatile("svc #0" ::: "memory");
    sh_kv("shcsr in svc", shcsr_in[0]);
    sh_kv("shcsr in pendsv", shcsr_in[1]);
    sh_kv("shcsr in irq1", shcsr_in[2]);
    sh_kv("iabr0 in irq1", iabr_in[0]);
    sh_kv("iabr1 in irq1", iabr_in[1]);
    sh_kv("shcsr in thread", SCB_SHCSR);
    log_dump("irqs");

    /* Enables read back; pending bits set and cleared by software. */
    SCB_SHCSR = SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    sh_kv("shcsr enables", SCB_SHCSR);
    set_primask(1);
    SCB_SHCSR |= 1u << 15; /* SVCALLPENDED */
    sh_kv("shcsr svcallpended", SCB_SHCSR);
    sh_kv("vectpending", icsr_vectpending());
    SCB_SHCSR &= ~(1u << 15);
    sh_kv("shcsr cleared", SCB_SHCSR);
    sh_kv("vectpending after clear", icsr_vectpending());
    set_primask(0);
    SCB_SHCSR = 0;

    /* ---- NVIC enable/pending word registers ---- */
    NVIC_ISER(0) = 0x0000F0F0u;
    sh_kv("iser0", NVIC_ISER(0));
    sh_kv("icer0 reads enables", NVIC_ICER(0));
    NVIC_ICER(0) = 0x0000F0F2u;
    sh_kv("iser0 after icer", NVIC_ISER(0));
    set_primask(1);
    NVIC_ISPR(0) = 0x00000C00u;
    sh_kv("ispr0", NVIC_ISPR(0));
    sh_kv("icpr0 reads pending", NVIC_ICPR(0));
    sh_kv("isrpending (disabled lines)", icsr_isrpending());
    sh_kv("vectpending (disabled lines)", icsr_vectpending());
    NVIC_ICPR(0) = 0x00000400u;
    sh_kv("ispr0 after icpr", NVIC_ISPR(0));
    NVIC_ICPR(0) = 0xFFFFFFFFu;
    *(volatile uint8_t*)0xE000E201 = 0x01; /* byte write to ISPR0: IRQ 8 */
    sh_kv("ispr0 after byte write", NVIC_ISPR(0));
    NVIC_ICPR(0) = 0xFFFFFFFFu;
    set_primask(0);

    /* ---- STIR (privileged): pends the interrupt whose number is written ---- */
    irq_enable(3);
    irq_prio(3, 0x80);
    set_primask(1);
    NVIC_STIR = 3;
    barrier();
    sh_kv("stir 3: ispr0", NVIC_ISPR(0));
    set_primask(0);
    log_dump("after stir");

    /* ---- ICSR: PENDSTSET/PENDSTCLR, PENDSVSET/PENDSVCLR read back; write-only bits 0 ---- */
    set_primask(1);
    SCB_ICSR = ICSR_PENDSTSET;
    SCB_ICSR = ICSR_PENDSVSET;
    sh_kv("icsr pendst+pendsv", SCB_ICSR);
    SCB_ICSR = 1u << 25; /* PENDSTCLR */
    SCB_ICSR = 1u << 27; /* PENDSVCLR */
    sh_kv("icsr after clr", SCB_ICSR);
    set_primask(0);
    log_dump("nothing taken");

    /* ---- AIRCR: wrong key ignored; VECTKEYSTAT reads 0xFA05 ---- */
    SCB_AIRCR = 0x12340300u;
    sh_kv("aircr after wrong key", SCB_AIRCR);
    SCB_AIRCR = 0x05FA0300u;
    sh_kv("aircr prigroup 3", SCB_AIRCR);
    SCB_AIRCR = 0x05FA0000u;

    /* ---- CPUID and CCR ---- */
    sh_kv("cpuid implementer/arch/partno", SCB_CPUID & 0xFF0FFFF0u);
    sh_kv("ccr", SCB_CCR);
    SCB_CCR = (1u << 9) | (1u << 8) | CCR_USERSETMPEND | CCR_NONBASETHRDENA;
    sh_kv("ccr bfhfnmign usersetmpend nonbasethrdena", SCB_CCR);
    SCB_CCR = 1u << 9;
    sh_print("done");
    return 0;
}
