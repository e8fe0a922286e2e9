#pragma once
// SAM4L clocks: the Power Manager's bus clock gates (PM, sam4l.md §4) and the boot-time clock
// tree set-up that Hail performs (BPM §7, BSCIF §6, FLASHCALW/HCACHE §8, SCIF §5).
//
// Set-up order (as upstream Tock's Hail and the ASF do, see hail-boot-trace.md §1.1):
//   power scaling PS2 -> RC32K on -> PicoCache on -> flash wait state + high-speed mode
//   -> OSC0 16 MHz crystal -> PLL0 (x6 /1 /2 = 48 MHz) -> MCCTRL = PLL0 -> 32 kHz clock = RC32K.
#include <cstdint>

namespace sam4l::pm {

// The 48 MHz core clock Hail runs at once clocks::setup_48mhz_pll() has succeeded. USART and SPI
// dividers are computed from it (PBA runs undivided).
inline constexpr std::uint32_t kSystemClockHz = 48'000'000;

// Result of the clock set-up: nullptr on success, else the name of the first ready bit that never
// came (the kernel prints it once the console works, instead of hanging in a silent loop).
const char* setup_48mhz_pll();

// The main clock actually selected: 48 MHz once MCCTRL selects PLL0, else RCSYS (115.2 kHz).
std::uint32_t main_clock_hz();

// Bus clock gates. Bit numbers are the PM mask-register bit positions (sam4l.md §1.3).
enum class HsbClock : std::uint8_t { kPdca = 0, kFlashcalw = 1, kFlashcalwPicocache = 2 };
enum class PbaClock : std::uint8_t {
    kSpi = 1,
    kUsart0 = 8,
    kUsart1 = 9,
    kUsart2 = 10,
    kUsart3 = 11,
    kTrng = 17,
};
enum class PbbClock : std::uint8_t { kFlashcalw = 0, kHramc1 = 1, kPdca = 3 };
enum class PbdClock : std::uint8_t { kAst = 2 };

void enable(HsbClock clock);
void enable(PbaClock clock);
void disable(PbaClock clock);
void enable(PbbClock clock);
void enable(PbdClock clock);
bool is_enabled(PbaClock clock);

// Whether the SCB SLEEPDEEP bit may be set before WFI: only when no high-speed peripheral clock
// that needs the main clock is running (Tock's rule, sam4l.md §4 "Deep sleep").
bool deep_sleep_allowed();

}  // namespace sam4l::pm
