// The analog replay firmware (tests/firmware/periph_analog) on the whole machine: upstream
// crccu.rs, adc.rs, dac.rs and wdt.rs register sequences against the ADCIFE, DACC, CRCCU and
// WDT models. Each image checks what it can itself and exits with its failure count; the host
// sets the analog inputs and checks values the image prints.
#include <gtest/gtest.h>

#include <string>

#include "emu/board/hail_board.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu {
namespace {

class AnalogFirmware : public ::testing::Test {
  protected:
    Machine machine;
    std::string semihosting;
    Picos last_print = 0;  // virtual time of the latest semihosting output

    void load(const std::string& name) {
        machine.load_elf(std::string(TOCKEMU_FIRMWARE_DIR) + "/tests/firmware/" + name + ".elf");
        machine.reset();
        machine.events().subscribe([this](const Event& e) {
            if (auto* s = std::get_if<SemihostingEvent>(&e.payload)) {
                semihosting += s->text;
                last_print = e.time;
            }
        });
    }
    bool printed(const std::string& line) const {
        return semihosting.find(line) != std::string::npos;
    }
};

// crccu.rs: CRC-32, CRC-32C and CCITT16 through the descriptor DMA, one interrupt each.
TEST_F(AnalogFirmware, CrcSyscallPathGivesTheStandardCheckValues) {
    load("an_crc");
    const RunResult r = machine.run_until(picos_from_ms(200));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_TRUE(printed("crc32=0xcbf43926")) << semihosting;
    EXPECT_TRUE(printed("crc32c=0xe3069283")) << semihosting;
    EXPECT_TRUE(printed("ccitt16=0x00001541")) << semihosting;
}

// adc.rs config_and_enable + sample + sample_continuous, dac.rs initialize + set_value, and the
// ADC reading the DAC output. Host levels: AD1 = 1234 mV, AD2 = 2500 mV (gain 0.5 over VCC/2:
// code = mV * 4096 / 3300, left-adjusted by 4).
TEST_F(AnalogFirmware, AdcSamplesHostLevelsAndTheDacOutput) {
    load("an_adc_dac");
    machine.board().set_adc_input(1, 1234);
    machine.board().set_adc_input(2, 2500);
    const RunResult r = machine.run_until(picos_from_ms(3000));
    ASSERT_EQ(r.reason, StopReason::SemihostingExit) << r.message << semihosting;
    EXPECT_EQ(r.exit_code, 0) << semihosting;
    EXPECT_TRUE(printed("ad1=0x00005fb0")) << semihosting;          // 1531 << 4
    EXPECT_TRUE(printed("ad2=0x0000c1f0")) << semihosting;          // 3103 << 4
    EXPECT_TRUE(printed("ad2_by_pdca=0x0000c1f0")) << semihosting;  // PID 11 reads LCV
    EXPECT_TRUE(printed("dac_by_adc=0x00008000")) << semihosting;   // 512/1024 of 3.3 V
    EXPECT_EQ(machine.board().dac_output(), 1650u);
}

// wdt.rs start/tickle/stop keeps the system alive; a start without tickles asks for a reset
// 2^11 RCSYS cycles (17.78 ms) after the enable (the "waiting" line comes right after it).
TEST_F(AnalogFirmware, WatchdogResetsOnlyWhenNotTickled) {
    load("an_wdt");
    Picos reset_at = 0;
    machine.board().on_system_reset_request = [&] {
        reset_at = machine.clock().now();
        machine.request_stop();
    };
    RunResult r = machine.run_until(picos_from_ms(2000));
    ASSERT_TRUE(printed("survived\nwaiting\n")) << r.message << semihosting;
    EXPECT_EQ(machine.board().watchdog_resets(), 1u);
    ASSERT_NE(reset_at, 0u);
    const Picos after_enable = reset_at - last_print;
    EXPECT_GT(after_enable, picos_from_us(17'700));
    EXPECT_LE(after_enable, picos_for_ticks(2048, 115'200));
}

TEST(AnalogBoard, HostApiRejectsBadChannelsAndLines) {
    Machine machine;
    EXPECT_THROW(machine.board().set_adc_input(16, 100), std::out_of_range);
    EXPECT_THROW(machine.board().set_external_interrupt(9, true), std::out_of_range);
    EXPECT_EQ(machine.board().dac_output(), 0u);
    EXPECT_NE(machine.board().device("CRCCU"), nullptr);
}

}  // namespace
}  // namespace tockemu
