// The `set_sensor` timeline action (docs/scenario-format.md): parsed with units and ranges checked,
// described in reports, and carried out on the machine's I2C sensors at its virtual time.
#include <gtest/gtest.h>

#include "emu/scenario/report.hpp"
#include "emu/scenario/runner.hpp"
#include "emu/scenario/scenario.hpp"

using namespace tockemu;
using namespace tockemu::scenario;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_scenario_text(text, "s.yaml");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

std::string with_action(const std::string& action) {
    return "apps: [hello]\nbudget: 2s\ntimeline:\n  - at: 1s\n    " + action + "\n";
}

TEST(SetSensorAction, ParsesEverySensorWithItsUnits) {
    const Scenario s =
        parse_scenario_text(with_action("set_sensor: {temperature: 23.5, humidity: 40, light: 300, "
                                        "accel: [0, -12.5, 1000], magnetic: [20, -5, -40]}"),
                            "s.yaml");
    ASSERT_EQ(s.timeline.size(), 1u);
    const Action& a = s.timeline[0];
    EXPECT_EQ(a.kind, Action::Kind::SetSensor);
    EXPECT_EQ(a.at, picos_from_ms(1000));
    EXPECT_EQ(a.sensors.temperature, 23.5);
    EXPECT_EQ(a.sensors.humidity, 40.0);
    EXPECT_EQ(a.sensors.light, 300.0);
    EXPECT_EQ(a.sensors.accel, (std::array<double, 3>{0, -12.5, 1000}));
    EXPECT_EQ(a.sensors.magnetic, (std::array<double, 3>{20, -5, -40}));
    EXPECT_EQ(a.describe(),
              "at 1000.000 ms: set sensors temperature=23.5 C, humidity=40 %RH, light=300 lux, "
              "accel=(0, -12.5, 1000) mg, magnetic=(20, -5, -40) uT");
}

TEST(SetSensorAction, UnsetSensorsAreLeftAlone) {
    const Scenario s = parse_scenario_text(with_action("set_sensor: {light: 12}"), "s.yaml");
    EXPECT_FALSE(s.timeline[0].sensors.temperature);
    EXPECT_FALSE(s.timeline[0].sensors.accel);
}

TEST(SetSensorAction, MistakesAreReportedWithTheirPosition) {
    EXPECT_EQ(error_of(with_action("set_sensor: {pressure: 1013}")).rfind("s.yaml:5:", 0), 0u);
    EXPECT_NE(error_of(with_action("set_sensor: {pressure: 1013}")).find("unknown key 'pressure'"),
              std::string::npos);
    EXPECT_NE(error_of(with_action("set_sensor: {humidity: 140}")).find("between 0 and 100"),
              std::string::npos);
    EXPECT_NE(error_of(with_action("set_sensor: {light: -1}")).find("cannot be negative"),
              std::string::npos);
    EXPECT_NE(error_of(with_action("set_sensor: {accel: [0, 1]}")).find("expected [x, y, z]"),
              std::string::npos);
    EXPECT_NE(error_of(with_action("set_sensor: {temperature: warm}")).find("expected a number"),
              std::string::npos);
    EXPECT_NE(error_of(with_action("set_sensor: {}")).find("needs at least one"),
              std::string::npos);
    EXPECT_NE(error_of(with_action("set_sensor: 21")).find("expected a mapping"),
              std::string::npos);
}

TEST(SetSensorAction, RunsOnTheMachineWithoutActionErrors) {
    RunOptions o;
    o.firmware_dir = TOCKEMU_FIRMWARE_DIR;
    const Scenario s = parse_scenario_text(R"(apps: [hello]
budget: 200ms
timeline:
  - at: 50ms
    set_sensor: {temperature: 30, humidity: 20, light: 800, accel: [0, 1000, 0]}
expect:
  - console_contains: "Hello World!"
)",
                                           "s.yaml");
    const ScenarioResult r = run_scenario(s, o);
    ASSERT_EQ(r.verdict, ScenarioResult::Verdict::Pass) << format_verdict(r) << r.error;
}

}  // namespace
