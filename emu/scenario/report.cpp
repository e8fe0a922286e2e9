#include "emu/scenario/report.hpp"

#include <fmt/format.h>

#include "emu/trace/json.hpp"

namespace tockemu::scenario {

namespace {

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                // XML 1.0 forbids most control characters even as references.
                if (u < 0x20 && c != '\n' && c != '\t')
                    out += fmt::format("\\x{:02x}", u);
                else
                    out += c;
        }
    }
    return out;
}

std::string_view verdict_word(ScenarioResult::Verdict v) {
    switch (v) {
        case ScenarioResult::Verdict::Pass:
            return "PASS";
        case ScenarioResult::Verdict::Fail:
            return "FAIL";
        case ScenarioResult::Verdict::Error:
            return "ERROR";
    }
    return "?";
}

}  // namespace

std::size_t ScenarioResult::failed() const {
    std::size_t n = 0;
    for (const auto& c : checks) n += c.passed ? 0 : 1;
    return n;
}

std::string format_verdict(const ScenarioResult& r) {
    if (r.verdict == ScenarioResult::Verdict::Error)
        return fmt::format("ERROR {}  {}\n", r.name, r.error);
    std::string s = fmt::format("{:<5} {}  ({} of {} checks passed, {} virtual, {})\n",
                                verdict_word(r.verdict), r.name, r.checks.size() - r.failed(),
                                r.checks.size(), format_duration(r.virtual_time), r.stop);
    for (const auto& n : r.notes) s += fmt::format("  note: {}\n", n);
    for (const auto& c : r.checks) {
        if (c.passed) continue;
        s += fmt::format("  {}: {}\n", c.where, c.name);
        s += fmt::format("    expected: {}\n", c.expected);
        s += fmt::format("    actual:   {}\n", c.actual);
    }
    return s;
}

std::string junit_report(const std::vector<ScenarioResult>& results) {
    std::size_t tests = 0, failures = 0, errors = 0;
    double time = 0;
    for (const auto& r : results) {
        tests += r.verdict == ScenarioResult::Verdict::Error ? 1 : r.checks.size();
        failures += r.failed();
        errors += r.verdict == ScenarioResult::Verdict::Error ? 1 : 0;
        time += r.host_seconds;
    }
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += fmt::format(
        "<testsuites name=\"tockemu\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
        "time=\"{:.3f}\">\n",
        tests, failures, errors, time);
    for (const auto& r : results) {
        const bool error = r.verdict == ScenarioResult::Verdict::Error;
        x += fmt::format(
            "  <testsuite name=\"{}\" file=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
            "time=\"{:.3f}\">\n",
            xml_escape(r.name), xml_escape(r.file.string()), error ? 1 : r.checks.size(),
            r.failed(), error ? 1 : 0, r.host_seconds);
        x += fmt::format(
            "    <properties><property name=\"virtual_time_ms\" value=\"{:.3f}\"/>"
            "<property name=\"trace_hash\" value=\"{}\"/></properties>\n",
            static_cast<double>(r.virtual_time) / 1e9, xml_escape(r.trace_hash));
        if (error) {
            x += fmt::format("    <testcase classname=\"{}\" name=\"load\">\n", xml_escape(r.name));
            x += fmt::format("      <error message=\"{}\"/>\n    </testcase>\n",
                             xml_escape(r.error));
        }
        for (const auto& c : r.checks) {
            x += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\">",
                             xml_escape(r.name), xml_escape(c.name), xml_escape(c.where));
            if (!c.passed)
                x += fmt::format(
                    "\n      <failure message=\"{}\">expected: {}\nactual:   {}"
                    "</failure>\n    ",
                    xml_escape(c.expected), xml_escape(c.expected), xml_escape(c.actual));
            x += "</testcase>\n";
        }
        if (!r.console.empty())
            x += fmt::format("    <system-out>{}</system-out>\n", xml_escape(r.console));
        x += "  </testsuite>\n";
    }
    return x + "</testsuites>\n";
}

std::string json_report(const std::vector<ScenarioResult>& results) {
    using trace::JsonObject;
    std::size_t passed = 0, failed = 0, errors = 0;
    std::string list = "[";
    for (const auto& r : results) {
        passed += r.verdict == ScenarioResult::Verdict::Pass;
        failed += r.verdict == ScenarioResult::Verdict::Fail;
        errors += r.verdict == ScenarioResult::Verdict::Error;
        std::string checks = "[";
        for (const auto& c : r.checks) {
            JsonObject o;
            o.field("name", c.name).field("where", c.where).field("passed", c.passed);
            o.field("expected", c.expected).field("actual", c.actual);
            // Appended piecewise: `"," + str` trips GCC 12's -Wrestrict false positive at -O3.
            if (checks.size() > 1) checks += ',';
            checks += o.str();
        }
        JsonObject o;
        o.field("name", r.name).field("file", r.file.string());
        o.field("verdict", verdict_word(r.verdict));
        if (!r.error.empty()) o.field("error", r.error);
        o.field("virtual_ps", static_cast<std::uint64_t>(r.virtual_time));
        o.field("instructions", r.instructions).field("host_seconds", r.host_seconds);
        o.field("stop", r.stop).field("trace_hash", r.trace_hash);
        o.raw("checks", checks + "]");
        std::string notes = "[";
        for (const auto& n : r.notes) {
            if (notes.size() > 1) notes += ',';
            notes += trace::json_quote(n);
        }
        o.raw("notes", notes + "]");
        list += list.size() > 1 ? ",\n" : "\n";
        list += o.str();
    }
    JsonObject top;
    top.field("passed", static_cast<std::uint64_t>(passed));
    top.field("failed", static_cast<std::uint64_t>(failed));
    top.field("errors", static_cast<std::uint64_t>(errors));
    top.raw("scenarios", list + "\n]");
    return top.str() + "\n";
}

}  // namespace tockemu::scenario
