/* tock/tock chips/sam4l/src/adc.rs and dac.rs on the whole machine.
   ADC: config_and_enable(1000) exactly as upstream (DIS + bounded poll of SR.EN, PBAMASK bit 12,
   GCLK10 from RC32K, CFG = VCC/2 reference | GCLK | DIV4, TIM = ENSTUP | 0x17, SWRST, EN + bounded
   poll, BGREQEN | REFBUFEN + bounded poll of BGREQ | REFBUF | EN); sample(AD1) with the SEOC
   interrupt serviced the chip.rs way; then sample_continuous on AD2 (TRGSEL continuous, RC clock)
   for 4 samples and stop_sampling (TSTOP, IDR, SWRST, disable with its poll, clocks off).
   DAC: initialize (PBAMASK bit 13, SWRST, MR half-word | STARTUP 0xFF | CLKDIV 0x60 | DACEN),
   set_value(512) (EBUSY unless ISR.TXRDY), a second set_value at once must see EBUSY, then the
   ADC samples the DAC's internal channel (Channel::DAC = 0x13: MUXPOS 3, INTERNAL 3).
   Prints the raw LCV values; the host sets the AD1/AD2 levels and checks them. Exit code =
   failed checks (a FAIL from a bounded poll counts). */
#include "analog_regs.h"

void irq_handler(void) {
    unsigned irq = 0;
    __asm volatile("mrs %0, ipsr" : "=r"(irq));
    irq -= 16;
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}

/* SEQCFG of adc.rs: MUXNEG 7, INTERNAL 2 | internal, 12 bit, GAIN 0.5x, unipolar, HWLA. */
static uint32_t seqcfg(unsigned chan, unsigned internal, unsigned trgsel) {
    return (7u << 20) | (chan << 16) | ((2u | internal) << 14) | (trgsel << 8) | (7u << 4) | 1u;
}

static int config_and_enable(void) {
    ADC_CR = 1u << 9; /* DIS */
    for (int t = 10000; ADC_SR & ADC_SR_EN;)
        if (--t == 0) return -1;
    pm_mask_set(PBAMASK_OFF, 1u << 12);
    SCIF_GCCTRL(10) = (GCLK_RC32K << 8) | 1u; /* generic_clock_enable(GCLK10, RC32K) */
    ADC_CFG = (0u << 4) | (4u << 1) | (0u << 8); /* 300 ksps, VCC/2, DIV4, generic clock */
    ADC_TIM = (1u << 8) | 0x17u;
    ADC_CR = 1u; /* SWRST */
    ADC_CR = 1u << 8; /* EN */
    for (int t = 10000; !(ADC_SR & ADC_SR_EN);)
        if (--t == 0) return -2;
    ADC_CR = (1u << 10) | (1u << 4); /* BGREQEN | REFBUFEN */
    const uint32_t all = ADC_SR_BGREQ | ADC_SR_REFBUF | ADC_SR_EN;
    for (int t = 100000; (ADC_SR & all) != all;)
        if (--t == 0) return -3;
    return 0;
}

static uint32_t last;
static unsigned samples;

/* adc.rs handle_interrupt for the single/continuous cases. */
static void adc_handle_interrupt(int continuous) {
    if (ADC_SR & ADC_SEOC) {
        last = ADC_LCV & 0xFFFFu;
        ++samples;
        if (!continuous) ADC_IDR = ADC_SEOC;
        ADC_SCR = ADC_SEOC;
    }
}

static uint32_t sample(unsigned chan, unsigned internal) {
    ADC_SEQCFG = seqcfg(chan, internal, 0);
    ADC_SCR = ADC_ALL_FLAGS;
    ADC_IER = ADC_SEOC;
    ADC_CR = 1u << 3; /* STRIG */
    sleep_until_pending(ADC_IRQ);
    adc_handle_interrupt(0);
    nvic_clear_and_enable(ADC_IRQ);
    return last;
}

