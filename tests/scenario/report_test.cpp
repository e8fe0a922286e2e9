// Verdict text, JUnit XML and JSON reports from constructed results.
#include <gtest/gtest.h>

#include "emu/scenario/report.hpp"

using namespace tockemu;
using namespace tockemu::scenario;

namespace {

ScenarioResult failing() {
    ScenarioResult r;
    r.name = "demo";
    r.file = "s/demo.yaml";
    r.verdict = ScenarioResult::Verdict::Fail;
    r.virtual_time = picos_from_ms(250);
    r.stop = "budget reached";
    r.trace_hash = "fnv1a64:00000000000000aa";
    r.checks.push_back({"console_contains \"ok\"", "s/demo.yaml:5:5", true, "x", ""});
    r.checks.push_back({"kernel_panic false", "s/demo.yaml:6:5", false, "the kernel did not panic",
                        "it panicked at 1.000 ms: <boom> & \"more\""});
    r.console = "Hello\x01\n";
    return r;
}

}  // namespace

TEST(Report, VerdictLineThenOneBlockPerFailedCheck) {
    EXPECT_EQ(format_verdict(failing()),
              "FAIL  demo  (1 of 2 checks passed, 250.000 ms virtual, budget reached)\n"
              "  s/demo.yaml:6:5: kernel_panic false\n"
              "    expected: the kernel did not panic\n"
              "    actual:   it panicked at 1.000 ms: <boom> & \"more\"\n");
    ScenarioResult e;
    e.name = "bad";
    e.error = "bad.yaml:2:1: unknown key 'x' in scenario";
    EXPECT_EQ(format_verdict(e), "ERROR bad  bad.yaml:2:1: unknown key 'x' in scenario\n");
}

TEST(Report, JunitEscapesAndCountsTestsFailuresAndErrors) {
    ScenarioResult e;
    e.name = "bad";
    e.file = "bad.yaml";
    e.error = "cannot <load>";
    const std::string x = junit_report({failing(), e});
    EXPECT_NE(x.find("<testsuites name=\"tockemu\" tests=\"3\" failures=\"1\" errors=\"1\""),
              std::string::npos)
        << x;
    EXPECT_NE(x.find("actual:   it panicked at 1.000 ms: &lt;boom&gt; &amp; &quot;more&quot;"),
              std::string::npos)
        << x;
    EXPECT_NE(x.find("<error message=\"cannot &lt;load&gt;\"/>"), std::string::npos) << x;
    EXPECT_NE(x.find("<system-out>Hello\\x01\n</system-out>"), std::string::npos) << x;
    EXPECT_NE(x.find("<property name=\"trace_hash\" value=\"fnv1a64:00000000000000aa\"/>"),
              std::string::npos);
}

TEST(Report, JsonSummarisesVerdicts) {
    const std::string j = json_report({failing()});
    EXPECT_EQ(
        j.rfind("{\"passed\":0,\"failed\":1,\"errors\":0,\"scenarios\":[\n{\"name\":\"demo\"", 0),
        0u)
        << j;
    EXPECT_NE(j.find("\"actual\":\"it panicked at 1.000 ms: <boom> & \\\"more\\\"\""),
              std::string::npos)
        << j;
}
