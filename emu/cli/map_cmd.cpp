// `tockemu map`: the memory map (flash, RAM, each process's stack/data/heap/break/grants, the
// running process's MPU regions) as SVG or as a text/ANSI table, at a virtual time or at every
// context switch. The machine runs either a kernel and apps given here or a scenario file (run
// by the real scenario runner, so fault policies and RAM overrides apply).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "emu/cli/command.hpp"
#include "emu/explain/session.hpp"
#include "emu/machine/duration.hpp"
#include "emu/machine/machine.hpp"
#include "emu/scenario/runner.hpp"

namespace tockemu::cli {

namespace {
namespace po = boost::program_options;
namespace fs = std::filesystem;

enum class Format { Svg, Text, Ansi };

struct MapRequest {
    Format format = Format::Svg;
    std::string output;  // file; "" = stdout (text) / map.svg
    std::string process;
    bool each_switch = false;
    unsigned max_maps = 50;
    Picos at = 0;
};

struct Collector {
    const MapRequest& req;
    std::vector<explain::MemoryMap> maps;
    bool full() const { return maps.size() >= req.max_maps; }
};

int find_process(const explain::ExplainSession& s, const std::string& name) {
    if (name.empty()) return -1;
    const tock::Process* p = s.view().find(name);
    return p ? p->index : -2;
}

// Subscribes the collector to `session` (each switch) or schedules one capture at `req.at`.
void arm(Machine& m, explain::ExplainSession& session, Collector& c) {
    if (c.req.each_switch) {
        session.add_listener([&m, &session, &c](const tock::TockEvent& e) {
            const auto* sw = std::get_if<tock::ContextSwitch>(&e.payload);
            if (!sw || sw->to == tock::kNoProcess || c.full()) return;
            const int want = find_process(session, c.req.process);
            if (want != -1 && want != sw->to) return;
            c.maps.push_back(session.map(sw->to));
            if (c.full()) m.request_stop();
        });
        return;
    }
    m.clock().schedule_at(
        c.req.at,
        [&m, &session, &c] {
            const int want = find_process(session, c.req.process);
            c.maps.push_back(session.map(want >= 0 ? want : -1));
            m.request_stop();
        },
        "tockemu map snapshot");
}

std::string render(const explain::MemoryMap& map, Format f) {
    return f == Format::Svg ? explain::render_svg(map)
                            : explain::render_text(map, f == Format::Ansi);
}

bool write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

int emit(const MapRequest& req, const std::vector<explain::MemoryMap>& maps) {
    if (maps.empty()) {
        fmt::print(stderr, "tockemu map: no map was captured ({})\n",
                   req.each_switch ? "no context switch happened" : "the run ended earlier");
        return 1;
    }
    if (req.format != Format::Svg) {
        std::string text;
        for (const auto& m : maps) text += render(m, req.format) + "\n";
        if (req.output.empty()) {
            std::fwrite(text.data(), 1, text.size(), stdout);
            return 0;
        }
        if (write_text(req.output, text)) return 0;
        fmt::print(stderr, "tockemu map: cannot write {}\n", req.output);
        return 1;
    }
    const fs::path base = req.output.empty() ? fs::path("map.svg") : fs::path(req.output);
    for (std::size_t i = 0; i < maps.size(); ++i) {
        const fs::path p =
            maps.size() == 1
                ? base
                : base.parent_path() / fmt::format("{}-{:03}.svg", base.stem().string(), i + 1);
        if (!write_text(p.string(), render_svg(maps[i]))) {
            fmt::print(stderr, "tockemu map: cannot write {}\n", p.string());
            return 1;
        }
        fmt::print("wrote {}\n", p.string());
    }
    return 0;
}

int map_machine(const std::string& kernel, const std::vector<std::string>& apps, MapRequest& req,
                Picos limit) {
    Machine m;
    try {
        m.load_elf(kernel);
        for (const auto& a : apps) m.load_app(a);
    } catch (const LoadError& e) {
        fmt::print(stderr, "tockemu map: {}\n", e.what());
        return 2;
    }
    explain::ExplainSession session(m, {});
    Collector c{req, {}};
    arm(m, session, c);
    m.reset();
    m.run_until(req.each_switch ? limit : req.at + 1);
    if (!req.process.empty() && find_process(session, req.process) == -2) {
        fmt::print(stderr, "tockemu map: --process {}: no such app in flash\n", req.process);
        return 2;
    }
    return emit(req, c.maps);
}

int map_scenario(const std::string& file, const std::string& firmware, MapRequest& req) {
    Collector c{req, {}};
    std::unique_ptr<explain::ExplainSession> session;
    scenario::RunOptions o;
    o.firmware_dir = firmware;
    o.attach = [&](Machine& m) {
        session = std::make_unique<explain::ExplainSession>(m, explain::ExplainLog::Sink{});
        arm(m, *session, c);
    };
    const auto r = scenario::run_scenario_file(file, o);
    if (session) session->forget_machine();
    if (r.verdict == scenario::ScenarioResult::Verdict::Error) {
        fmt::print(stderr, "tockemu map: {}\n", r.error);
        return 2;
    }
    return emit(req, c.maps);
}

int map(const std::vector<std::string>& args) {
    std::string kernel, scenario_file, at = "100ms", format = "svg", time = "2s";
    std::string firmware = TOCKEMU_FIRMWARE_DIR;
    std::vector<std::string> apps;
    MapRequest req;
    po::options_description opts(
        "usage: tockemu map (--kernel FILE.elf [--app FILE.tbf ...] | --scenario FILE.yaml)\n"
        "                   [--at DURATION | --each-switch [--max N] [--time DURATION]]\n"
        "                   [--process NAME] [--format svg|text|ansi] [-o FILE]\n\n"
        "Draws the memory map: flash (kernel, apps), RAM (kernel; per process stack, data,\n"
        "heap, app break, free space, grant region) and the MPU regions with sub-regions of the\n"
        "running process (or --process). One map at --at (default 100ms), or one per context\n"
        "switch (SVG: FILE-001.svg, FILE-002.svg, ...; text: all in one).\n\noptions");
    opts.add_options()("help,h", "this help")("kernel", po::value(&kernel), "kernel ELF")(
        "app", po::value(&apps)->composing(), "app TBF or TAB (repeatable)")(
        "scenario", po::value(&scenario_file), "run this scenario file instead")(
        "firmware", po::value(&firmware), "firmware build directory for --scenario")(
        "at", po::value(&at), "virtual time of the map (default 100ms)")(
        "each-switch", "one map at every context switch")(
        "max", po::value(&req.max_maps), "at most N maps with --each-switch (default 50)")(
        "time", po::value(&time), "run limit with --each-switch and --kernel (default 2s)")(
        "process", po::value(&req.process), "show this process's MPU regions / its switches")(
        "format", po::value(&format), "svg (default), text or ansi")(
        "output,o", po::value(&req.output), "output file (default map.svg; text: stdout)");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(opts).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        fmt::print(stderr, "tockemu map: {}\n", e.what());
        std::cerr << opts << "\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << opts << "\n";
        return 0;
    }
    if (kernel.empty() == scenario_file.empty()) {
        fmt::print(stderr, "tockemu map: give either --kernel (with --app) or --scenario\n");
        return 2;
    }
    if (format == "svg")
        req.format = Format::Svg;
    else if (format == "text")
        req.format = Format::Text;
    else if (format == "ansi")
        req.format = Format::Ansi;
    else {
        fmt::print(stderr, "tockemu map: --format must be svg, text or ansi, not '{}'\n", format);
        return 2;
    }
    req.each_switch = vm.count("each-switch") > 0;
    if (req.max_maps == 0) req.max_maps = 1;
    Picos limit = 0;
    try {
        req.at = parse_duration(at);
        limit = parse_duration(time);
    } catch (const DurationError& e) {
        fmt::print(stderr, "tockemu map: {}\n", e.what());
        return 2;
    }
    return scenario_file.empty() ? map_machine(kernel, apps, req, limit)
                                 : map_scenario(scenario_file, firmware, req);
}
}  // namespace

TOCKEMU_COMMAND("map", "draw the memory map and MPU regions (SVG or text)", map);

}  // namespace tockemu::cli
