#pragma once
// NVIC helpers and the peripheral interrupt table (ARMv7-M ARM B3.4; SAM4L has 80 external IRQs).
//
// Interrupts are bottom halves, as in Tock: the generic ISR disables the line and leaves it
// pending; the kernel loop then calls the handler registered here for the lowest pending line,
// clears its pending bit and re-enables it. Handlers therefore run in thread mode with interrupts
// enabled, never inside an exception. Chip drivers register with nvic_set_handler() during
// hail_setup_drivers()/hail_setup_chip(); a pending line without a handler panics the kernel.
#include <cstdint>

namespace cortexm {

constexpr unsigned kNumIrqs = 80;

using IrqHandler = void (*)(void* context);

void nvic_set_handler(unsigned irq, IrqHandler handler, void* context);
void nvic_enable(unsigned irq);
void nvic_disable(unsigned irq);
void nvic_clear_pending(unsigned irq);
// Disable and clear every line, then enable all (Tock's Chip::init on SAM4L).
void nvic_init();

// Kernel loop side.
bool nvic_has_pending();
void nvic_service_pending();  // runs handlers for every pending line, lowest number first

}  // namespace cortexm
