/* The Hail's I2C sensors on TWIM1, driven the way Tock's chips/sam4l i2c.rs does: every transfer
   runs PDCA channel 11 (TWIM1 TX, PID 24, or RX, PID 6), the command in CMDR (and the read of a
   write-then-read in NCMDR after a repeated START), completion and errors seen as SR.CCOMP /
   ANAK / DNAK with the interrupt enabled in IER (the NVIC line 63 is left disabled and checked
   pending instead of taken). After every transfer the TWIM is reset with MEN, SWRST, MDIS.
   Checks: FXOS8700CQ WHO_AM_I = 0xC7 by write-then-read; an SI7021 no-hold temperature
   measurement NAKs its read address while converting and then returns MSB, LSB and a valid
   CRC-8; the ISL29035 converts 300 lux at 8 bits / 4000 lux to 19; an absent address (0x50)
   gives ANAK; the accelerometer's data-ready interrupt arrives on PA09 (INT1) as a falling edge
   and the sample reads 1 g on Z. Reports: si7021_code, si7021_naks, whoami, isl_data,
   accel_z_counts. */
#include "sam4l_i2c.h"

static uint8_t tx[4], rx[8];
static int failures;

static void check(int ok, const char* what) {
    if (!ok) {
        sh_puts("FAIL ");
        sh_print(what);
        ++failures;
    }
}

static void twim_enable(void) {
    TWIM_CR = TWIM_CR_MEN;
    TWIM_CR = TWIM_CR_SWRST;
    TWIM_CR = TWIM_CR_MDIS;
    TWIM_CWGR = CWGR_400K;
    TWIM_SCR = ~0u;
}

/* Tock's prepare_transfer: the channel is enabled (start_transfer) only once the commands are
   in place, after the MEN/SWRST/MDIS reset that would drop a byte already in THR. */
static void dma_prepare(unsigned pid, uint8_t* buf, unsigned n) {
    PDCA_CR(TWIM1_DMA_CH) = PDCA_CR_TDIS;
    PDCA_MR(TWIM1_DMA_CH) = 0; /* bytes */
    PDCA_PSR8(TWIM1_DMA_CH) = (uint8_t)pid;
    PDCA_MARR(TWIM1_DMA_CH) = (uint32_t)buf;
    PDCA_TCRR(TWIM1_DMA_CH) = n;
}
static void dma_start(void) {
    PDCA_CR(TWIM1_DMA_CH) = PDCA_CR_TEN;
}

/* Waits for the end of the current command; returns SR as it was, then clears it (Tock's
   handler). The interrupt line must be pending whenever a flag enabled in IER is set. */
static uint32_t wait_command(void) {
    uint32_t sr;
    while (!((sr = TWIM_SR) & (SR_CCOMP | SR_ANAK | SR_DNAK))) {
    }
    check((NVIC_ISPR(TWIM1_IRQ / 32) >> (TWIM1_IRQ % 32)) & 1, "TWIM1 IRQ 63 pending");
    TWIM_SCR = ~0u;
    NVIC_ICPR(TWIM1_IRQ / 32) = 1u << (TWIM1_IRQ % 32);
    return sr;
}

/* Ends a transfer like Tock: clear the commands, mask, reset; waits for the RX DMA first. */
static uint32_t finish(uint32_t sr, int rx_dma) {
    if (rx_dma && !(sr & (SR_ANAK | SR_DNAK))) {
        while (!(PDCA_ISR(TWIM1_DMA_CH) & PDCA_TRC)) {
        }
    }
    TWIM_CMDR = 0;
    TWIM_NCMDR = 0;
    TWIM_IDR = ~0u;
    TWIM_CR = TWIM_CR_MEN;
    TWIM_CR = TWIM_CR_SWRST;
    TWIM_CR = TWIM_CR_MDIS;
    /* Tock's abort_transfer: a NAKed transfer left TCR loaded; a later TCRR would only queue. */
    PDCA_CR(TWIM1_DMA_CH) = PDCA_CR_TDIS;
    PDCA_TCR(TWIM1_DMA_CH) = 0;
    return sr;
}

static void start(uint32_t cmdr, uint32_t ncmdr) {
    twim_enable();
    TWIM_CR = TWIM_CR_MDIS;
    TWIM_CMDR = cmdr;
    TWIM_NCMDR = 0;
    TWIM_IER = SR_CCOMP | SR_ANAK | SR_DNAK;
    if (ncmdr) {
        TWIM_CR = TWIM_CR_MDIS;
        TWIM_NCMDR = ncmdr;
    }
    TWIM_CR = TWIM_CR_MEN;
    dma_start();
}

static uint32_t i2c_write(uint8_t addr, unsigned n) {
    dma_prepare(PID_TWIM1_TX, tx, n);
    start(CMD_SADR(addr) | CMD_START | CMD_STOP | CMD_VALID | CMD_NBYTES(n), 0);
    return finish(wait_command(), 0);
}

static uint32_t i2c_read(uint8_t addr, unsigned n) {
    dma_prepare(PID_TWIM1_RX, rx, n);
    start(CMD_SADR(addr) | CMD_START | CMD_STOP | CMD_VALID | CMD_NBYTES(n) | CMD_READ, 0);
    return finish(wait_command(), 1);
}

static uint32_t i2c_write_read(uint8_t addr, unsigned n_tx, unsigned n_rx) {
    dma_prepare(PID_TWIM1_TX, tx, n_tx);
    start(CMD_SADR(addr) | CMD_START | CMD_VALID | CMD_NBYTES(n_tx),
          CMD_SADR(addr) | CMD_START | CMD_STOP | CMD_VALID | CMD_NBYTES(n_rx) | CMD_READ);
    uint32_t sr = wait_command();
    if (sr & (SR_ANAK | SR_DNAK)) return finish(sr, 0);
    /* The read is already under way: its first byte waits in RHR for the re-armed channel. */
    dma_prepare(PID_TWIM1_RX, rx, n_rx);
    dma_start();
    return finish(wait_command(), 1);
}

