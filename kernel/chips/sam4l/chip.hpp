#pragma once
// The SAM4L chip as the board sees it: one statically allocated instance of each driver, their
// interrupt registration with the NVIC bottom-half table, and the synchronous panic writer.
#include <cstdint>

#include "chips/sam4l/ast.hpp"
#include "chips/sam4l/gpio.hpp"
#include "chips/sam4l/pdca.hpp"
#include "chips/sam4l/spi.hpp"
#include "chips/sam4l/trng.hpp"
#include "chips/sam4l/usart.hpp"
#include "core/debug.hpp"

namespace sam4l {

// PDCA channels as Tock assigns them (sam4l.md §11.2).
inline constexpr unsigned kDmaUsart0Rx = 0;
inline constexpr unsigned kDmaUsart0Tx = 1;
inline constexpr unsigned kDmaUsart3Rx = 6;
inline constexpr unsigned kDmaUsart3Tx = 7;
inline constexpr unsigned kDmaSpiRx = 8;
inline constexpr unsigned kDmaSpiTx = 9;

struct Chip {
    Ast ast;
    Usart usart0{0, dma_channels[kDmaUsart0Rx], dma_channels[kDmaUsart0Tx]};
    Spi spi{dma_channels[kDmaSpiRx], dma_channels[kDmaSpiTx]};
    Trng trng;
};

Chip& chip();

// Registers the bottom half of every peripheral interrupt line the drivers can raise (PDCA
// channels, GPIO groups, AST alarm, SPI, USARTs, TRNG) with cortexm::nvic_set_handler.
void register_interrupt_handlers();

// Whether SLEEPDEEP may be set before WFI (no fast peripheral clock and no pin interrupt).
bool deep_sleep_allowed();

// Panic output on USART0 (Hail's console): polled, interrupt- and DMA-free.
class PanicUsart final : public kernel::PanicWriter {
  public:
    void panic_begin() override;
    void panic_write(const std::uint8_t* bytes, std::size_t len) override;
};

PanicUsart& panic_writer();

}  // namespace sam4l
