#include "chips/sam4l/chip.hpp"

#include "arch/cortex-m/nvic.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

// Constant-initialised: no constructor has to run before the board uses them.
constinit Chip g_chip;
constinit PanicUsart g_panic_writer;

void dma_irq(void* context) {
    static_cast<DmaChannel*>(context)->handle_interrupt();
}
void usart_irq(void* context) {
    static_cast<Usart*>(context)->handle_interrupt();
}
void ast_irq(void* context) {
    static_cast<Ast*>(context)->handle_interrupt();
}
void trng_irq(void* context) {
    static_cast<Trng*>(context)->handle_interrupt();
}
// The SPI runs on DMA completion only; its own line is never enabled in SPI.IMR.
void spi_irq(void*) {}
void gpio_irq(void* context) {
    gpio::handle_interrupt(static_cast<unsigned>(reinterpret_cast<std::uintptr_t>(context)));
}

}  // namespace

Chip& chip() {
    return g_chip;
}

void register_interrupt_handlers() {
    for (unsigned ch = 0; ch < DmaChannel::kCount; ++ch) {
        cortexm::nvic_set_handler(DmaChannel::kFirstIrq + ch, dma_irq, &dma_channel(ch));
    }
    for (unsigned line = 0; line < gpio::kIrqCount; ++line) {
        const unsigned irq = gpio::kFirstIrq + line;
        cortexm::nvic_set_handler(irq, gpio_irq,
                                  reinterpret_cast<void*>(static_cast<std::uintptr_t>(irq)));
    }
    cortexm::nvic_set_handler(Ast::kAlarmIrq, ast_irq, &g_chip.ast);
    cortexm::nvic_set_handler(Spi::kIrq, spi_irq, &g_chip.spi);
    cortexm::nvic_set_handler(Usart::kFirstIrq + 0, usart_irq, &g_chip.usart0);
    cortexm::nvic_set_handler(Trng::kIrq, trng_irq, &g_chip.trng);
}

bool deep_sleep_allowed() {
    return pm::deep_sleep_allowed() && !gpio::any_interrupt_enabled();
}

void PanicUsart::panic_begin() {
    // The console pins may still be in their reset function if we panic very early.
    gpio_pin(Port::kA, 11).select_peripheral(PeripheralFunction::kA);
    gpio_pin(Port::kA, 12).select_peripheral(PeripheralFunction::kA);
    g_chip.usart0.init_sync();
}

void PanicUsart::panic_write(const std::uint8_t* bytes, std::size_t len) {
    g_chip.usart0.write_sync(bytes, len);
}

PanicUsart& panic_writer() {
    return g_panic_writer;
}

}  // namespace sam4l
