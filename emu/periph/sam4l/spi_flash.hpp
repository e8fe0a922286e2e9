#pragma once
// An SPI NOR flash on the SAM4L SPI: a Winbond W25Q80DV, 8 Mbit = 1 MiB, 4096 pages of 256 bytes,
// 256 sectors of 4 KiB, SPI mode 0/3. Datasheet: Winbond W25Q80DV/DL, §8 "Instructions".
//
// Modelled instructions (single-SPI only):
//   0x9F JEDEC ID           -> EF 40 14 (Winbond, SPI flash, 8 Mbit), then 0xFF
//   0x90 Manufacturer/Device ID (3 address bytes) -> EF 13, repeating
//   0xAB Release power-down / Device ID (3 dummy bytes) -> 13, repeating
//   0x03 Read Data, 0x0B Fast Read (one dummy byte): 24-bit address, continuous, wraps at 1 MiB
//   0x06 Write Enable, 0x04 Write Disable
//   0x05 Read Status Register-1: BUSY[0], WEL[1]; repeats with the live value while selected
//   0x02 Page Program: up to 256 bytes, address wraps inside the page, bits only go 1 -> 0;
//        executes when /CS rises, needs WEL; BUSY for tPP
//   0x20 Sector Erase (4 KiB), 0xC7/0x60 Chip Erase: execute when /CS rises, need WEL; BUSY for
//        tSE / tCE; erased bytes read 0xFF
// While BUSY every instruction except Read Status Register is ignored, as on the part. WEL clears
// when the program/erase it enabled completes. Timing uses the datasheet's typical values
// (tPP 0.7 ms, tSE 45 ms, tCE 2 s), measured on the virtual clock.
// Not modelled: Status Register-2/3 and their writes (block protection, QE), dual/quad I/O,
// 32/64 KiB block erase, erase/program suspend, security registers, SFDP, unique ID, power-down
// (0xB9 is accepted and ignored; 0xAB answers the ID).
#include <cstdint>
#include <span>
#include <vector>

#include "emu/core/clock.hpp"
#include "emu/periph/sam4l/spi_device.hpp"

namespace tockemu {

class SpiFlashW25Q80 final : public SpiDevice {
  public:
    static constexpr std::uint32_t kSize = 1u << 20;
    static constexpr std::uint32_t kPageSize = 256;
    static constexpr std::uint32_t kSectorSize = 4096;
    static constexpr std::uint8_t kManufacturer = 0xEF, kMemoryType = 0x40, kCapacity = 0x14,
                                  kDeviceId = 0x13;
    static constexpr Picos kPageProgramTime = picos_from_us(700);
    static constexpr Picos kSectorEraseTime = picos_from_ms(45);
    static constexpr Picos kChipEraseTime = picos_from_ms(2000);
    static constexpr std::uint8_t SR_BUSY = 1u << 0, SR_WEL = 1u << 1;

    explicit SpiFlashW25Q80(const Clock& clock);

    std::string_view name() const override { return "W25Q80DV"; }
    void select() override;
    void deselect() override;
    std::uint16_t exchange(std::uint16_t mosi, unsigned bits) override;

    // Host view of the array (for tests, or to preload an image).
    std::span<std::uint8_t> contents() { return memory_; }
    std::uint8_t status() const;
    bool busy() const { return clock_.now() < busy_until_; }

  private:
    std::uint8_t command_byte(std::uint8_t b);
    std::uint8_t data_byte(std::uint8_t b);
    void execute_on_deselect();

    const Clock& clock_;
    std::vector<std::uint8_t> memory_;
    bool wel_ = false;
    Picos busy_until_ = 0;

    // Per-selection decoder state.
    bool selected_ = false;
    bool have_command_ = false;
    bool ignored_ = false;  // instruction refused (busy) or unknown: the rest is ignored
    std::uint8_t command_ = 0;
    unsigned header_ = 0;  // address/dummy bytes received so far
    std::uint32_t address_ = 0;
    unsigned index_ = 0;  // data bytes moved so far
    std::vector<std::uint8_t> page_;
};

}  // namespace tockemu
