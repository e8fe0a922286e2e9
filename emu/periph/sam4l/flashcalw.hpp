#pragma once
// FLASHCALW — flash controller (HFLASHC) of the SAM4L (datasheet §14; sam4l.md §8.1).
//
// Modelled: the page buffer (512 bytes) filled by CPU/DMA stores into the flash address range
// (Memory::store_handler of the flash at 0: such stores never change the flash directly; each
// store also sets FCMD.PAGEN to the page it addresses, as the datasheet says);
// commands written to FCMD with KEY 0xA5 (other keys are ignored): WP (write page: flash bits
// can only go from 1 to 0, so the page becomes page AND buffer), EP (erase page to 0xFF), CPB
// (page buffer to 0xFF), LP/UP (region lock bits FSR.LOCK0..15, 64 pages per region), EA (erase
// all, refused with LOCKE when a region is locked), QPR (FSR.QPRR = page is erased), HSEN/HSDIS
// (FSR.HSMODE), NOP; FSR.FRDY low while a command runs, for the programming time in virtual
// time; LOCKE (write/erase of a locked page) and PROGE (unknown or unsupported command); the
// HFLASHC line (IRQ 0) = FCR.FRDY & FSR.FRDY | FCR.LOCKE & FSR.LOCKE | FCR.PROGE & FSR.PROGE;
// FCR.FWS / WS1OPT read back (wait_states()).
// Not modelled: flash wait states on CPU timing (the core executes one instruction per cycle; an
// unsafe FWS for the clock is reported by the board instead), the user page and fuses (WUP, EUP,
// QPRUP, WGPB, EGPB, SSB, PGPFB, EAGPF set PROGE and are logged), ECC errors, security bit.
// Reading of ambiguous text: programming times are typical datasheet figures (page write or erase
// 1.2 ms, erase all 5 ms, other commands 1 us) and unconfirmed; LOCKE/PROGE are cleared by the
// next command write; the page buffer keeps its contents after WP (use CPB, as Tock does).
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "emu/bus/bus.hpp"
#include "emu/core/clock.hpp"
#include "emu/core/irq.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/protected_block.hpp"

namespace tockemu::sam4l {

class Flashcalw final : public RegisterBlock {
  public:
    static constexpr std::uint32_t FCR = 0x00, FCMD = 0x04, FSR = 0x08, FPR = 0x0C, VERSION = 0x10,
                                   FGPFRHI = 0x14, FGPFRLO = 0x18;
    static constexpr std::uint32_t FSR_FRDY = 1u << 0, FSR_LOCKE = 1u << 2, FSR_PROGE = 1u << 3,
                                   FSR_QPRR = 1u << 5, FSR_HSMODE = 1u << 6;
    static constexpr std::uint32_t FCR_FRDY = 1u << 0, FCR_LOCKE = 1u << 2, FCR_PROGE = 1u << 3,
                                   FCR_FWS = 1u << 6;
    enum Command : std::uint32_t {
        NOP = 0,
        WP = 1,
        EP = 2,
        CPB = 3,
        LP = 4,
        UP = 5,
        EA = 6,
        WGPB = 7,
        EGPB = 8,
        SSB = 9,
        PGPFB = 10,
        EAGPF = 11,
        QPR = 12,
        WUP = 13,
        EUP = 14,
        QPRUP = 15,
        HSEN = 16,
        HSDIS = 17,
    };
    static constexpr std::uint32_t kPageSize = 512;
    static constexpr std::uint32_t kPagesPerRegion = 64;

    // `flash` is the flash Memory at address 0 (its store handler is taken over).
    Flashcalw(Memory& flash, Clock& clock, InterruptSink* irq, unsigned irq_number);
    ~Flashcalw() override;

    unsigned wait_states() const { return (reg(FCR) & FCR_FWS) ? 1 : 0; }
    // Called after a command changed the flash contents (address, length), so that a CPU that
    // caches translated code can drop it.
    std::function<void(std::uint32_t, std::uint32_t)> on_flash_changed;
    const std::array<std::uint8_t, kPageSize>& page_buffer() const { return buffer_; }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void on_reset() override;
    void update_irq() override;

  private:
    void command(std::uint32_t cmd, std::uint32_t page);
    void finish_after(Picos duration);
    bool page_locked(std::uint32_t page) const;
    void buffer_store(std::uint32_t offset, std::uint32_t value, unsigned size);

    Memory& flash_;
    Clock& clock_;
    IrqLine line_;
    std::array<std::uint8_t, kPageSize> buffer_{};
    Clock::EventId busy_ev_ = 0;
};

// HCACHE — the PicoCache controller in front of the flash (datasheet §15; sam4l.md §8.2).
// Modelled: CTRL.CEN -> SR.CSTS at once (Tock polls CSTS after enabling), the maintenance and
// monitor registers as storage (MSR counts nothing: there is no cache to hit or miss).
// Not modelled: caching itself (it has no architectural effect on a single-master model).
class Hcache final : public RegisterBlock {
  public:
    static constexpr std::uint32_t CTRL = 0x08, SR = 0x0C, MAINT0 = 0x20, MAINT1 = 0x24,
                                   MCFG = 0x28, MEN = 0x2C, MCTRL = 0x30, MSR = 0x34,
                                   VERSION = 0xFC;
    Hcache();
    // SR.CSTS polled while CTRL.CEN was never written (reported by name).
    const std::vector<std::string>& warnings() const { return watch_.warnings(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;

  private:
    PollWatch watch_{"HCACHE.SR", {{1u, "CSTS"}}};
};

// CHIPID — chip identification (sam4l.md §16): CIDR at +0x340 and EXID at +0x344 with the values
// of the Hail's ATSAM4LC8BA (CIDR 0xAB0B0AE0; EXID 0x0300000F, package B = 64 pins, derived from
// the field encoding and unconfirmed on silicon).
class ChipId final : public RegisterBlock {
  public:
    static constexpr std::uint32_t CIDR = 0x340, EXID = 0x344;
    static constexpr std::uint32_t kCidr = 0xAB0B'0AE0, kExid = 0x0300'000F;
    ChipId();
};

}  // namespace tockemu::sam4l
