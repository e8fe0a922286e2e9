#pragma once
// CRCCU — Cyclic Redundancy Check Calculation Unit (SAM4L datasheet §41; sam4l.md §15.2).
// Executable spec: tock/tock chips/sam4l/src/crccu.rs (the CRC syscall driver 0x40002).
//
// Modelled:
//  - DSCR (512-byte aligned descriptor base), DMAEN/DMADIS/DMASR, DMAIER/DMAIDR/DMAIMR/DMAISR,
//    CR.RESET, MR (ENABLE, COMPARE, PTYPE, DIVIDER), SR, IER/IDR/IMR/ISR, VERSION 0x202.
//  - DMAEN fetches the transfer descriptor from DSCR through the bus as a DMA master:
//      +0x00 TR_ADDR, +0x04 TR_CTRL (BTSIZE[15:0] transfers, TRWIDTH[25:24] 0 byte / 1 half-word
//      / 2 word, IEN[27] active low: 0 = raise DMAISR at the end), +0x10 TR_CRC (compare value).
//    The buffer is read through the bus at TR_ADDR, one transfer per 2^DIVIDER HSB (= CPU)
//    cycles; the transfer ends (DMASR <- 0, DMAISR <- 1 when IEN = 0) after the last one.
//  - The CRC consumes every byte least significant bit first, in memory order, with the
//    polynomial of MR.PTYPE written most significant bit first (0x04C11DB7 CCITT802.3,
//    0x1EDC6F41 Castagnoli, 0x1021 CCITT16), starting from SR = 0xFFFFFFFF (CR.RESET). No final
//    reflection or inversion: SR holds the shift register itself, so the usual CRC-32 is
//    ~bitreverse(SR) (what crccu.rs computes) and "123456789" leaves SR = 0x9B63D02C
//    (CRC-32 0xCBF43926). For CCITT16 the register is SR[15:0]; "ABCDEFG" gives 0x1541, the
//    value crccu.rs quotes for silicon.
//  - MR.COMPARE: at the end of a transfer SR is compared with TR_CRC; a mismatch sets ISR.ERR.
//  - NVIC line 17 = (DMAISR & DMAIMR) | (ISR & IMR).
// Reading of ambiguous text: DMAISR and ISR are cleared by reading them (the Atmel CRCCU IP's
// "reset after read"); with MR.ENABLE = 0 the DMA still reads the buffer but SR is not updated.
// Safety: the descriptor and the buffer are read only through Bus::read with Initiator::Dma,
// so a guest address can never reach host memory. A bus error (unmapped descriptor or buffer)
// stops the channel (DMASR <- 0, no DMAISR) and is logged as a guest error: the datasheet names
// no error flag for it. SR keeps the CRC of the bytes read before the error.
// While the PM masks the CRCCU clock a transfer in flight pauses and resumes with its remaining
// time when the clock comes back (DMASR stays 1).
// Not modelled: the bus bandwidth the CRCCU takes from the CPU; descriptor write-back.
#include <cstdint>
#include <optional>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Crccu final : public RegisterBlock {
  public:
    static constexpr std::uint32_t kBase = 0x400A'4000;
    static constexpr std::uint32_t kSize = 0x1000;
    static constexpr unsigned kIrq = 17;

    static constexpr std::uint32_t DSCR = 0x00, DMAEN = 0x08, DMADIS = 0x0C, DMASR = 0x10,
                                   DMAIER = 0x14, DMAIDR = 0x18, DMAIMR = 0x1C, DMAISR = 0x20,
                                   CR = 0x34, MR = 0x38, SR = 0x3C, IER = 0x40, IDR = 0x44,
                                   IMR = 0x48, ISR = 0x4C, VERSION = 0xFC;
    static constexpr std::uint32_t kDma = 1u << 0;  // DMAEN/DMADIS/DMASR/DMAI*R bit
    static constexpr std::uint32_t kErr = 1u << 0;  // IER/IDR/IMR/ISR.ERR
    static constexpr std::uint32_t CR_RESET = 1u << 0;
    static constexpr std::uint32_t MR_ENABLE = 1u << 0, MR_COMPARE = 1u << 1;
    // Descriptor layout (offsets from DSCR) and TR_CTRL fields.
    static constexpr std::uint32_t TR_ADDR = 0x00, TR_CTRL = 0x04, TR_CRC = 0x10;
    static constexpr std::uint32_t TR_CTRL_IEN = 1u << 27;
    enum class Polynomial : std::uint8_t { Ccitt8023 = 0, Castagnoli = 1, Ccitt16 = 2 };

    explicit Crccu(MachineContext& ctx, unsigned irq = kIrq);
    ~Crccu() override;

    // The unit's arithmetic on its own: `crc` is the SR value before the bytes.
    static std::uint32_t update(std::uint32_t crc, Polynomial p, const std::uint8_t* data,
                                std::size_t n);
    bool irq_level() const { return line_.level(); }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void on_reset() override;
    void on_clock_gate(bool running) override;
    void update_irq() override;

  private:
    void start();
    void finish();
    void stop();
    void schedule_done(Picos dt);

    MachineContext& ctx_;
    OnceLog log_;
    IrqLine line_;
    Clock::EventId done_ev_ = 0;
    std::optional<Picos> paused_;  // time left of a transfer while the clock is masked
    // The transfer in flight (fetched from the descriptor at DMAEN).
    std::uint32_t addr_ = 0, ctrl_ = 0, ref_crc_ = 0;
};

}  // namespace tockemu::sam4l
