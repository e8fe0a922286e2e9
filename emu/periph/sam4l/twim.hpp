#pragma once
// SAM4L TWIM, the two-wire (I2C) master, instances TWIM0..3. Datasheet §27 "TWIM"; register facts
// sam4l.md §15.5 (ASF component_twim.h); executable specs: tock/tock chips/sam4l/src/i2c.rs
// (commands in CMDR/NCMDR, data by PDCA, interrupts on CCOMP/ANAK/DNAK) and ASF sam/drivers/twim.
//
// Modelled:
//  - CR: MEN/MDIS (no new transfer phase starts while disabled; the byte in flight completes),
//    SWRST (only while the master is enabled, as Tock and ASF do MEN, SWRST, MDIS: all registers
//    and the transfer state back to reset), STOP (after the byte in flight, a STOP condition ends
//    the transfer; CMDR/NCMDR lose VALID; SR.STOP when done).
//  - Commands: CMDR is the command being executed, NCMDR the next one. Writing NCMDR while CMDR is
//    not VALID moves it to CMDR at once. A command runs while MENB = 1 and no ANAK/DNAK/ARBLST is
//    pending: START (or repeated START) + address byte when CMDR.START or when the bus is not held,
//    then NBYTES data bytes, then a STOP condition if CMDR.STOP. On completion SR.CCOMP is set and
//    NCMDR moves to CMDR (VALID cleared in NCMDR), or CMDR.VALID is cleared. Without STOP the bus
//    stays held for the next command (repeated START, or a continued data phase without START).
//  - Data: THR -> shifter (TXRDY returns to 1 as soon as the shifter took the byte, so the PDCA
//    refills THR while the byte is on the wire); a write command whose THR is empty stretches the
//    clock until THR is written. Read bytes land in RHR (RXRDY); the next byte is not clocked in
//    until RHR has been read (clock stretching). The last byte of a read is NAKed by the master
//    unless CMDR.ACKLAST.
//  - NAKs: no device at the address (or the device refuses it) -> SR.ANAK; a refused data byte ->
//    SR.DNAK. Either way the master sends STOP and halts with CMDR still VALID; clearing the flag
//    in SCR re-sends CMDR (hence Tock/ASF clear CMDR.VALID in the handler).
//  - Timing in virtual time from CWGR and CLK_TWIM (the PBA clock): a prescaled cycle is
//    2^(EXP+1) PBA cycles; a bit takes LOW + HIGH cycles, a byte 9 bits (8 + acknowledge); a START
//    (or repeated START) and a STOP each take STASTO cycles. DATA (setup inside LOW) adds nothing.
//    Zero LOW+HIGH or STASTO are guest errors and are timed as 1 cycle each.
//  - SR: RXRDY = RHR full; TXRDY = THR empty and the current command is not a read (SR resets to
//    0x2); MENB; CRDY (NCMDR free), IDLE (no command in progress or pending) and BUSFREE (the bus
//    is not held) are reported only while the master is enabled, matching the reset value 0x2.
//    CCOMP/ANAK/DNAK/STOP are sticky until written 1 in SCR. IER/IDR/IMR; the IRQ line is
//    (SR & IMR) != 0. PDCA requests: RX = RXRDY (PID 5 + n), TX = TXRDY (PID 23 + n).
//  - PM clock gating: while the TWIM's PBA mask bit is 0 the phase in flight stands still and
//    resumes with its remaining time (the board keeps guest accesses away meanwhile).
// Not modelled: 10-bit addressing (TENBIT: logged, every address NAKs), high-speed mode (HS,
// HSMCODE, HSCWGR stored), SMBus (SMEN, SMBTR, PECEN, TOUT, SMBALERT, PECERR never set),
// arbitration (single master: ARBLST never sets), slew-rate registers (stored). PR/VR read 0: the
// ASF header gives no values.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "emu/core/context.hpp"
#include "emu/periph/register_block.hpp"
#include "emu/periph/sam4l/dma_request.hpp"
#include "emu/periph/sam4l/i2c_device.hpp"
#include "emu/periph/sam4l/model_log.hpp"

namespace tockemu::sam4l {

class Twim final : public RegisterBlock {
  public:
    static constexpr unsigned kCount = 4;
    static constexpr std::array<std::uint32_t, kCount> kBase = {0x4001'8000, 0x4001'C000,
                                                                0x4007'8000, 0x4007'C000};
    // TWIM0/1 share their 16 KiB slot with TWIS0/1 at +0x400.
    static constexpr std::array<std::uint32_t, kCount> kSize = {0x400, 0x400, 0x4000, 0x4000};
    static constexpr std::array<unsigned, kCount> kIrq = {61, 63, 77, 78};
    static constexpr unsigned kPidRx0 = 5;   // TWIMn RX = 5 + n
    static constexpr unsigned kPidTx0 = 23;  // TWIMn TX = 23 + n

