// Hail wiring (Tock: boards/hail/src/main.rs): clocks and pins, then chip drivers -> virtualizers
// -> capsules -> the driver table. The two hooks are called by main() (board.hpp).
//
//   USART0 (115200 8N1, PA11 RX / PA12 TX) -> MuxUart -> console 0x1, process console, kprintf
//   AST (16 kHz declared)                  -> MuxAlarm -> alarm 0x0, process console start-up
//   PA13 red / PA15 green / PA14 blue, active low -> led 0x2
//   PA16 active low                        -> button 0x3
//   PB14 D0, PB15 D1, PB11 D6, PB12 D7     -> gpio 0x4
//   SPI NPCS0 (PA21 MISO, PA22 MOSI, PA23 SCK, PA24 CS) -> spi controller 0x20001
//   TRNG                                   -> rng 0x40001
//   low-level debug 0x8 (not on upstream Hail; added for app debugging)
//   TWIM1 I2C sensors -> temperature, humidity, ambient light, ninedof (boards/hail/sensors.hpp)
//   IPC 0x10000 (kernel/core/ipc.hpp)
#include <cstddef>
#include <cstdint>
#include <new>

#include "arch/cortex-m/nvic.hpp"
#include "boards/hail/board.hpp"
#include "boards/hail/sensors.hpp"
#include "capsules/alarm.hpp"
#include "capsules/button.hpp"
#include "capsules/console.hpp"
#include "capsules/gpio.hpp"
#include "capsules/led.hpp"
#include "capsules/low_level_debug.hpp"
#include "capsules/process_console.hpp"
#include "capsules/rng.hpp"
#include "capsules/spi_controller.hpp"
#include "capsules/virtual_alarm.hpp"
#include "capsules/virtual_uart.hpp"
#include "chips/sam4l/chip.hpp"
#include "chips/sam4l/pm.hpp"
#include "core/debug.hpp"
#include "core/ipc.hpp"

namespace {

using sam4l::GpioPin;
using sam4l::PeripheralFunction;
using sam4l::Port;

constexpr std::uint32_t kConsoleBaud = 115200;

const char* g_clock_failure = nullptr;

// Pin functions as upstream Hail muxes them (sam4l.md §9 "Hail pin map").
struct PinFunction {
    Port port;
    std::uint8_t pin;
    PeripheralFunction function;
};
constexpr PinFunction kPeripheralPins[] = {
    {Port::kA, 4, PeripheralFunction::kA},   // ADC AD0
    {Port::kA, 5, PeripheralFunction::kA},   // ADC AD1
    {Port::kA, 6, PeripheralFunction::kA},   // DAC out
    {Port::kA, 8, PeripheralFunction::kA},   // USART0 RTS
    {Port::kA, 11, PeripheralFunction::kA},  // USART0 RXD (console)
    {Port::kA, 12, PeripheralFunction::kA},  // USART0 TXD (console)
    {Port::kA, 21, PeripheralFunction::kA},  // SPI MISO
    {Port::kA, 22, PeripheralFunction::kA},  // SPI MOSI
    {Port::kA, 23, PeripheralFunction::kA},  // SPI SCK
    {Port::kA, 24, PeripheralFunction::kA},  // SPI NPCS0
    {Port::kA, 25, PeripheralFunction::kB},  // USART2 RXD
    {Port::kA, 26, PeripheralFunction::kB},  // USART2 TXD
    {Port::kB, 0, PeripheralFunction::kA},   // TWIMS1 SDA
    {Port::kB, 1, PeripheralFunction::kA},   // TWIMS1 SCL
    {Port::kB, 2, PeripheralFunction::kA},   // ADC AD3
    {Port::kB, 3, PeripheralFunction::kA},   // ADC AD4
    {Port::kB, 4, PeripheralFunction::kA},   // ADC AD5
    {Port::kB, 5, PeripheralFunction::kA},   // ADC AD6
    {Port::kB, 6, PeripheralFunction::kA},   // USART3 RTS
    {Port::kB, 7, PeripheralFunction::kA},   // USART3 CTS
    {Port::kB, 9, PeripheralFunction::kA},   // USART3 RXD
    {Port::kB, 10, PeripheralFunction::kA},  // USART3 TXD
};

GpioPin& pin(Port port, unsigned number) {
    return sam4l::gpio_pin(port, number);
}

// Everything the board builds, constructed once in hail_setup_drivers() (grants must be created
// there, after the kernel exists and before processes load), in this declaration order.
struct HailDrivers {
    explicit HailDrivers(kernel::Kernel& kernel)
        : console(kernel, console_uart),
          alarm(kernel, alarm_driver_alarm),
          button(kernel, buttons, 1),
          gpio(kernel, gpio_pins, 4),
          rng(kernel, sam4l::chip().trng),
          spi(kernel, sam4l::chip().spi) {}

