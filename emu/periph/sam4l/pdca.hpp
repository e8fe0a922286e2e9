#pragma once
// SAM4L PDCA, the Peripheral DMA Controller: 16 channels moving data between memory and the
// USART/SPI data registers. Datasheet §16 "PDCA"; register facts and counter semantics
// sam4l.md §11; executable spec: tock/tock chips/sam4l/src/dma.rs.
//
// Modelled:
//  - Per channel MAR/PSR/TCR/MARR/TCRR/CR/MR/SR/IER/IDR/IMR/ISR. Reload: whenever TCR is 0 and
//    TCRR is not, MAR <- MARR and TCR <- TCRR and TCRR <- 0 (kept in MR.RING mode); this happens
//    at once when the guest writes TCRR/TCR while TCR is 0 (how Tock starts a transfer).
//  - ISR.RCZ = (TCRR == 0), ISR.TRC = (TCR == 0 and TCRR == 0): both are functions of the
//    counters, so writing a counter clears them. ISR.TERR is sticky until CR.ECLR.
//  - Transfers are paced by the peripheral's request line (dma_request.hpp): while SR.TEN = 1,
//    TCR > 0 and the request of PSR.PID is high, the channel moves one item of MR.SIZE (byte,
//    half-word, word) per beat, one beat per channel per core clock cycle, in channel order.
//    Both sides go through Bus::read/write with Initiator::Dma: the peripheral side at the data
//    register the PID names (USARTn RHR/THR, SPI RDR/TDR, TWIMn RHR/THR), the memory side at
//    MAR.
//  - A bus error on either side sets ISR.TERR and stops the channel (SR.TEN <- 0, MAR/TCR keep
//    the failing beat); the guest clears it with CR.ECLR and restarts with CR.TEN.
//  - Channel n drives NVIC line n+1 = (ISR & IMR) != 0.
// Not modelled: MR.ETRIG (event-triggered transfers; logged), the performance monitors
// (PCONTROL is stored, the counters read 0: PDCA_MON_CH*_IMPL = 0 on the SAM4L), PIDs of
// peripherals without a request line here (TWIS, ADCIFE, IISC, ...: a channel waits forever).
#include <array>
#include <bitset>
#include <cstdint>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/dma_request.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Pdca final : public RegisterBlock, public DmaRequestSink {
  public:
    static constexpr std::uint32_t kBase = 0x400A'2000;
    static constexpr std::uint32_t kSize = 0x1000;
    static constexpr unsigned kChannels = 16;
    static constexpr unsigned kFirstIrq = 1;  // channel n -> NVIC line n + 1
    static constexpr std::uint32_t kChannelStride = 0x40;

    // Offsets inside a channel.
    static constexpr std::uint32_t MAR = 0x00, PSR = 0x04, TCR = 0x08, MARR = 0x0C, TCRR = 0x10,
                                   CR = 0x14, MR = 0x18, SR = 0x1C, IER = 0x20, IDR = 0x24,
                                   IMR = 0x28, ISR = 0x2C;
    static constexpr std::uint32_t PCONTROL = 0x800, VERSION = 0x834;
    static constexpr std::uint32_t CR_TEN = 1u << 0, CR_TDIS = 1u << 1, CR_ECLR = 1u << 8;
    static constexpr std::uint32_t MR_ETRIG = 1u << 2, MR_RING = 1u << 3;
    static constexpr std::uint32_t SR_TEN = 1u << 0;
    static constexpr std::uint32_t ISR_RCZ = 1u << 0, ISR_TRC = 1u << 1, ISR_TERR = 1u << 2;

    static constexpr std::uint32_t channel_offset(unsigned ch, std::uint32_t reg) {
        return ch * kChannelStride + reg;
    }

    explicit Pdca(MachineContext& ctx);
    ~Pdca() override;

    void set_dma_request(unsigned pid, bool level) override;
    bool irq_level(unsigned ch) const { return irqs_[ch].level(); }
    // Channel register value (no side effects), for tests and traces.
    std::uint32_t channel_reg(unsigned ch, std::uint32_t reg) const {
        return RegisterBlock::reg(channel_offset(ch, reg));
    }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    void on_reset() override;
    void update_irq() override;

  private:
    std::uint32_t& chreg(unsigned ch, std::uint32_t reg) {
        return reg_ref(channel_offset(ch, reg));
    }
    std::uint32_t isr(unsigned ch) const;
    bool ready(unsigned ch) const;
    void reload(unsigned ch);
    void beat(unsigned ch);
    void fail(unsigned ch, std::uint32_t address, const char* side);
    void schedule_service();
    void service();

    MachineContext& ctx_;
    OnceLog log_;
    std::array<IrqLine, kChannels> irqs_;
    std::array<bool, kChannels> terr_{};
    std::bitset<64> requests_;
    Clock::EventId service_event_ = 0;
};

}  // namespace tockemu::sam4l