static int disable_adc(void) {
    ADC_CR = 1u << 9;
    for (int t = 10000; ADC_SR & ADC_SR_EN;)
        if (--t == 0) return -1;
    ADC_CR = (1u << 11) | (1u << 5); /* BGREQDIS | REFBUFDIS */
    SCIF_GCCTRL(10) = 0;
    pm_mask_clear(PBAMASK_OFF, 1u << 12);
    return 0;
}

int main(void) {
    int failures = 0;
    /* bscif enable_rc32k: the RC32K feeds GCLK10 for slow sampling. */
    BSCIF_UNLOCK = 0xAA000000u | 0x24u;
    BSCIF_RC32KCR = 1u;
    while (!(BSCIF_RC32KCR & 1u)) {
    }
    NVIC_ISER(ADC_IRQ / 32) = 1u << (ADC_IRQ % 32);

    const int enable = config_and_enable();
    if (enable != 0) {
        sh_kv("enable_failed", (uint32_t)-enable);
        return 100;
    }
    sh_kv("ad1", sample(1, 0));

    /* sample_continuous on the RC clock: TRGSEL continuous, TSTOP, SCR, IER, TSTART. */
    ADC_SEQCFG = seqcfg(2, 0, 3);
    ADC_CR = 1u << 1;
    ADC_SCR = ADC_ALL_FLAGS;
    ADC_IER = ADC_SEOC;
    ADC_CR = 1u << 2;
    samples = 0;
    while (samples < 4) {
        sleep_until_pending(ADC_IRQ);
        adc_handle_interrupt(1);
        nvic_clear_and_enable(ADC_IRQ);
    }
    sh_kv("ad2", last);
    /* stop_sampling */
    ADC_CR = 1u << 1;
    ADC_IDR = ADC_SEOC;
    ADC_CR = 1u;

    /* sample_highspeed: the same continuous conversions moved by PDCA channel 2 (PID 11 = ADCIFE
       RX, half-words from LCV) into a buffer, no ADC interrupt; the channel's TRC ends it. */
    pm_mask_set(HSBMASK_OFF, 1u << 0);
    pm_mask_set(PBBMASK_OFF, 1u << 3);
    static volatile uint16_t dma_buf[4];
    PDCA_IDR(2) = 7u;
    PDCA_MR(2) = 1u; /* half-word */
    PDCA_PSR8(2) = 11u;
    PDCA_MAR(2) = (uint32_t)dma_buf;
    PDCA_TCR(2) = 4u;
    PDCA_CR(2) = 1u; /* TEN */
    ADC_SEQCFG = seqcfg(2, 0, 3);
    ADC_SCR = ADC_ALL_FLAGS;
    ADC_CR = 1u << 2; /* TSTART */
    for (int t = 1000000; !(PDCA_ISR(2) & 2u);)
        if (--t == 0) {
            ++failures;
            break;
        }
    ADC_CR = 1u << 1;
    PDCA_CR(2) = 2u; /* TDIS */
    for (unsigned i = 0; i < 4; ++i)
        if (dma_buf[i] != (uint16_t)last) ++failures;
    sh_kv("ad2_by_pdca", dma_buf[3]);
    if (disable_adc() != 0) ++failures;

    /* DAC initialize + set_value */
    pm_mask_set(PBAMASK_OFF, 1u << 13);
    DAC_CR = 1u;
    DAC_MR = (0x60u << 16) | (0xFFu << 8) | (1u << 4);
    int busy = 0;
    if (!(DAC_ISR & DAC_TXRDY)) ++failures;
    DAC_CDR = 512;
    if (!(DAC_ISR & DAC_TXRDY)) ++busy; /* an immediate second set_value is EBUSY */
    while (!(DAC_ISR & DAC_TXRDY)) {
    }
    if (busy != 1) ++failures;

    /* The ADC reads the DAC output on its internal channel. */
    if (config_and_enable() != 0) ++failures;
    sh_kv("dac_by_adc", sample(3, 1));
    if (disable_adc() != 0) ++failures;
    if (NVIC_ISPR(ADC_IRQ / 32) & (1u << (ADC_IRQ % 32))) ++failures;
    return failures;
}