    capsules::MuxUart uart_mux{sam4l::chip().usart0};
    capsules::UartDevice console_uart{uart_mux};
    capsules::UartDevice process_console_uart{uart_mux};
    capsules::MuxAlarm alarm_mux{sam4l::chip().ast};
    capsules::VirtualAlarm alarm_driver_alarm{alarm_mux};
    capsules::VirtualAlarm process_console_alarm{alarm_mux};

    hil::LedPin red{pin(Port::kA, 13), true};
    hil::LedPin green{pin(Port::kA, 15), true};
    hil::LedPin blue{pin(Port::kA, 14), true};
    hil::Led* leds[3] = {&red, &green, &blue};
    capsules::ButtonPin buttons[1] = {{&pin(Port::kA, 16), true, hil::FloatingState::kPullNone}};
    hil::InterruptPin* gpio_pins[4] = {&pin(Port::kB, 14), &pin(Port::kB, 15), &pin(Port::kB, 11),
                                       &pin(Port::kB, 12)};

    capsules::Console console;
    capsules::AlarmDriver alarm;
    capsules::LedDriver led{leds, 3};
    capsules::ButtonDriver button;
    capsules::GpioDriver gpio;
    capsules::RngDriver rng;
    capsules::SpiController spi;
    capsules::LowLevelDebug low_level_debug;
    capsules::ProcessConsole process_console{process_console_uart, process_console_alarm};
};

alignas(HailDrivers) std::uint8_t g_drivers_storage[sizeof(HailDrivers)];
alignas(kernel::Ipc) std::uint8_t g_ipc_storage[sizeof(kernel::Ipc)];

void register_or_panic(kernel::Kernel& kernel, std::uint32_t num, kernel::SyscallDriver& driver) {
    if (!kernel.register_driver(num, driver).is_ok()) {
        KERNEL_PANIC("cannot register syscall driver 0x%x", static_cast<unsigned>(num));
    }
}

}  // namespace

std::uint32_t hail_setup_chip() {
    kernel::set_panic_writer(&sam4l::panic_writer());
    g_clock_failure = sam4l::pm::setup_48mhz_pll();
    cortexm::nvic_init();
    sam4l::register_interrupt_handlers();
    for (const PinFunction& p : kPeripheralPins) {
        pin(p.port, p.pin).select_peripheral(p.function);
    }
    return sam4l::pm::main_clock_hz();
}

void hail_setup_drivers(kernel::Kernel& kernel) {
    sam4l::Chip& chip = sam4l::chip();
    const char* ast_failure = chip.ast.configure();
    chip.spi.init();
    chip.spi.specify_chip_select(0);

    auto* d = ::new (g_drivers_storage) HailDrivers(kernel);
    d->uart_mux.init(kConsoleBaud);
    d->console_uart.setup();
    d->process_console_uart.setup();
    d->alarm_mux.init();
    d->alarm_driver_alarm.setup();
    d->process_console_alarm.setup();

    if (g_clock_failure != nullptr) {
        kernel::kprintf("Hail: clock set-up: %s never became ready; main clock %u Hz\r\n",
                        g_clock_failure, static_cast<unsigned>(sam4l::pm::main_clock_hz()));
    }
    if (ast_failure != nullptr) {
        kernel::kprintf("Hail: AST set-up failed waiting for %s; alarms will not fire\r\n",
                        ast_failure);
    }

    register_or_panic(kernel, capsules::AlarmDriver::kDriverNum, d->alarm);
    register_or_panic(kernel, capsules::Console::kDriverNum, d->console);
    register_or_panic(kernel, capsules::LedDriver::kDriverNum, d->led);
    register_or_panic(kernel, capsules::ButtonDriver::kDriverNum, d->button);
    register_or_panic(kernel, capsules::GpioDriver::kDriverNum, d->gpio);
    register_or_panic(kernel, capsules::LowLevelDebug::kDriverNum, d->low_level_debug);
    register_or_panic(kernel, capsules::SpiController::kDriverNum, d->spi);
    register_or_panic(kernel, capsules::RngDriver::kDriverNum, d->rng);
    register_or_panic(kernel, kernel::Ipc::kDriverNum, *::new (g_ipc_storage) kernel::Ipc(kernel));

    hail_setup_sensors(kernel, d->alarm_mux);

    d->process_console.start();
}
