#!/usr/bin/env python3
"""Random Thumb-2 test program for the QEMU differential tester (tools/difftest/run.sh).

gen.py SEED OUT.S writes one program: registers loaded with seeded values, then a seeded mix of
ALU and flag-setting instructions, IT blocks, loads and stores of every width (unaligned
halfword/word too), LDRD/STRD, LDM/STM, PUSH/POP, exclusives, forward conditional branches,
an SVC whose handler changes the stacked registers, PendSV pended and taken through DSB/ISB,
and faulting instructions. prog.c runs every third seed unprivileged under a seeded MPU
configuration of the scratch memory. prog.c prints the registers, the APSR and the scratch memory at the end. Everything
comes from random.Random(SEED): the same seed gives the same program."""
import random
import sys

DATA = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r9', 'r10', 'r11', 'r12']
CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le']
SCRATCH = 256  # bytes at r8 (prog.c: scratch[])


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.div_trap = seed & 1  # prog.c sets CCR.DIV_0_TRP for odd seeds
        self.out = []
        self.label = 0

    def reg(self):
        return self.r.choice(DATA)

    def regs(self, n):
        return self.r.sample(DATA, n)

    def imm8(self):
        return self.r.randrange(256)

    def emit(self, s):
        self.out.append('    ' + s)

    # one instruction that may carry condition `c` (inside an IT block) and never branches
    def alu(self, c=''):
        r = self.r
        d, n, m = self.reg(), self.reg(), self.reg()
        s = '' if c else r.choice(['', 's'])
        k = r.randrange(12)
        if k == 0:
            op = r.choice(['add', 'sub', 'adc', 'sbc', 'and', 'orr', 'eor', 'bic', 'orn', 'rsb'])
            if op == 'rsb':
                self.emit(f'rsb{s}{c}.w {d}, {n}, #{self.imm8()}')
            else:
                self.emit(f'{op}{s}{c}.w {d}, {n}, {m}')
        elif k == 1:
            op = r.choice(['add', 'sub', 'and', 'orr', 'eor', 'adc', 'sbc'])
            sh = r.choice(['lsl', 'lsr', 'asr', 'ror'])
            self.emit(f'{op}{s}{c}.w {d}, {n}, {m}, {sh} #{r.randrange(1, 32)}')
        elif k == 2:
            op = r.choice(['add', 'sub', 'and', 'orr', 'eor', 'bic', 'adc', 'sbc'])
            self.emit(f'{op}{s}{c}.w {d}, {n}, #{self.imm8() << r.choice([0, 8, 16, 24])}')
        elif k == 3:
            op = r.choice(['lsl', 'lsr', 'asr', 'ror'])
            if r.randrange(2):
                self.emit(f'{op}{s}{c}.w {d}, {n}, #{r.randrange(1, 32)}')
            else:
                self.emit(f'{op}{s}{c}.w {d}, {n}, {m}')
        elif k == 4:
            op = r.choice(['mul', 'udiv', 'sdiv'])
            if self.div_trap and op != 'mul':
                # A division by zero that traps: inside an IT block tockemu cannot stop at it
                # (finding F9, ct_div0_in_it), and QEMU 7.2 stacks stale registers of the block
                # on a DIVBYZERO (ct_trap_toggle); an ISB before it ends the block for both.
                if c:
                    op = 'mul'
                else:
                    self.emit('isb')
            self.emit(f'{op}{c} {d}, {n}, {m}')
        elif k == 5:
            a = self.reg()
            self.emit(f'{r.choice(["mla", "mls"])}{c} {d}, {n}, {m}, {a}')
        elif k == 6:
            lo, hi = self.regs(2)
            self.emit(f'{r.choice(["umull", "smull", "umlal", "smlal"])}{c} {lo}, {hi}, {n}, {m}')
        elif k == 7:
            op = r.choice(['clz', 'rbit', 'rev', 'rev16', 'revsh', 'uxtb', 'uxth', 'sxtb', 'sxth'])
            self.emit(f'{op}{c}.w {d}, {m}' if op in ('uxtb', 'uxth', 'sxtb', 'sxth')
                      else f'{op}{c} {d}, {m}')
        elif k == 8:
            lsb = r.randrange(32)
            w = r.randrange(1, 33 - lsb)
            op = r.choice(['ubfx', 'sbfx', 'bfi'])
            self.emit(f'{op}{c} {d}, {n}, #{lsb}, #{w}')
        elif k == 9:
            self.emit(f'{r.choice(["cmp", "cmn", "tst", "teq"])}{c}.w {n}, {m}')
        elif k == 10:
            op = r.choice(['uadd8', 'usub8', 'sadd16', 'ssub16', 'qadd', 'qsub', 'uqadd8',
                           'shadd16', 'sel'])
            self.emit(f'{op}{c} {d}, {n}, {m}')
        else:
            self.emit(f'movw{c} {d}, #{r.randrange(65536)}')

    def mem(self, c=''):
        r = self.r
        t = self.reg()
        k = r.randrange(5)
        if k <= 2:
            op, size = r.choice([('ldr', 4), ('str', 4), ('ldrh', 2), ('strh', 2), ('ldrb', 1),
                                 ('strb', 1), ('ldrsh', 2), ('ldrsb', 1)])
            off = r.randrange(SCRATCH - 8)  # any alignment: UNALIGN_TRP is clear
            if size == 1 or r.randrange(3):
                self.emit(f'{op}{c}.w {t}, [r8, #{off}]')
            else:
                self.emit(f'{op}{c}.w {t}, [r8, #{off & ~(size - 1)}]')
        elif k == 3:
            t, t2 = self.regs(2)
            op = r.choice(['ldrd', 'strd'])
            if op == 'ldrd' and t == t2:
                return
            self.emit(f'{op}{c} {t}, {t2}, [r8, #{4 * r.randrange(SCRATCH // 4 - 2)}]')
        else:
            # post-indexed access through r12 (a copy of a scratch address)
            if c:
                return self.alu(c)
            t = r.choice([x for x in DATA if x != 'r12'])
            self.emit(f'add.w r12, r8, #{r.randrange(SCRATCH - 16)}')
            self.emit(f'{r.choice(["ldr", "str", "ldrh", "strh"])} {t}, [r12], #{r.choice([-4, 2, 4])}')

    def it_block(self):
        r = self.r
        n = r.randrange(1, 5)
        cond = r.choice(CONDS)
        inv = {'eq': 'ne', 'ne': 'eq', 'cs': 'cc', 'cc': 'cs', 'mi': 'pl', 'pl': 'mi', 'vs': 'vc',
               'vc': 'vs', 'hi': 'ls', 'ls': 'hi', 'ge': 'lt', 'lt': 'ge', 'gt': 'le', 'le': 'gt'}
        pattern = ''.join(r.choice('te') for _ in range(n - 1))
        self.emit(f'it{pattern} {cond}')
        for i in range(n):
            c = cond if i == 0 or pattern[i - 1] == 't' else inv[cond]
            (self.mem if r.randrange(3) == 0 else self.alu)(c)

    def multiple(self):
        r = self.r
        regs = sorted(self.regs(r.randrange(1, 5)), key=lambda x: int(x[1:]))
        if r.randrange(2):
            self.emit(f'push {{{", ".join(regs)}}}')
            self.body(r.randrange(1, 4))
            regs2 = sorted(self.regs(len(regs)), key=lambda x: int(x[1:]))
            self.emit(f'pop {{{", ".join(regs2)}}}')
        else:
            base = 'r12'
            regs = [x for x in regs if x != base] or ['r0']
            self.emit(f'add.w {base}, r8, #{4 * r.randrange(SCRATCH // 4 - 8)}')
            op = r.choice(['ldmia', 'stmia', 'ldmdb', 'stmdb'])
            if op.endswith('db'):
                self.emit(f'add.w {base}, {base}, #16')
            self.emit(f'{op} {base}{r.choice(["", "!"])}, {{{", ".join(regs)}}}')

    def branch(self):
        self.label += 1
        lab = f'.Lskip{self.label}'
        self.emit(f'b{self.r.choice(CONDS)}.w {lab}')
        self.body(self.r.randrange(1, 4))
        self.out.append(f'{lab}:')

    def exclusive(self):
        r = self.r
        t, s = self.regs(2)
        if 'r12' in (t, s):
            return
        self.emit(f'add.w r12, r8, #{4 * r.randrange(SCRATCH // 4 - 1)}')
        self.emit(f'ldrex {t}, [r12]')
        if r.randrange(4):  # something in between that leaves the address (r12) alone
            self.emit(f'add.w {t}, {t}, #{self.imm8()}')
        self.emit(f'strex {s}, {t}, [r12]')

    def exception(self):
        if self.r.randrange(2):
            self.emit(f'svc #{self.r.randrange(255)}')  # handler: stacked r0 += imm, r1 ^= r2
        else:
            # PendSV pended and taken at the barrier (handler: stacked r3 = ~r3)
            self.emit('push {r0, r1}')
            self.emit('movw r0, #0xED04')
            self.emit('movt r0, #0xE000')
            self.emit('mov.w r1, #0x10000000')
            self.emit('str r1, [r0]')
            self.emit('dsb')
            self.emit('isb')
            self.emit('pop {r0, r1}')

    def fault(self):
        """An instruction that faults; the handler (prog.c) logs CFSR and skips it."""
        r = self.r
        k = r.randrange(5)
        t, t2 = self.regs(2)
        if 'r12' in (t, t2):
            t, t2 = 'r0', 'r1'
        if k == 0:
            self.emit(f'udf #{r.randrange(256)}')
        elif k == 1:  # always-aligned forms at an unaligned address (A3.2.1): UNALIGNED
            self.emit(f'add.w r12, r8, #{4 * r.randrange(SCRATCH // 4 - 4) + r.choice([1, 2, 3])}')
            self.emit(r.choice([f'ldrd {t}, {t2}, [r12]', f'strd {t}, {t2}, [r12]',
                                f'ldmia.w r12, {{{", ".join(sorted([t, t2], key=lambda x: int(x[1:])))}}}',
                                f'ldrex {t}, [r12]']))
        elif k == 2:  # coprocessor/FPU: NOCP (CPACR denies it at reset)
            self.emit(f'vmov s0, {t}')
        elif k == 3:  # division by zero with CCR.DIV_0_TRP set (prog.c sets it for odd seeds)
            self.emit(f'movs r12, #0')
            self.emit('isb')  # see alu(): QEMU's stale registers on DIVBYZERO
            self.emit(f'{r.choice(["udiv", "sdiv"])} {t}, {t2}, r12')
        else:  # UNALIGN_TRP would matter here: prog.c leaves it clear, so a plain unaligned load
            self.emit(f'ldr.w {t}, [r8, #{r.randrange(1, SCRATCH - 8)}]')

    def body(self, n):
        for _ in range(n):
            if self.r.randrange(25) == 0:
                self.fault()
                continue
            k = self.r.randrange(20)
            if k < 9:
                self.alu()
            elif k < 13:
                self.mem()
            elif k < 15:
                self.it_block()
            elif k < 16:
                self.multiple()
            elif k < 17:
                self.branch()
            elif k < 18:
                self.exclusive()
            else:
                self.exception()

    def program(self):
        r = self.r
        hdr = ['.syntax unified', '.thumb', '.fpu fpv4-sp-d16', '.text', '.global test_body', '.thumb_func',
               'test_body:', '    push {r4-r11, lr}', '    mov r8, r0']
        for reg in DATA:
            v = r.choice([r.randrange(1 << 32), r.randrange(16), 0x80000000, 0x7FFFFFFF,
                          0xFFFFFFFF, 0])
            self.emit(f'movw {reg}, #{v & 0xFFFF}')
            self.emit(f'movt {reg}, #{v >> 16}')
        flags = r.randrange(32) << 27
        self.emit(f'movw r0, #0')
        self.emit(f'movt r0, #{flags >> 16}')
        self.emit('msr apsr_nzcvq, r0')
        self.emit(f'movw r0, #{r.randrange(65536)}')
        self.body(r.randrange(20, 60))
        tail = ['    push {r12}', '    ldr r12, =results', '    stmia r12!, {r0-r7}',
                '    str r9, [r12], #4', '    str r10, [r12], #4', '    str r11, [r12], #4',
                '    pop {r0}', '    str r0, [r12], #4', '    mrs r0, apsr', '    str r0, [r12]',
                '    pop {r4-r11, pc}', '.ltorg']
        return '\n'.join(hdr + self.out + tail) + '\n'

    def scratch_init(self):
        return ', '.join(f'0x{self.r.randrange(256):02x}' for _ in range(SCRATCH))


if __name__ == '__main__':
    seed = int(sys.argv[1])
    g = Gen(seed)
    init = g.scratch_init()
    prog = g.program()
    with open(sys.argv[2], 'w') as f:
        f.write(f'@ difftest seed {seed}\n.data\n.global scratch_init\nscratch_init:\n'
                f'.byte {init}\n.global difftest_seed\n.balign 4\ndifftest_seed:\n'
                f'.word {seed}\n' + prog)
