#pragma once
// The catch-all for SAM4L peripherals nobody models (qemu's hw/misc/unimp.c idea): a named
// device that answers every access without crashing or hanging the guest.
//
// Reads return the register's datasheet reset value when the register is listed (sam4l.md
// §§4-16 give names and resets for several blocks, e.g. WDT, EIC, CRCCU, TWIM) and 0 otherwise;
// writes are ignored. Each register offset is logged once, with the absolute address, the block
// name and the datasheet register name when known, on the "model gap" channel.
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "emu/bus/device.hpp"

namespace tockemu::sam4l {

struct KnownReg {
    std::uint32_t offset;
    std::string_view name;
    std::uint32_t reset = 0;
};

// Register names and reset values of the unmodelled SAM4L blocks the reference describes (WDT,
// EIC, CRCCU, TWIM, TWIS, SMAP, FREQM and the VERSION registers), by board name ("WDT",
// "TWIM1", ...); empty when nothing is known.
std::span<const KnownReg> sam4l_known_registers(std::string_view block);

class UnimplementedDevice : public Device {
  public:
    UnimplementedDevice(std::string name, std::uint32_t base, std::uint32_t size,
                        std::span<const KnownReg> known = {});

    std::string_view name() const override { return name_; }
    std::uint32_t read(std::uint32_t offset, unsigned size) override;
    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    std::uint32_t peek(std::uint32_t offset, unsigned size) override;

    std::uint32_t base() const { return base_; }
    std::uint32_t size() const { return size_; }
    // Offsets touched so far (for tests and the "what did the guest poke" report).
    const std::set<std::uint32_t>& touched() const { return logged_; }

  private:
    const KnownReg* find(std::uint32_t offset) const;
    std::uint32_t value_at(std::uint32_t offset, unsigned size) const;
    void log_once(std::uint32_t offset, const char* what, std::uint32_t value);

    std::string name_;
    std::uint32_t base_;
    std::uint32_t size_;
    std::span<const KnownReg> known_;
    std::set<std::uint32_t> logged_;
};

}  // namespace tockemu::sam4l
