// `tockemu run FILE_OR_DIR...`: runs scenarios (docs/scenario-format.md), one verdict line each,
// a readable diff per failed expectation, JUnit/JSON reports, parallel and sharded runs.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "emu/cli/command.hpp"
#include "emu/explain/session.hpp"
#include "emu/gdb/cli_options.hpp"
#include "emu/scenario/report.hpp"
#include "emu/scenario/runner.hpp"

namespace tockemu::cli {

namespace {
namespace po = boost::program_options;
namespace fs = std::filesystem;
using scenario::ScenarioResult;

struct Shard {
    unsigned k = 1, n = 1;
};

std::optional<Shard> parse_shard(const std::string& s) {
    unsigned k = 0, n = 0;
    char slash = 0;
    if (std::sscanf(s.c_str(), "%u%c%u", &k, &slash, &n) != 3 || slash != '/' || n == 0 || k == 0 ||
        k > n)
        return std::nullopt;
    return Shard{k, n};
}

// Scenario files named on the command line, directories searched recursively for *.yaml/*.yml;
// sorted so that shards and output order are the same on every machine.
std::vector<fs::path> collect(const std::vector<std::string>& inputs, std::string& error) {
    std::vector<fs::path> files;
    for (const auto& in : inputs) {
        const fs::path p(in);
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            for (const auto& e : fs::recursive_directory_iterator(p, ec))
                if (e.is_regular_file() &&
                    (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
                    files.push_back(e.path());
        } else if (fs::is_regular_file(p, ec)) {
            files.push_back(p);
        } else {
            error = fmt::format("{}: no such scenario file or directory", in);
            return {};
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return files;
}

fs::path trace_path(const std::string& base, const fs::path& file, std::size_t count) {
    if (base.empty()) return {};
    if (count == 1) return base;
    const fs::path b(base);
    return b.parent_path() / fmt::format("{}-{}.jsonl", b.stem().string(), file.stem().string());
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

int run(const std::vector<std::string>& args) {
    std::vector<std::string> inputs;
    std::string junit, json, shard_text, trace, firmware = TOCKEMU_FIRMWARE_DIR;
    unsigned jobs = 1;
    std::uint64_t seed = 0;
    po::options_description opts(
        "usage: tockemu run FILE_OR_DIR... [--junit F] [--json F] [-j N] [--shard K/N]\n"
        "                   [--seed S] [--trace F] [--summary] [--console] [--explain]\n"
        "                   [--firmware DIR] [--gdb PORT | -s] [-S]\n\n"
        "Runs scenario files (directories: every *.yaml inside, recursively). Prints one verdict\n"
        "line per scenario and, for each failed expectation, what was expected and what\n"
        "happened. Exit status 0 when all pass, 1 when any fails or cannot run, 2 on bad usage.\n"
        "Format: docs/scenario-format.md.\n\noptions");
    opts.add_options()("help,h", "this help")(
        "junit", po::value(&junit), "write a JUnit XML report (one testsuite per scenario)")(
        "json", po::value(&json), "write a JSON report")(
        "jobs,j", po::value(&jobs), "run N scenarios in parallel, each on its own machine")(
        "shard", po::value(&shard_text), "run only shard K of N (1-based) of the sorted list")(
        "seed", po::value(&seed), "seed for scenarios that set none (TRNG sequence; default 0)")(
        "trace", po::value(&trace),
        "write the JSON-lines event trace (several scenarios: F-<name>.jsonl) and print the "
        "per-process summary")("summary", "print the per-process summary of every scenario")(
        "firmware", po::value(&firmware), "firmware build directory (kernel/, apps/)")(
        "explain", "narrate what matters for isolation, one line per event (docs/lab/)")(
        "console", "print each scenario's console output before its verdict");
    gdb::GdbCliOptions gdb_options;
    gdb::add_gdb_options(opts, gdb_options);
    po::options_description hidden;
    hidden.add_options()("input", po::value(&inputs)->composing());
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    pos.add("input", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        fmt::print(stderr, "tockemu run: {}\n", e.what());
        std::cerr << opts << "\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts << "\n";
        return 0;
    }
    if (inputs.empty()) {
        fmt::print(stderr, "tockemu run: name at least one scenario file or directory\n");
        return 2;
    }
    Shard shard;
    if (!shard_text.empty()) {
        auto s = parse_shard(shard_text);
        if (!s) {
            fmt::print(stderr, "tockemu run: --shard wants K/N with 1 <= K <= N, got '{}'\n",
                       shard_text);
            return 2;
        }
        shard = *s;
    }
    if (jobs == 0) jobs = 1;
    std::string error;
    std::vector<fs::path> files = collect(inputs, error);
    if (!error.empty()) {
        fmt::print(stderr, "tockemu run: {}\n", error);
        return 2;
    }
    if (gdb_options.enabled() && files.size() != 1) {
        fmt::print(stderr, "tockemu run: --gdb debugs exactly one scenario, got {}\n",
                   files.size());
        return 2;
    }
    std::vector<fs::path> mine;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (i % shard.n == shard.k - 1) mine.push_back(files[i]);
    if (mine.empty()) {
        fmt::print(stderr, "tockemu run: no scenarios to run{}\n",
                   shard.n > 1 ? fmt::format(" in shard {}/{}", shard.k, shard.n) : "");
        return files.empty() ? 1 : 0;
    }

    const bool summary = vm.count("summary") || !trace.empty();
    const bool progress = isatty(STDERR_FILENO) && mine.size() > 1;
    std::vector<ScenarioResult> results(mine.size());
    std::vector<bool> done(mine.size(), false);
    std::vector<std::string> explained(mine.size());  // --explain logs, printed with verdicts
    std::atomic<std::size_t> next{0};
    std::mutex mu;
    std::size_t printed = 0, finished = 0;

    // Verdicts are printed in file order as soon as every earlier scenario is done.
    auto worker = [&] {
        for (std::size_t i = next++; i < mine.size(); i = next++) {
            scenario::RunOptions o;
            o.firmware_dir = firmware;
            if (vm.count("seed")) o.seed = seed;
            o.trace_file = trace_path(trace, mine[i], mine.size());
            explain::DeferredExplain ex;
            if (vm.count("explain")) {
                o.attach = ex.attacher();
                o.finished = ex.finisher();
            }
            if (gdb_options.enabled())
                o.run = [&](Machine& m, Picos budget) {
                    return gdb::run_with_gdb(m, gdb_options, budget);
                };
            ScenarioResult r = scenario::run_scenario_file(mine[i], o);
            if (vm.count("explain")) explained[i] = ex.text(r.virtual_time);
            std::lock_guard lock(mu);
            results[i] = std::move(r);
            done[i] = true;
            ++finished;
            if (progress) fmt::print(stderr, "\r\033[K");
            while (printed < mine.size() && done[printed]) {
                const ScenarioResult& p = results[printed++];
                fmt::print("{}", explained[printed - 1]);
                if (vm.count("console") && !p.console.empty())
                    fmt::print("{}{}", p.console, p.console.back() == '\n' ? "" : "\n");
                fmt::print("{}", scenario::format_verdict(p));
                if (summary && p.verdict != ScenarioResult::Verdict::Error)
                    fmt::print("  trace hash {}\n{}", p.trace_hash, p.process_summary);
            }
            std::fflush(stdout);
            if (progress && finished < mine.size())
                fmt::print(stderr, "[{}/{}] running...", finished, mine.size());
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::min<std::size_t>(jobs, mine.size()); ++t)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();

    std::size_t pass = 0, fail = 0, errors = 0;
    for (const auto& r : results) {
        pass += r.verdict == ScenarioResult::Verdict::Pass;
        fail += r.verdict == ScenarioResult::Verdict::Fail;
        errors += r.verdict == ScenarioResult::Verdict::Error;
    }
    fmt::print("{} scenarios: {} passed, {} failed, {} could not run\n", results.size(), pass, fail,
               errors);
    if (!junit.empty() && !write_file(junit, scenario::junit_report(results))) {
        fmt::print(stderr, "tockemu run: cannot write {}\n", junit);
        return 1;
    }
    if (!json.empty() && !write_file(json, scenario::json_report(results))) {
        fmt::print(stderr, "tockemu run: cannot write {}\n", json);
        return 1;
    }
    return fail + errors == 0 ? 0 : 1;
}
}  // namespace

TOCKEMU_COMMAND("run", "run scenario files (YAML) and report a verdict for each", run);

}  // namespace tockemu::cli
