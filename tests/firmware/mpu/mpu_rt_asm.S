/* Thread entry/exit and fault return path of the MPU test kernel (see mpu_rt.h).

   run_thread() saves the kernel's callee-saved registers on MSP, switches to PSP (and drops
   privilege), and calls the function. Every way back goes through an exception: svc #0 after a
   normal return, or a fault. The handler then builds a fresh exception frame just below the
   saved MSP whose PC is thread_return and returns to privileged thread mode on MSP; that way it
   does not matter whether the faulting context's own frame could be stacked at all (MSTKERR). */
    .syntax unified
    .thumb
    .text

    .global run_thread
    .type run_thread, %function
    .thumb_func
run_thread:                     @ r0 = fn, r1 = arg, r2 = psp top, r3 = unprivileged
    push {r4-r11, lr}
    ldr r4, =saved_msp
    mov r5, sp
    str r5, [r4]
    msr psp, r2
    movs r5, #2                 @ SPSEL: thread mode on PSP
    orrs r5, r5, r3             @ nPRIV
    msr control, r5
    isb
    mov r4, r0
    mov r0, r1
    blx r4
    svc #0                      @ returned normally: back to the kernel with result 0
1:  b 1b

    /* As run_thread, but enters the thread the way an OS kernel does: an exception return
       (PendSV, EXC_RETURN 0xFFFFFFFD) onto a prepared frame, with CONTROL.nPRIV set in the
       handler. Always unprivileged. */
    .global run_thread_eret
    .type run_thread_eret, %function
    .thumb_func
run_thread_eret:                @ r0 = fn, r1 = arg, r2 = psp top
    push {r4-r11, lr}
    ldr r4, =saved_msp
    mov r5, sp
    str r5, [r4]
    subs r2, r2, #32            @ the initial frame
    str r1, [r2, #0]            @ r0 = arg
    ldr r3, =thread_exit
    str r3, [r2, #20]           @ lr: returning from fn lands on svc #0
    bic r0, r0, #1
    str r0, [r2, #24]           @ pc = fn
    mov r3, #0x01000000
    str r3, [r2, #28]           @ xpsr: Thumb
    ldr r3, =eret_psp
    str r2, [r3]
    ldr r3, =0xE000ED04         @ ICSR
    mov r4, #0x10000000         @ PENDSVSET
    str r4, [r3]
    dsb
    isb
1:  b 1b                        @ PendSV is taken before this; control comes back to thread_return

    .thumb_func
thread_exit:
    svc #0
1:  b 1b

    .global pendsv_handler
    .thumb_func
pendsv_handler:
    ldr r0, =eret_psp
    ldr r0, [r0]
    msr psp, r0
    mrs r1, control
    orr r1, r1, #1              @ nPRIV: the thread runs unprivileged
    msr control, r1
    isb
    mvn lr, #2                  @ EXC_RETURN 0xFFFFFFFD: thread mode, PSP
    bx lr

    .global thread_return
    .thumb_func
thread_return:                  @ privileged thread mode on MSP = saved_msp, r0 = result
    pop {r4-r11, pc}

    .type return_to_kernel, %function
    .thumb_func
return_to_kernel:               @ handler mode, r0 = result for run_thread
    ldr r1, =saved_msp
    ldr r1, [r1]
    subs r1, r1, #32
    str r0, [r1, #0]            @ frame r0
    ldr r2, =thread_return
    bic r2, r2, #1
    str r2, [r1, #24]           @ frame pc
    mov r2, #0x01000000
    str r2, [r1, #28]           @ frame xpsr: Thumb, no IT state, no realignment
    msr msp, r1
    mrs r2, control
    bic r2, r2, #1              @ the kernel runs privileged
    msr control, r2
    isb
    mvn lr, #6                  @ EXC_RETURN 0xFFFFFFF9: thread mode, MSP
    bx lr

    /* Every fault handler. The background map first, so that the handler's own stack and
       data are reachable whatever the test did to MPU_CTRL (the PPB is never MPU-checked). */
    .global memmanage_handler, busfault_handler, usagefault_handler, hardfault_handler
    .thumb_func
memmanage_handler:
    .thumb_func
busfault_handler:
    .thumb_func
usagefault_handler:
    .thumb_func
hardfault_handler:
    ldr r0, =0xE000ED94
    ldr r1, [r0]
    orr r1, r1, #4              @ PRIVDEFENA
    str r1, [r0]
    dsb
    isb
    mov r0, lr                  @ EXC_RETURN
    mrs r1, psp
    mrs r2, msp
    bl record_fault
    movs r0, #1
    b return_to_kernel

    .global svc_handler
    .thumb_func
svc_handler:
    tst lr, #4
    beq svc_late                @ frame on MSP: an SVC left pending by a stacking fault
    mrs r0, psp
    ldr r1, [r0, #24]           @ stacked pc, just after the svc
    ldrh r1, [r1, #-2]
    and r1, r1, #0xff
    cmp r1, #3
    beq svc_unstack_fault
    movs r0, #0
    b return_to_kernel
svc_late:
    ldr r0, =late_svc_count
    ldr r1, [r0]
    adds r1, r1, #1
    str r1, [r0]
    bx lr
svc_unstack_fault:              @ make the user stack privileged-only, then return to it
    push {r4, lr}
    bl deny_user_stack
    pop {r4, pc}

    /* ---- user-side helpers ---- */
    .global user_store_word, user_store_word_insn
    .thumb_func
user_store_word:
    movs r1, #0x5A
user_store_word_insn:
    str r1, [r0]
    bx lr

    .global user_load_word, user_load_word_insn
    .thumb_func
user_load_word:
user_load_word_insn:
    ldr r1, [r0]
    bx lr

    .global user_store_byte, user_store_byte_insn
    .thumb_func
user_store_byte:
    movs r1, #0x5A
user_store_byte_insn:
    strb r1, [r0]
    bx lr

    .global user_load_byte, user_load_byte_insn
    .thumb_func
user_load_byte:
user_load_byte_insn:
    ldrb r1, [r0]
    bx lr

    .global user_call
    .thumb_func
user_call:
    push {r4, lr}
    blx r0
    pop {r4, pc}

    .global user_svc_on_stack
    .thumb_func
user_svc_on_stack:
    mov sp, r0
    svc #2
1:  b 1b

    .global user_svc_unstack_fault
    .thumb_func
user_svc_unstack_fault:
    svc #3
    bx lr

    .global flip_then_store, flip_store_insn
    .thumb_func
flip_then_store:                @ r0 = RASR value, r1 = address
    ldr r2, =0xE000EDA0         @ MPU_RASR
    str r0, [r2]
    dsb
    isb
    movs r3, #0x77
flip_store_insn:
    str r3, [r1]
    bx lr

    .ltorg

    .bss
    .align 2
saved_msp:
    .space 4
eret_psp:
    .space 4
