#pragma once
// The Hail board: the SAM4L's peripheral table {name, base, size, IRQ, factory} wired onto the
// bus and the NVIC, plus the external parts (console, LEDs, button, SPI devices).
//
// CONTRACT (owned by the peripherals issue; the machine constructs it after it has mapped flash
// at 0 and SRAM at 0x20000000 on ctx.bus): members may be added; these signatures stay.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emu/core/context.hpp"

namespace tockemu {

class SpiDevice;
class I2cDevice;
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
    // A malformed frame on USARTn's RXD, behind the bytes already queued (periph2): a character
    // with a wrong parity bit (CSR.PARE), with a low stop bit (FRAME), arriving over an unread
    // one (OVRE), or a break (RXBRK at the break and again at its end). Cleared by CR.RSTSTA.
    enum class UartRxError : std::uint8_t { Parity, Framing, Overrun, Break };
    void inject_uart_rx_error(unsigned usart, UartRxError kind, std::uint8_t ch = 0);
    // External input on a pin (the button is PA16, active low; it reads 1 until pressed).
    static constexpr unsigned kButtonPort = 0, kButtonPin = 16;
    // LEDs (active low): red PA13, blue PA14, green PA15.
    void set_gpio_input(unsigned port, unsigned pin, bool level);
    bool gpio_output(unsigned port, unsigned pin) const;
    void attach_spi_device(unsigned chip_select, std::unique_ptr<SpiDevice> device);

    // ---- I2C (i2c) ----
    // The Hail's sensors hang on TWIM1 (PB00 SDA / PB01 SCL): SI7021 temperature/humidity at
    // 0x40, ISL29035 ambient light at 0x44, FXOS8700CQ accelerometer/magnetometer at 0x1E (INT1 on
    // PA09). attach_i2c_device() adds a device at a 7-bit address of TWIM0..3 or replaces one.
    static constexpr unsigned kSensorTwim = 1;
    void attach_i2c_device(unsigned twim, std::uint8_t address, std::unique_ptr<I2cDevice> device);
    // What the sensors measure from now on; unset fields keep their value. Defaults: 22.5 C,
    // 45 %RH, 300 lux, (0, 0, 1000) milli-g, (20, -5, -40) microtesla.
    struct SensorValues {
        std::optional<double> temperature;              // degrees Celsius (SI7021)
        std::optional<double> humidity;                 // % relative humidity (SI7021)
        std::optional<double> light;                    // lux (ISL29035)
        std::optional<std::array<double, 3>> accel;     // milli-g, x y z (FXOS8700CQ)
        std::optional<std::array<double, 3>> magnetic;  // microtesla, x y z (FXOS8700CQ)
    };
    void set_sensors(const SensorValues& values);
    // ---- end of the I2C section ----

    // ---- analog (analog) ----
    // ADCIFE inputs: the level on pad ADn (channel n = 0..14) or the bandgap (15), in
    // millivolts. Defaults: ADn = 200·(n+1) mV, bandgap 1100 mV. Throws std::out_of_range.
    void set_adc_input(unsigned channel, std::uint32_t millivolts);
    // The DACC output now, in millivolts (10-bit code · 3300 / 1024; 0 until the first
    // conversion).
    std::uint32_t dac_output() const;
    // EIC inputs: line 0 (NMI) or EXTINT1..8; they idle high. Throws std::out_of_range.
    void set_external_interrupt(unsigned line, bool level);
    // A WDT time-out in reset mode calls this; the machine resets the system in it. Without a
    // handler the time-out is logged and nothing resets.
    std::function<void()> on_system_reset_request;
    // How many system resets the watchdog has asked for.
    unsigned watchdog_resets() const;
    // ---- end of the analog section ----

    // Sleep (periph2; sam4l.md §4/§7, datasheet "Power save modes"). The core calls enter_sleep
    // when it goes to sleep (WFI, sleep-on-exit) with SCB.SCR.SLEEPDEEP, and leave_sleep when it
    // wakes. The board picks the SAM4L mode from SLEEPDEEP and BPM.PMCON (SLEEP0..3 by
    // PMCON.SLEEP; WAIT, RETENTION with PMCON.RET, BACKUP with PMCON.BKUP), stops the clocks that
    // mode stops (SLEEP1+: HSB masters such as PDCA transfers; SLEEP2+ and the deep modes: every
    // PBx peripheral, which pauses like a masked one), lets in a deep mode only the AST events
    // that AST.WER enables interrupt (the AST keeps counting on its 32 kHz clock), and publishes
    // SleepEvent on entry and wake-up. sleep_mode() is "" while awake.
    void enter_sleep(bool sleepdeep);
    void leave_sleep();
    std::string_view sleep_mode() const;

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
    // Guest accesses to a peripheral whose PM clock mask was 0, once per peripheral, as
    // "access to USART0 with its clock masked (PM.PBAMASK bit 8)" (added by periph2).
    std::vector<std::string> masked_accesses() const;

  private:
    void core_clock_changed(std::uint64_t hz);
    void wire_analog();  // (analog)
    void clocks_changed();
    void check_flash_wait_states(std::uint64_t hz);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tockemu
