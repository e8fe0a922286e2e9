/* Process entry, libtock-c conventions (tock-abi.md §4.3-4.4, A.6).
 *
 * The kernel enters _start with
 *   r0 = app_start  (address of the 40-byte crt0 header, first byte after the TBF header)
 *   r1 = mem_start  (start of the process RAM block)
 *   r2 = mem_len    (size of the whole block)
 *   r3 = app_brk    (current break; only 32 bytes are accessible at first)
 * sp = mem_start + 32. We compute the stack top and the initial break from the header, move
 * the break with memop brk (svc 5, op 0), give the kernel the stack/heap hints (ops 10, 11),
 * set r9 to the GOT in RAM and continue in C (_c_start_pic) to relocate and run main. */
    .syntax unified
    .thumb
    .section .start, "ax", %progbits
    .global _start
    .type _start, %function
    .thumb_func
_start:
    mov   r4, r0                /* r4 = app_start */
    mov   r5, r1                /* r5 = mem_start */
    ldr   r6, [r4, #36]         /* stack_size */
    add   r6, r6, r5
    adds  r6, r6, #7
    bic   r6, r6, #7            /* r6 = stacktop, 8-byte aligned */
    ldr   r7, [r4, #24]         /* bss_start (RAM offset) */
    ldr   r8, [r4, #28]         /* bss_size */
    add   r7, r7, r8
    add   r7, r7, r5            /* r7 = initial app break */
    /* If the kernel already gave us enough RAM the stack can move before the first svc;
       otherwise the svc frame must stay inside the 32 accessible bytes. */
    cmp   r7, r3
    bhi   1f
    mov   sp, r6
1:
    movs  r0, #0                /* memop brk(app_brk) */
    mov   r1, r7
    svc   5
    mov   sp, r6
    movs  r0, #10               /* memop: stack top hint */
    mov   r1, r6
    svc   5
    movs  r0, #11               /* memop: heap start hint */
    mov   r1, r7
    svc   5
    ldr   r0, [r4, #4]          /* got_start (RAM offset) */
    add   r9, r0, r5            /* r9 = PIC base = GOT in RAM, fixed for the process's life */
    mov   r0, r4
    mov   r1, r5
    bl    _c_start_pic
2:  b     2b                    /* _c_start_pic never returns */
    .size _start, . - _start
