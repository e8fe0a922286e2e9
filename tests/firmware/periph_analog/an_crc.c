/* tock/tock chips/sam4l/src/crccu.rs driven as the CRC capsule drives it: set_algorithm (CR.RESET),
   input (HSBMASK/PBBMASK bit 4 on, DMAIER, IER.ERR, a 512-byte aligned descriptor with IEN = 0
   (interrupt wanted), DSCR, MR = PTYPE | ENABLE, DMAEN), the CRCCU interrupt serviced the chip.rs
   way (ISR, DMAISR, MR disable, DMAIDR, DMADIS), then compute (SR post-processed: CRC-32 and
   CRC-32C reversed and inverted, CCITT16 the low half). Checks the three known vectors and that
   a descriptor at an unmapped address never completes. Exit code = failed checks. */
#include "analog_regs.h"

void irq_handler(void) {
    unsigned irq = 0;
    __asm volatile("mrs %0, ipsr" : "=r"(irq));
    irq -= 16;
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}

struct descriptor {
    uint32_t addr;
    uint32_t ctrl;
    uint32_t reserved[2];
    uint32_t crc;
} __attribute__((aligned(512)));

static struct descriptor dscr;
static const char check[] = "123456789";
static const char abc[] = "ABCDEFG";

static uint32_t reverse_and_invert(uint32_t n) {
    uint32_t out = 0;
    for (unsigned i = 0; i < 32; ++i) out |= ((n >> i) & 1u) << (31 - i);
    return ~out;
}

static unsigned done_interrupts;

static void handle_interrupt(void) {
    (void)CRCCU_ISR;
    if (CRCCU_DMAISR & 1u) {
        if ((dscr.ctrl & (1u << 27)) == 0) {
            CRCCU_MR = 0;
            dscr.addr = 0;
            dscr.ctrl = 1u << 27;
            dscr.crc = 0;
            CRCCU_DMAIDR = 1u;
            CRCCU_DMADIS = 1u;
            ++done_interrupts;
        }
    }
}

/* One input() + compute() of `len` bytes with polynomial `ptype`: the raw SR. */
static uint32_t crc_of(const char* data, unsigned len, unsigned ptype) {
    CRCCU_CR = 1u; /* set_algorithm: RESET */
    pm_mask_set(HSBMASK_OFF, 1u << 4);
    pm_mask_set(PBBMASK_OFF, 1u << 4);
    CRCCU_DMAIER = 1u;
    CRCCU_IER = 1u;
    dscr.addr = (uint32_t)data;
    dscr.ctrl = (0u << 27) | (0u << 24) | len; /* IEN = 0: interrupt; byte width */
    dscr.crc = 0;
    CRCCU_DSCR = (uint32_t)&dscr;
    CRCCU_MR = (ptype << 2) | 1u;
    CRCCU_DMAEN = 1u;
    sleep_until_pending(CRCCU_IRQ);
    handle_interrupt();
    nvic_clear_and_enable(CRCCU_IRQ);
    return CRCCU_SR;
}

int main(void) {
    int failures = 0;
    NVIC_ISER(CRCCU_IRQ / 32) = 1u << (CRCCU_IRQ % 32);

    const uint32_t crc32 = reverse_and_invert(crc_of(check, 9, 0));
    const uint32_t crc32c = reverse_and_invert(crc_of(check, 9, 1));
    const uint32_t ccitt = crc_of(abc, 7, 2) & 0xFFFFu;
    if (crc32 != 0xCBF43926u) ++failures;
    if (crc32c != 0xE3069283u) ++failures;
    if (ccitt != 0x1541u) ++failures;
    if (done_interrupts != 3) ++failures;
    sh_kv("crc32", crc32);
    sh_kv("crc32c", crc32c);
    sh_kv("ccitt16", ccitt);

    /* A descriptor the CRCCU cannot read: DMA never runs, no interrupt. */
    CRCCU_DSCR = 0x60000000u;
    CRCCU_DMAEN = 1u;
    for (volatile int i = 0; i < 2000; ++i) {
    }
    if (CRCCU_DMASR & 1u) ++failures;
    if (NVIC_ISPR(CRCCU_IRQ / 32) & (1u << (CRCCU_IRQ % 32))) ++failures;
    pm_mask_clear(PBBMASK_OFF, 1u << 4);
    pm_mask_clear(HSBMASK_OFF, 1u << 4);
    return failures;
}
