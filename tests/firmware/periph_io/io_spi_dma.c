/* SPI by DMA on the emulated Hail's SPI header: a loopback wire on NPCS0 and a Winbond W25Q80DV
   flash on NPCS1 (the board's default parts). Every transfer runs PDCA channel 8 (SPI RX, PID 4)
   and channel 9 (SPI TX, PID 22) as Tock's SPI driver does, waits for TXEMPTY, then releases the
   chip select with LASTXFER. Checks: the loopback returns what was sent; the flash answers its
   JEDEC ID EF 40 14; a page program followed by a read returns the programmed bytes. */
#include "sam4l_io.h"

static uint8_t tx[16], rx[16];
static int failures;

static void check(int ok, const char* what) {
    if (!ok) {
        sh_puts("FAIL ");
        sh_print(what);
        ++failures;
    }
}

static void xfer(unsigned cs, unsigned n) {
    SPI_MR = SPI_MR_MSTR | SPI_MR_MODFDIS | SPI_MR_PCS(cs);
    SPI_CSR(cs) = SPI_CSR_SCBR(8) | SPI_CSR_CSAAT; /* 6 MHz, hold NPCS for the whole command */
    SPI_CR = SPI_CR_SPIEN;
    pdca_start(8, PID_SPI_RX, rx, n, 0);
    pdca_start(9, PID_SPI_TX, tx, n, 0);
    while (!(PDCA_ISR(8) & PDCA_TRC)) {
    }
    while (!(SPI_SR & SPI_SR_TXEMPTY)) {
    }
    SPI_CR = SPI_CR_LASTXFER;
    PDCA_CR(8) = PDCA_CR_TDIS;
    PDCA_CR(9) = PDCA_CR_TDIS;
    SPI_CR = SPI_CR_SPIDIS;
}

static void set_tx(const uint8_t* bytes, unsigned n) {
    for (unsigned i = 0; i < sizeof tx; ++i) {
        tx[i] = i < n ? bytes[i] : 0;
        rx[i] = 0;
    }
}

int main(void) {
    io_clocks_on();
    static const uint8_t pattern[16] = "SPI loopback DMA";
    set_tx(pattern, 16);
    xfer(0, 16);
    int same = 1;
    for (unsigned i = 0; i < 16; ++i) same &= rx[i] == pattern[i];
    check(same, "loopback on NPCS0 returns the pattern");

    static const uint8_t jedec[4] = {0x9F, 0, 0, 0};
    set_tx(jedec, 4);
    xfer(1, 4);
    sh_kv("jedec", ((uint32_t)rx[1] << 16) | ((uint32_t)rx[2] << 8) | rx[3]);
    check(rx[1] == 0xEF && rx[2] == 0x40 && rx[3] == 0x14, "JEDEC ID EF 40 14");

    static const uint8_t wren[1] = {0x06};
    static const uint8_t program[8] = {0x02, 0x00, 0x10, 0x00, 'T', 'o', 'c', 'k'};
    static const uint8_t rdsr[2] = {0x05, 0};
    static const uint8_t read[8] = {0x03, 0x00, 0x10, 0x00, 0, 0, 0, 0};
    set_tx(wren, 1);
    xfer(1, 1);
    set_tx(program, 8);
    xfer(1, 8);
    unsigned polls = 0;
    do {
        set_tx(rdsr, 2);
        xfer(1, 2);
        ++polls;
    } while ((rx[1] & 1) && polls < 100000);
    sh_kv("busy_polls", polls);
    check(polls > 1, "the flash is busy after a page program");
    check(!(rx[1] & 1), "the page program completes");
    set_tx(read, 8);
    xfer(1, 8);
    check(rx[4] == 'T' && rx[5] == 'o' && rx[6] == 'c' && rx[7] == 'k', "read back the page");
    check(!(SPI_SR & SPI_SR_OVRES), "no overrun");
    sh_kv("failures", (uint32_t)failures);
    return failures;
}
