#pragma once
// SAM4L SPI controller in master mode (0x4000_8000, sam4l.md §12) with PDCA DMA: channel 8
// reads RDR (PID 4), channel 9 writes TDR (PID 22). Chip selects are the hardware NPCS0..3 in
// fixed-peripheral mode (MR.PS = 0, MR.PCS = one zero bit per selected line).
//
// A transfer: CR.SPIEN, start RX DMA (if reading) then TX DMA; when every started channel has
// reported TRC, wait SR.TXEMPTY, CR.SPIDIS, report completion (as Tock's spi.rs does).
#include <cstddef>
#include <cstdint>

#include "chips/sam4l/pdca.hpp"
#include "hil/spi.hpp"

namespace sam4l {

class Spi final : public hil::SpiMaster, private DmaClient {
  public:
    static constexpr unsigned kIrq = 54;
    static constexpr unsigned kChipSelects = 4;

    constexpr Spi(DmaChannel& rx_dma, DmaChannel& tx_dma) : rx_dma_(rx_dma), tx_dma_(tx_dma) {}

    void set_client(hil::SpiMasterClient* client) override { client_ = client; }
    hil::Status init() override;
    bool is_busy() const override { return busy_; }
    hil::Status read_write_bytes(const std::uint8_t* write, std::uint8_t* read,
                                 std::size_t length) override;
    std::uint32_t set_rate(std::uint32_t hz) override;
    std::uint32_t get_rate() const override;
    void set_polarity(hil::ClockPolarity polarity) override;
    hil::ClockPolarity get_polarity() const override;
    void set_phase(hil::ClockPhase phase) override;
    hil::ClockPhase get_phase() const override;
    hil::Status specify_chip_select(std::uint8_t cs) override;

  private:
    void transfer_done(DmaPeripheral peripheral) override;
    void finish();
    std::uintptr_t csr() const;

    DmaChannel& rx_dma_;
    DmaChannel& tx_dma_;
    hil::SpiMasterClient* client_ = nullptr;
    const std::uint8_t* write_ = nullptr;
    std::uint8_t* read_ = nullptr;
    std::size_t length_ = 0;
    bool busy_ = false;
    bool rx_pending_ = false;
    bool tx_pending_ = false;
    std::uint8_t chip_select_ = 0;
};

}  // namespace sam4l
