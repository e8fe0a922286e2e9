#pragma once
// The Hail board: the SAM4L's peripheral table {name, base, size, IRQ, factory} wired onto the
// bus and the NVIC, plus the external parts (console, LEDs, button, SPI devices).
//
// CONTRACT (owned by the peripherals issue; the machine constructs it after it has mapped flash
// at 0 and SRAM at 0x20000000 on ctx.bus): members may be added; these signatures stay.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emu/core/context.hpp"

namespace tockemu {

class SpiDevice;
class Device;

class HailBoard {
  public:
    explicit HailBoard(MachineContext& ctx);
    // Same, with the TRNG sequence seeded from MachineConfig.rng_seed.
    HailBoard(MachineContext& ctx, std::uint64_t rng_seed);
    ~HailBoard();
    HailBoard(const HailBoard&) = delete;
    HailBoard& operator=(const HailBoard&) = delete;

    void reset();

    // Host side. USART0 is the Hail console (115200 8N1 to the USB serial).
    static constexpr unsigned kConsoleUsart = 0;
    void set_uart_sink(unsigned usart, std::function<void(std::uint8_t)> sink);
    void inject_uart_rx(unsigned usart, std::span<const std::uint8_t> bytes);
    // External input on a pin (the button is PA16, active low; it reads 1 until pressed).
    static constexpr unsigned kButtonPort = 0, kButtonPin = 16;
    // LEDs (active low): red PA13, blue PA14, green PA15.
    void set_gpio_input(unsigned port, unsigned pin, bool level);
    bool gpio_output(unsigned port, unsigned pin) const;
    void attach_spi_device(unsigned chip_select, std::unique_ptr<SpiDevice> device);

    // The board calls this when the guest selects a new main clock (PM.MCCTRL etc.).
    // Without a handler the board sets ctx.clock's frequency itself.
    std::function<void(std::uint64_t hz)> on_core_clock_change;
    // The flash controller changed flash contents (page write/erase): a core that caches
    // translated code must invalidate [address, address + length).
    std::function<void(std::uint32_t address, std::uint32_t length)> on_flash_programmed;

    // Inspection (added by periphsys): "never became ready" reports of polled status bits, and
    // the model mapped under a datasheet name ("PM", "AST", "GPIO_PA", "USART0", ...).
    std::vector<std::string> warnings() const;
    Device* device(std::string_view name) const;

  private:
    void core_clock_changed(std::uint64_t hz);
    void check_flash_wait_states(std::uint64_t hz);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tockemu
