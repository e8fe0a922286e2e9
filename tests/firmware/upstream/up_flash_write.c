/* tock/tock chips/sam4l/src/flashcalw.rs write_page(), interrupt-driven as upstream runs it:
   configure() (FCR interrupt enables off, WS1OPT, FWS, HSEN polled, PicoCache on), then per page
   UP -> EP -> CPB (polled) -> 512 bytes into the page's own addresses, each doubleword preceded by
   an all-ones doubleword (errata 45.1.7) -> WP -> MAINT0.INVALL. Every step but CPB waits for the
   HFLASHC ready interrupt, enabled by setting FCR.FRDY just before FCMD is written; the interrupt
   is serviced the chip.rs way (ISR disables and re-pends line 0, the main loop runs the handler).
   The page is written twice, with different data, so the second write only comes out right if
   the erase took place. Exit code = failed checks. */
#include "upstream_regs.h"

#define PAGE 768u /* 0x0006_0000 */
#define PAGE_ADDR (PAGE * 512u)
enum { NOP = 0, WP = 1, EP = 2, CPB = 3, UP = 5, HSEN = 16 };
enum state { READY, WRITE_UNLOCKING, WRITE_ERASING, WRITE_WRITING };

static volatile enum state state = READY;
static const uint32_t* source;
static int errors;

void irq_handler(void) {
    unsigned irq = 0;
    __asm volatile("mrs %0, ipsr" : "=r"(irq));
    irq -= 16;
    NVIC_ICER(irq / 32) = 1u << (irq % 32);
    NVIC_ISPR(irq / 32) = 1u << (irq % 32);
}

static void issue_command(unsigned command, int page) {
    int polled = command == CPB || command == HSEN;
    if (!polled) HFLASHC_FCR = HFLASHC_FCR | 1u; /* FRDY interrupt on, before the command */
    uint32_t cmd = 0xA5000000u | command;
    if (page >= 0) cmd |= (uint32_t)page << 8;
    HFLASHC_FCMD = cmd;
    if (polled) {
        while (!(HFLASHC_FSR & 1u)) {
        }
    }
}

static void write_to_page_buffer(void) {
    volatile uint32_t* buffer = (volatile uint32_t*)PAGE_ADDR;
    for (unsigned i = 0; i < 128; i += 2) {
        buffer[i] = 0xFFFFFFFFu;
        buffer[i + 1] = 0xFFFFFFFFu;
        buffer[i] = source[i];
        buffer[i + 1] = source[i + 1];
    }
}

static void handle_interrupt(void) {
    HFLASHC_FCR = HFLASHC_FCR & ~1u;
    if (HFLASHC_FSR & ((1u << 2) | (1u << 3))) ++errors; /* LOCKE | PROGE */
    switch (state) {
        case WRITE_UNLOCKING:
            state = WRITE_ERASING;
            issue_command(EP, PAGE);
            break;
        case WRITE_ERASING:
            issue_command(CPB, -1);
            write_to_page_buffer();
            state = WRITE_WRITING;
            issue_command(WP, PAGE);
            break;
        case WRITE_WRITING:
            HCACHE_MAINT0 = 1; /* invalidate the cache after every write */
            state = READY;
            break;
        default:
            state = READY;
            break;
    }
}

static int write_page(const uint32_t* data) {
    int interrupts = 0;
    source = data;
    state = WRITE_UNLOCKING;
    issue_command(UP, PAGE);
    while (state != READY && interrupts < 20) {
        sleep_until_pending(HFLASHC_IRQ);
        ++interrupts;
        handle_interrupt();
        nvic_clear_and_enable(HFLASHC_IRQ);
    }
    return interrupts;
}

static uint32_t pattern_a[128], pattern_b[128];

int main(void) {
    int failures = 0;
    for (unsigned i = 0; i < 128; ++i) {
        pattern_a[i] = 0x0F0F0000u | i;
        pattern_b[i] = 0xA0A00000u | (i * 3u);
    }
    pm_mask_set(0x024, (1u << 1) | (1u << 2)); /* HSB: FLASHCALW, FLASHCALWP */
    pm_mask_set(0x02C, (1u << 0) | (1u << 1)); /* PBB: FLASHCALW, HRAMC1 */
    /* configure() */
    HFLASHC_FCR = HFLASHC_FCR & ~((1u << 0) | (1u << 2) | (1u << 3) | (1u << 4));
    HFLASHC_FCR = HFLASHC_FCR | (1u << 7); /* WS1OPT */
    HFLASHC_FCR = HFLASHC_FCR | (1u << 6); /* FWS: 48 MHz */
    issue_command(HSEN, -1);
    HCACHE_CTRL = 1;
    NVIC_ISER(0) = 1u << HFLASHC_IRQ;

    const volatile uint32_t* page = (const volatile uint32_t*)PAGE_ADDR;
    int first = write_page(pattern_a);
    for (unsigned i = 0; i < 128; ++i) failures += page[i] != pattern_a[i];
    int second = write_page(pattern_b);
    for (unsigned i = 0; i < 128; ++i) failures += page[i] != pattern_b[i];
    if (state != READY) ++failures;
    failures += errors;
    sh_kv("interrupts_first", (uint32_t)first);
    sh_kv("interrupts_second", (uint32_t)second);
    sh_kv("word0", page[0]);
    return failures;
}
