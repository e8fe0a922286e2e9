/* tock/tock chips/sam4l/src/spi.rs + dma.rs as the SPI syscall capsule drives them on Hail
   (chip.rs: SPI read DMA = PDCA channel 8, write DMA = channel 9). init(): CR = LASTXFER, the
   active CSR's BITS = 8, MR |= MSTR | MODFDIS; set_rate(): CSR.SCBR; specify_chip_select(n):
   MR.PCS one-hot. read_write_bytes(): CR = SPIEN, then the write channel (enable: PDCA clocks on,
   IDR; prepare: MR.SIZE, PSR byte = 22, MARR, TCRR, IER.TRC; CR.TEN), then the read channel
   (PSR = 4). Each PDCA interrupt (lines 9 and 10) is serviced the chip.rs way; dma.rs
   handle_interrupt (IDR, PSR byte read) then spi.rs transfer_done: after both channels, disable()
   (poll SR.TXEMPTY, channels disabled with CR.TDIS, PDCA clocks masked with the last one,
   CR = SPIDIS) and abort_transfer() on both (IDR, TCR = 0). After each register access the SPI
   clock is masked again unless SR.SPIENS (PeripheralManager).
   Transfers: 16 bytes to the loopback device on NPCS0; then the W25Q80 on NPCS1 with hold_low()
   (CSAAT) around a JEDEC ID read (9F -> EF 40 14), release_low() after. Exit = failed checks. */
#include "upstream_regs.h"

#define READ_CH 8u
#define WRITE_CH 9u

void irq_handler(void) {
    unsigned irq = 0;
    __asm volatile("mrs %0, ipsr" : "=r"(irq));
    irq -= 16;
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}

static void spi_clock_on(void) {
    pm_mask_set(0x028, 1u << 1);
}
static void spi_clock_release(void) {
    if (!(SPI_SR & SPI_SR_SPIENS)) pm_mask_clear(0x028, 1u << 1);
}

static int dma_enabled[16];
static unsigned num_enabled;

static void dma_enable(unsigned ch) {
    pm_mask_set(0x024, 1u << 0); /* HSB PDCA */
    pm_mask_set(0x02C, 1u << 3); /* PBB PDCA */
    if (!dma_enabled[ch]) {
        ++num_enabled;
        PDCA_IDR(ch) = 7;
        dma_enabled[ch] = 1;
    }
}
static void dma_disable(unsigned ch) {
    if (dma_enabled[ch]) {
        if (--num_enabled == 0) {
            pm_mask_clear(0x024, 1u << 0);
            pm_mask_clear(0x02C, 1u << 3);
        }
        PDCA_CR(ch) = 2; /* TDIS */
        dma_enabled[ch] = 0;
    }
}
static void dma_do_transfer(unsigned ch, uint8_t pid, const void* buf, uint32_t len) {
    PDCA_MR(ch) = 0; /* byte */
    PDCA_PSR8(ch) = pid;
    PDCA_MARR(ch) = (uint32_t)buf;
    PDCA_TCRR(ch) = len;
    PDCA_IER(ch) = 2; /* TRC */
    PDCA_CR(ch) = 1;  /* TEN */
}
static void dma_abort(unsigned ch) {
    PDCA_IDR(ch) = 7;
    PDCA_TCR(ch) = 0;
}

static unsigned transfers_in_progress;

static void spi_disable(void) {
    spi_clock_on();
    while (!(SPI_SR & SPI_SR_TXEMPTY)) {
    }
    dma_disable(READ_CH);
    dma_disable(WRITE_CH);
    SPI_CR = 2; /* SPIDIS */
    spi_clock_release();
}

/* dma.rs handle_interrupt + spi.rs transfer_done; returns 1 when the transfer is complete. */
static int service(unsigned ch, int* failures) {
    PDCA_IDR(ch) = 7;
    uint8_t pid = PDCA_PSR8(ch);
    if (pid != (ch == READ_CH ? 4 : 22)) ++*failures;
    if (--transfers_in_progress != 0) return 0;
    spi_disable();
    dma_abort(WRITE_CH);
    dma_disable(WRITE_CH);
    dma_abort(READ_CH);
    dma_disable(READ_CH);
    return 1;
}

static void read_write_bytes(const uint8_t* tx, uint8_t* rx, uint32_t len, int* failures) {
    spi_clock_on();
    SPI_CR = 1; /* SPIEN */
    spi_clock_release();
    transfers_in_progress = 2;
    dma_enable(WRITE_CH);
    dma_do_transfer(WRITE_CH, 22, tx, len);
    dma_enable(READ_CH);
    dma_do_transfer(READ_CH, 4, rx, len);
    NVIC_ISER(0) = (1u << (READ_CH + 1)) | (1u << (WRITE_CH + 1));
    for (int rounds = 0; rounds < 8; ++rounds) {
        __asm volatile("cpsid i" ::: "memory");
        while (!(NVIC_ISPR(0) & ((1u << (READ_CH + 1)) | (1u << (WRITE_CH + 1))))) {
            __asm volatile("wfi" ::: "memory");
            __asm volatile("cpsie i\n isb\n cpsid i" ::: "memory");
        }
        __asm volatile("cpsie i" ::: "memory");
        for (unsigned ch = READ_CH; ch <= WRITE_CH; ++ch) {
            if (!(NVIC_ISPR(0) & (1u << (ch + 1)))) continue;
            int done = service(ch, failures);
            nvic_clear_and_enable(ch + 1);
            if (done) return;
        }
    }
    ++*failures; /* never completed */
}

static void set_active_peripheral(unsigned n) {
    spi_clock_on();
    SPI_MR = (SPI_MR & ~(0xFu << 16)) | ((0xFu & ~(1u << n)) << 16);
    spi_clock_release();
}
static void modify_active_csr(unsigned n, uint32_t clear, uint32_t set) {
    spi_clock_on();
    SPI_CSR(n) = (SPI_CSR(n) & ~clear) | set;
    spi_clock_release();
}

static uint8_t tx[16], rx[16];

int main(void) {
    int failures = 0;
    /* init() */
    spi_clock_on();
    SPI_CR = 1u << 24; /* LASTXFER */
    SPI_CSR(0) = SPI_CSR(0) & ~(0xFu << 4);
    SPI_MR = SPI_MR | 1u | (1u << 4);
    spi_clock_release();
    modify_active_csr(0, 0xFFu << 8, 4u << 8); /* set_rate(12 MHz): SCBR = 4 */

    for (unsigned i = 0; i < 16; ++i) tx[i] = (uint8_t)(0x30 + i);
    set_active_peripheral(0);
    read_write_bytes(tx, rx, 16, &failures);
    for (unsigned i = 0; i < 16; ++i) failures += rx[i] != tx[i];

    set_active_peripheral(1);
    modify_active_csr(1, 0xFFu << 8, 4u << 8);
    modify_active_csr(1, 0, 1u << 3); /* hold_low(): CSAAT */
    tx[0] = 0x9F;
    tx[1] = tx[2] = tx[3] = 0;
    read_write_bytes(tx, rx, 4, &failures);
    modify_active_csr(1, 1u << 3, 0); /* release_low() */
    if (rx[1] != 0xEF || rx[2] != 0x40 || rx[3] != 0x14) ++failures;
    sh_kv("jedec", ((uint32_t)rx[1] << 16) | ((uint32_t)rx[2] << 8) | rx[3]);
    if (SPI_SR & SPI_SR_SPIENS) ++failures; /* disabled after the transfer */
    return failures;
}