    static constexpr std::uint32_t CR = 0x00, CWGR = 0x04, SMBTR = 0x08, CMDR = 0x0C, NCMDR = 0x10,
                                   RHR = 0x14, THR = 0x18, SR = 0x1C, IER = 0x20, IDR = 0x24,
                                   IMR = 0x28, SCR = 0x2C, PR = 0x30, VR = 0x34, HSCWGR = 0x38,
                                   SRR = 0x3C, HSSRR = 0x40;
    static constexpr std::uint32_t CR_MEN = 1u << 0, CR_MDIS = 1u << 1, CR_SMEN = 1u << 4,
                                   CR_SMDIS = 1u << 5, CR_SWRST = 1u << 7, CR_STOP = 1u << 8;
    static constexpr std::uint32_t CMDR_READ = 1u << 0, CMDR_TENBIT = 1u << 11,
                                   CMDR_REPSAME = 1u << 12, CMDR_START = 1u << 13,
                                   CMDR_STOP = 1u << 14, CMDR_VALID = 1u << 15,
                                   CMDR_PECEN = 1u << 24, CMDR_ACKLAST = 1u << 25,
                                   CMDR_HS = 1u << 26;
    static constexpr std::uint32_t SR_RXRDY = 1u << 0, SR_TXRDY = 1u << 1, SR_CRDY = 1u << 2,
                                   SR_CCOMP = 1u << 3, SR_IDLE = 1u << 4, SR_BUSFREE = 1u << 5,
                                   SR_ANAK = 1u << 8, SR_DNAK = 1u << 9, SR_ARBLST = 1u << 10,
                                   SR_SMBALERT = 1u << 11, SR_TOUT = 1u << 12, SR_PECERR = 1u << 13,
                                   SR_STOP = 1u << 14, SR_MENB = 1u << 16, SR_HSMCACK = 1u << 17;

    // CMDR/NCMDR value for a 7-bit address (the datasheet's field layout).
    static constexpr std::uint32_t command(std::uint8_t address, bool read, unsigned nbytes,
                                           bool start, bool stop) {
        return (read ? CMDR_READ : 0) | (std::uint32_t{address} << 1) | (start ? CMDR_START : 0) |
               (stop ? CMDR_STOP : 0) | CMDR_VALID | ((nbytes & 0xFFu) << 16);
    }

    using ClockHz = std::function<std::uint64_t()>;

    Twim(MachineContext& ctx, unsigned index, ClockHz pba_hz, DmaRequestSink* dma = nullptr);
    ~Twim() override;

    // The device answering 7-bit `address` (replaces any previous one; null detaches).
    void attach(std::uint8_t address, std::unique_ptr<I2cDevice> device);
    I2cDevice* device(std::uint8_t address) const;
    unsigned index() const { return index_; }
    bool irq_level() const { return irq_.level(); }
    // True while the master holds the bus (between its START and its STOP).
    bool bus_held() const { return owned_; }

  protected:
    void on_write(std::size_t index, std::uint32_t value) override;
    std::uint32_t on_read(std::size_t index, std::uint32_t stored, bool side_effects) override;
    void on_reset() override;
    void update_irq() override;
    // CLK_TWIM masked by the PM: the bus phase in flight freezes (its remaining time is kept)
    // and no new phase starts until the clock runs again.
    void on_clock_gate(bool running) override;

  private:
    enum class StopKind : std::uint8_t { EndOfCommand, AfterNak, Requested };

    std::uint32_t status() const;
    void control(std::uint32_t cr);
    void write_ncmdr();
    void advance();
    bool load_command();
    Picos cycles(std::uint64_t n) const;
    Picos bit_time() const;
    Picos stasto_time() const;
    void schedule(Picos delay, void (Twim::*step)(), const char* what);
    void begin_address();
    void address_done();
    void begin_write_byte();
    void write_done();
    void begin_read_byte();
    void read_done();
    void begin_stop(StopKind kind);
    void stop_done();
    void nak(std::uint32_t flag);
    void complete_command();
    void release_device();

    MachineContext& ctx_;
    unsigned index_;
    mutable OnceLog log_;  // timing helpers are const and report bad CWGR values
    ClockHz pba_hz_;
    IrqLine irq_;
    DmaRequestLine dma_rx_, dma_tx_;
    std::array<std::unique_ptr<I2cDevice>, 128> devices_;

    bool enabled_ = false;
    bool busy_ = false;   // a bus phase is in flight (event_ pending)
    bool owned_ = false;  // we hold the bus: START sent, STOP not yet
    bool stop_requested_ = false;
    StopKind stop_kind_ = StopKind::EndOfCommand;
    // The command being executed (latched from CMDR when it starts).
    bool active_ = false;
    bool need_address_ = false;
    bool read_ = false;
    bool stop_after_ = false;
    bool acklast_ = false;
    unsigned remaining_ = 0;
    I2cDevice* addressed_ = nullptr;  // device that acknowledged the current address
    std::uint8_t address_ = 0;
    std::uint8_t thr_ = 0, shifter_ = 0, rhr_ = 0;
    bool thr_full_ = false, rhr_full_ = false;
    std::uint32_t sticky_ = 0;  // CCOMP, ANAK, DNAK, STOP
    Clock::EventId event_ = 0;
    Picos event_due_ = 0;                   // when the phase in flight ends
    void (Twim::*event_step_)() = nullptr;  // what it does then
    Picos frozen_left_ = 0;                 // remaining time of a phase frozen by the clock mask
    bool frozen_ = false;
};

}  // namespace tockemu::sam4l