static uint8_t crc8(const uint8_t* p, unsigned n) {
    uint8_t crc = 0;
    while (n--) {
        crc ^= *p++;
        for (int i = 0; i < 8; ++i) crc = (uint8_t)(crc & 0x80 ? (crc << 1) ^ 0x31 : crc << 1);
    }
    return crc;
}

int main(void) {
    pm_unmask(PM_PBAMASK_OFF, PBA_TWIM1);
    pm_unmask(PM_HSBMASK_OFF, HSB_PDCA);
    pm_unmask(PM_PBBMASK_OFF, PBB_PDCA);
    NVIC_ICPR(TWIM1_IRQ / 32) = 1u << (TWIM1_IRQ % 32);

    /* FXOS8700CQ WHO_AM_I (0x0D) by write-then-read with a repeated START. */
    tx[0] = 0x0D;
    rx[0] = 0;
    check(!(i2c_write_read(0x1E, 1, 1) & (SR_ANAK | SR_DNAK)), "FXOS8700CQ acknowledges");
    sh_kv("whoami", rx[0]);
    check(rx[0] == 0xC7, "WHO_AM_I = 0xC7");

    /* SI7021: measure temperature, no hold master (0xF3), then poll the read until it is ACKed. */
    tx[0] = 0xF3;
    check(!(i2c_write(0x40, 1) & (SR_ANAK | SR_DNAK)), "SI7021 takes the command");
    unsigned naks = 0;
    uint32_t sr;
    while ((sr = i2c_read(0x40, 3)) & SR_ANAK) {
        if (++naks > 100000) break;
    }
    const uint32_t code = ((uint32_t)rx[0] << 8) | rx[1];
    sh_kv("si7021_code", code);
    sh_kv("si7021_naks", naks);
    check(naks > 0, "the SI7021 NAKs its address while converting");
    check(!(sr & SR_ANAK) && (sr & SR_CCOMP), "the read completes");
    check(rx[2] == crc8(rx, 2), "CRC-8 of the measurement");
    check((code & 3) == 0, "temperature codes end in 00");

    /* ISL29035: ALS continuous, 8-bit, range 4000 (Tock's configuration), wait, read DATA. */
    tx[0] = 0x00;
    tx[1] = 0xA0;
    tx[2] = 0x09;
    check(!(i2c_write(0x44, 3) & (SR_ANAK | SR_DNAK)), "ISL29035 configured");
    for (volatile unsigned i = 0; i < 20000; ++i) {
    } /* > 410 us */
    tx[0] = 0x02;
    check(!(i2c_write_read(0x44, 1, 2) & (SR_ANAK | SR_DNAK)), "ISL29035 data read");
    sh_kv("isl_data", ((uint32_t)rx[1] << 8) | rx[0]);

    /* FXOS8700CQ accelerometer the way Tock's fxos8700cq.rs reads it: data-ready interrupt routed
       to INT1 (PA09, falling edge), ACTIVE, wait for the edge, read OUT_X_MSB..OUT_Z_LSB. */
    const uint32_t int1 = 1u << FXOS_INT1_PIN;
    GPIO_GPERS = int1;
    GPIO_ODERC = int1;
    GPIO_STERS = int1;
    GPIO_IMR0C = int1;
    GPIO_IMR1S = int1; /* falling edge */
    GPIO_IFRC = int1;
    GPIO_IERS = int1;
    check(GPIO_PVR & int1, "INT1 idles high");
    tx[0] = 0x2D; /* CTRL_REG4: data-ready interrupt; CTRL_REG5: on INT1 */
    tx[1] = 1;
    tx[2] = 1;
    check(!(i2c_write(0x1E, 3) & (SR_ANAK | SR_DNAK)), "FXOS8700CQ CTRL_REG4/5");
    tx[0] = 0x2A; /* CTRL_REG1: ACTIVE, 800 Hz */
    tx[1] = 1;
    check(!(i2c_write(0x1E, 2) & (SR_ANAK | SR_DNAK)), "FXOS8700CQ active");
    unsigned spins = 0;
    while (!(GPIO_IFR & int1) && ++spins < 1000000) {
    }
    check(GPIO_IFR & int1, "data ready: falling edge on PA09");
    check((NVIC_ISPR(0) >> GPIO_PA8_15_IRQ) & 1, "GPIO_1 IRQ 26 pending");
    GPIO_IFRC = int1;
    tx[0] = 0x01;
    check(!(i2c_write_read(0x1E, 1, 6) & (SR_ANAK | SR_DNAK)), "FXOS8700CQ data read");
    const int16_t z = (int16_t)(((uint32_t)rx[4] << 8) | rx[5]) >> 2;
    sh_kv("accel_z_counts", (uint32_t)(int32_t)z);
    check(GPIO_PVR & int1, "reading the data releases INT1");
    tx[0] = 0x2A; /* standby */
    tx[1] = 0;
    check(!(i2c_write(0x1E, 2) & (SR_ANAK | SR_DNAK)), "FXOS8700CQ standby");

    /* Nobody at 0x50: ANAK, no CCOMP. */
    sr = i2c_read(0x50, 1);
    check((sr & SR_ANAK) && !(sr & SR_CCOMP), "absent address: ANAK");

    sh_kv("failures", (uint32_t)failures);
    return failures;
}
