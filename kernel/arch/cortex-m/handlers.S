@ Cortex-M4 exception entry points and the switch to and from user mode (ARMv7-M ARM B1.5;
@ tock-abi.md section 8.2). The kernel runs privileged in thread mode on MSP; a process runs
@ unprivileged in thread mode on PSP. The kernel enters a process with `svc 0xff` from
@ switch_to_user(); every way back (process svc, SysTick, an interrupt, a fault) returns to the
@ kernel thread by EXC_RETURN 0xFFFFFFF9, which pops the frame `svc 0xff` left on MSP, so
@ execution continues right after that svc.

    .syntax unified
    .cpu cortex-m4
    .thumb

@ Return from this exception to the kernel thread (MSP, privileged) instead of the process.
.macro RETURN_TO_KERNEL
    movs r0, #0
    msr control, r0
    isb
    mvn lr, #6          @ 0xFFFFFFF9: thread mode, MSP
    bx lr
.endm

@ uint32_t switch_to_user(uint32_t psp, uint32_t regs[8]);  returns the process's PSP afterwards.
@ r4-r11 of the process are loaded from and saved back to regs[].
    .section .text.switch_to_user, "ax", %progbits
    .global switch_to_user
    .type switch_to_user, %function
    .thumb_func
switch_to_user:
    push {r1, r4-r11, lr}       @ 10 words keeps MSP 8-byte aligned
    msr psp, r0
    ldmia r1, {r4-r11}
    svc 0xff
    ldr r1, [sp]
    stmia r1, {r4-r11}
    mrs r0, psp
    pop {r1, r4-r11, pc}
    .size switch_to_user, . - switch_to_user

    .section .text.svc_handler, "ax", %progbits
    .global svc_handler
    .type svc_handler, %function
    .thumb_func
svc_handler:
    tst lr, #4
    bne 1f
    @ From the kernel's `svc 0xff`: drop privilege and return to the process on PSP.
    movs r0, #1
    msr control, r0
    isb
    mvn lr, #2          @ 0xFFFFFFFD: thread mode, PSP
    bx lr
1:  @ From a process: a system call. The kernel decodes it from the frame on PSP.
    ldr r0, =cortexm_syscall_fired
    movs r1, #1
    str r1, [r0]
    RETURN_TO_KERNEL
    .size svc_handler, . - svc_handler

    .section .text.systick_handler, "ax", %progbits
    .global systick_handler
    .type systick_handler, %function
    .thumb_func
systick_handler:
    ldr r0, =cortexm_systick_fired
    movs r1, #1
    str r1, [r0]
    tst lr, #4
    beq 1f
    RETURN_TO_KERNEL
1:  bx lr
    .size systick_handler, . - systick_handler

@ Top half of every peripheral interrupt: disable the line and leave it pending; the kernel loop
@ runs the driver's handler (bottom half) and re-enables it (tock-abi.md 8.4).
    .section .text.generic_isr, "ax", %progbits
    .global generic_isr
    .type generic_isr, %function
    .thumb_func
generic_isr:
    mrs r0, ipsr
    and r0, r0, #0xff
    subs r0, r0, #16
    lsrs r2, r0, #5             @ register index
    and r3, r0, #31
    movs r1, #1
    lsls r1, r1, r3             @ bit within the register
    ldr r3, =0xE000E180         @ NVIC_ICER0
    str r1, [r3, r2, lsl #2]
    ldr r3, =0xE000E200         @ NVIC_ISPR0
    str r1, [r3, r2, lsl #2]
    tst lr, #4
    beq 1f
    RETURN_TO_KERNEL
1:  bx lr
    .size generic_isr, . - generic_isr

@ HardFault. MemManage, BusFault and UsageFault are never enabled in SHCSR (as in Tock), so every
@ MPU violation, bus error and usage fault arrives here escalated, with CFSR telling which.
@ From a process (EXC_RETURN bit 2 set): record CFSR/HFSR/MMFAR/BFAR, clear them, return to the
@ kernel, which classifies the switch as a fault. From the kernel: panic with the stacked frame.
    .section .text.hard_fault_handler, "ax", %progbits
    .global hard_fault_handler
    .type hard_fault_handler, %function
    .thumb_func
hard_fault_handler:
    tst lr, #4
    beq 2f
    ldr r0, =cortexm_app_fault
    ldr r1, =0xE000ED28         @ CFSR; HFSR +4, MMFAR +0xC, BFAR +0x10
    ldr r2, [r1]
    str r2, [r0, #0]
    str r2, [r1]                @ write-one-to-clear, so the next fault decodes alone
    ldr r2, [r1, #4]
    str r2, [r0, #4]
    str r2, [r1, #4]
    ldr r2, [r1, #12]
    str r2, [r0, #8]
    ldr r2, [r1, #16]
    str r2, [r0, #12]
    mrs r2, psp
    str r2, [r0, #16]
    movs r2, #1
    str r2, [r0, #20]
    RETURN_TO_KERNEL
2:  @ Kernel fault. If the kernel stack overflowed, the frame may be unusable: continue on the
    @ top of the kernel stack (the panic never returns, so nothing there is needed).
    mov r0, sp
    mov r1, lr
    ldr r2, =_sstack + 256
    cmp r0, r2
    bhs 3f
    ldr r2, =_estack
    mov sp, r2
3:  b cortexm_kernel_hard_fault
    .size hard_fault_handler, . - hard_fault_handler

    .section .text.unhandled_handler, "ax", %progbits
    .global unhandled_handler
    .type unhandled_handler, %function
    .thumb_func
unhandled_handler:
    mrs r0, ipsr
    ldr r1, =_estack
    mov sp, r1
    b cortexm_unhandled_exception
    .size unhandled_handler, . - unhandled_handler

@ Halts the core architecturally: with FAULTMASK set the execution priority is -1, so the
@ undefined instruction cannot be handled and the processor enters lockup (ARMv7-M B1.5.15),
@ which the emulator reports as StopReason::Lockup. Used after a kernel panic.
    .section .text.cortexm_halt, "ax", %progbits
    .global cortexm_halt
    .type cortexm_halt, %function
    .thumb_func
cortexm_halt:
    cpsid f
    udf #0x4b
1:  b 1b
    .size cortexm_halt, . - cortexm_halt
