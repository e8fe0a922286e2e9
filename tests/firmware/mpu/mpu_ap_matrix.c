/* Every AP encoding x privilege x access kind through a real core (ARMv7-M ARM B3.5.8, table
   B3-15; AP=100 is reserved: no access on both QEMU and tockemu). Region 3 (256 bytes at
   0x2000A000, executable unless XN) holds `bx lr` so that fetches can be tried too; then the
   same with XN=1. One line per case, compared between tockemu and QEMU. */
#include "mpu_rt.h"

#define AREA 0x2000A000u

/* {privileged read, privileged write, unprivileged read, unprivileged write} per AP. */
static const uint8_t kAllowed[8][4] = {
    {0, 0, 0, 0}, {1, 1, 0, 0}, {1, 1, 1, 0}, {1, 1, 1, 1},
    {0, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 1, 0}, {1, 0, 1, 0},
};

static void try_access(unsigned ap, int xn, int unpriv, unsigned kind) {
    static const char *const kKind[3] = {"read", "write", "execute"};
    mpu_region(3, AREA, 7, ap, xn, 0);
    fault_reset();
    int r;
    if (kind == 0)
        r = run_thread(user_load_word, AREA + 0x10, USER_STACK_TOP, unpriv);
    else if (kind == 1)
        r = run_thread(user_store_word, AREA + 0x10, USER_STACK_TOP, unpriv);
    else
        r = run_thread(user_call, AREA + 1, USER_STACK_TOP, unpriv);
    int allowed = kAllowed[ap][(unpriv ? 2 : 0) + (kind == 1)];
    if (kind == 2 && xn) allowed = 0;
    uint32_t want_cfsr = allowed ? 0 : (kind == 2 ? 0x01u : 0x82u);
    sh_puts("AP=");
    sh_dec((int32_t)ap);
    sh_puts(xn ? " XN " : " ");
    sh_puts(unpriv ? "unprivileged " : "privileged ");
    sh_puts(kKind[kind]);
    sh_puts(":");
    check("cfsr", last_fault.cfsr, want_cfsr);
    if (r != !allowed) check("result", (uint32_t)r, (uint32_t)!allowed);
    fault_reset();
}

int main(void) {
    mpu_standard_setup();
    for (unsigned ap = 0; ap < 8; ++ap) {
        mpu_region_off(3);
        REG32(AREA) = 0x47704770u; /* bx lr; bx lr */
        for (int unpriv = 0; unpriv < 2; ++unpriv)
            for (unsigned kind = 0; kind < 3; ++kind) try_access(ap, 0, unpriv, kind);
        for (int unpriv = 0; unpriv < 2; ++unpriv) try_access(ap, 1, unpriv, 2);
    }
    mpu_ctrl(0);
    return finish("mpu_ap_matrix");
}
