// The memory-map picture: the SVG is parsed back and its band and MPU sub-region boundaries are
// checked against what the Tock view and the tracker know about the process; the text version
// and `tockemu map` end to end.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "tests/explain/lab_harness.hpp"

namespace tockemu::explain {
namespace {

using testing::run_lab;

struct SvgRect {
    std::map<std::string, std::string> attr;
    std::uint64_t num(const std::string& key) const {
        auto it = attr.find(key);
        return it == attr.end() ? ~0ull : std::stoull(it->second, nullptr, 0);
    }
    const std::string& operator[](const std::string& key) const {
        static const std::string none;
        auto it = attr.find(key);
        return it == attr.end() ? none : it->second;
    }
};

// Every <rect .../> or <rect ...> element with its attributes.
std::vector<SvgRect> parse_rects(const std::string& svg) {
    std::vector<SvgRect> out;
    static const std::regex element(R"(<rect\s([^>]*)>)");
    static const std::regex attribute(R"re(([a-zA-Z][\w-]*)="([^"]*)")re");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element);
         it != std::sregex_iterator(); ++it) {
        SvgRect r;
        const std::string body = (*it)[1];
        for (auto a = std::sregex_iterator(body.begin(), body.end(), attribute);
             a != std::sregex_iterator(); ++a)
            r.attr[(*a)[1]] = (*a)[2];
        out.push_back(std::move(r));
    }
    return out;
}

// Lab 1 with a map of hello's memory at each switch to hello; the last one is used.
struct HelloMap {
    testing::LabRun run;
    std::vector<MemoryMap> maps;
    int hello = -1;
};

HelloMap hello_map() {
    HelloMap h;
    h.run = run_lab("01-hello-memory-map.yaml", ExplainOptions{false, false},
                    [&h](Machine&, ExplainSession& s) {
                        s.add_listener([&h, &s](const tock::TockEvent& e) {
                            const auto* sw = std::get_if<tock::ContextSwitch>(&e.payload);
                            const tock::Process* p = s.view().find("hello");
                            if (sw && p && sw->to == p->index) h.maps.push_back(s.map(sw->to));
                        });
                    });
    if (const tock::Process* p = h.run.session->view().find("hello")) h.hello = p->index;
    return h;
}

TEST(MemoryMapSvg, BandAndMpuBoundariesMatchTheProcess) {
    const HelloMap h = hello_map();
    ASSERT_EQ(h.run.result.verdict, scenario::ScenarioResult::Verdict::Pass) << h.run.result.error;
    ASSERT_GE(h.hello, 0);
    ASSERT_FALSE(h.maps.empty());
    const MemoryMap& map = h.maps.back();
    const std::string svg = render_svg(map);
    ASSERT_EQ(svg.rfind("<svg", 0), 0u);
    ASSERT_NE(svg.find("</svg>"), std::string::npos);

    const tock::Process& proc = *h.run.session->view().process(h.hello);
    const ProcessMemory& mem = *h.run.session->tracker().memory(h.hello);
    ASSERT_TRUE(mem.known());
    const auto rects = parse_rects(svg);

    // RAM bands tile 0x20000000-0x20010000 without gaps or overlaps.
    std::uint64_t at = 0x20000000;
    std::map<std::string, const SvgRect*> hello_bands;
    std::uint64_t free_start = ~0ull;
    for (const auto& r : rects) {
        if (r["class"] != "band" || r["data-column"] != "ram") continue;
        EXPECT_EQ(r.num("data-start"), at) << "RAM bands must be contiguous";
        at = r.num("data-end");
        if (r.num("data-start") < mem.block_start || r.num("data-end") > mem.block_end) continue;
        hello_bands[r["data-kind"]] = &r;
        if (r["data-kind"] == "free") free_start = std::min(free_start, r.num("data-start"));
    }
    EXPECT_EQ(at, 0x20010000u);

    // hello's block: stack from the block start to the crt0's stack top, then .got/.data/.bss up
    // to the heap start, the heap (empty until malloc) up to the app break where the free space
    // starts, the grant region from the kernel break to the end of the block.
    ASSERT_TRUE(hello_bands.count("stack") && hello_bands.count("data") &&
                hello_bands.count("grants"));
    EXPECT_EQ(hello_bands["stack"]->num("data-start"), proc.memory_start);
    EXPECT_EQ(hello_bands["stack"]->num("data-end"), mem.stack_top);
    EXPECT_EQ(hello_bands["data"]->num("data-start"), mem.stack_top);
    EXPECT_EQ(hello_bands["data"]->num("data-end"), mem.heap_start);
    if (hello_bands.count("heap")) {
        EXPECT_EQ(hello_bands["heap"]->num("data-end"), mem.app_break);
    }
    EXPECT_EQ(free_start, mem.app_break);
    EXPECT_EQ(hello_bands["grants"]->num("data-start"), mem.kernel_break);
    EXPECT_EQ(hello_bands["grants"]->num("data-end"), proc.memory_start + proc.memory_len);
    EXPECT_LT(mem.kernel_break, mem.block_end) << "the console grant was allocated";

    // Flash: hello's TBF band is exactly its flash object.
    bool found_flash = false;
    for (const auto& r : rects)
        if (r["class"] == "band" && r["data-kind"] == "app_flash" &&
            r.num("data-start") == proc.image.flash_start) {
            found_flash = true;
            EXPECT_EQ(r.num("data-end"), proc.image.flash_end());
        }
    EXPECT_TRUE(found_flash);

    // MPU: enabled RAM sub-regions start at the block and cover the app break; the first
    // disabled one starts at or above the break; nothing enabled outside the block or in the
    // grant region. The flash region is the TBF.
    std::uint64_t enabled_end = 0, first_disabled = ~0ull, enabled_start = ~0ull;
    bool flash_region = false;
    for (const auto& r : rects) {
        if (r["class"] != "mpu") continue;
        if (r["data-column"] == "flash") {
            flash_region |= r.num("data-start") >= proc.image.flash_start &&
                            r.num("data-end") <= proc.image.flash_end();
            continue;
        }
        if (r["data-enabled"] == "1") {
            enabled_start = std::min(enabled_start, r.num("data-start"));
            enabled_end = std::max(enabled_end, r.num("data-end"));
            EXPECT_GE(r.num("data-start"), mem.block_start);
            EXPECT_LE(r.num("data-end"), mem.kernel_break);
        } else {
            first_disabled = std::min(first_disabled, r.num("data-start"));
        }
    }
    EXPECT_EQ(enabled_start, mem.block_start);
    EXPECT_GE(enabled_end, mem.app_break);
    EXPECT_GE(first_disabled, mem.app_break);
    EXPECT_TRUE(flash_region);

    // The app break marker.
    EXPECT_NE(svg.find(fmt::format("data-address=\"0x{:08x}\"", mem.app_break)), std::string::npos);
}

namespace fs = std::filesystem;

// tests/explain/golden/<name>; TOCKEMU_UPDATE_GOLDEN=1 rewrites it (review the diff).
void expect_golden_file(const std::string& name, const std::string& actual) {
    const fs::path file = fs::path(TOCKEMU_SOURCE_DIR) / "tests" / "explain" / "golden" / name;
    if (std::getenv("TOCKEMU_UPDATE_GOLDEN")) {
        std::ofstream(file, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << file;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " missing; run with TOCKEMU_UPDATE_GOLDEN=1";
    EXPECT_TRUE(testing::read_text(file) == actual) << file << " differs; the new version is:\n"
                                                    << actual.substr(0, 4000);
}

// Maps of `process` at every switch to it.
std::vector<MemoryMap> maps_at_switches(const std::string& lab, const std::string& process) {
    std::vector<MemoryMap> maps;
    run_lab(lab, ExplainOptions{false, false}, [&](Machine&, ExplainSession& s) {
        s.add_listener([&maps, &s, process](const tock::TockEvent& e) {
            const auto* sw = std::get_if<tock::ContextSwitch>(&e.payload);
            const tock::Process* p = s.view().find(process);
            if (sw && p && sw->to == p->index) maps.push_back(s.map(sw->to));
        });
    });
    return maps;
}

TEST(MemoryMapGolden, Lab01HelloPictureAndTable) {
    const auto maps = maps_at_switches("01-hello-memory-map.yaml", "hello");
    ASSERT_GE(maps.size(), 2u);
    expect_golden_file("lab01_map.svg", render_svg(maps.back()));
    expect_golden_file("lab01_map.txt", render_text(maps.back(), false));
}

TEST(MemoryMapGolden, Lab02ExecRamTableBeforeItsFault) {
    const auto maps = maps_at_switches("02-mpu-at-work.yaml", "fault_exec_ram");
    ASSERT_GE(maps.size(), 2u);
    expect_golden_file("lab02_map.txt", render_text(maps[1], false));
}

TEST(MemoryMapSvg, SameRunSamePicture) {
    const HelloMap a = hello_map(), b = hello_map();
    ASSERT_FALSE(a.maps.empty());
    ASSERT_EQ(a.maps.size(), b.maps.size());
    EXPECT_EQ(render_svg(a.maps.back()), render_svg(b.maps.back()));
    EXPECT_EQ(render_text(a.maps.back(), true), render_text(b.maps.back(), true));
}

TEST(MemoryMapText, ListsBandsWithUnprivilegedAccess) {
    const HelloMap h = hello_map();
    ASSERT_FALSE(h.maps.empty());
    const std::string text = render_text(h.maps.back(), false);
    const ProcessMemory& mem = *h.run.session->tracker().memory(h.hello);
    // hello's stack is readable and writable, not executable; its grants are not accessible;
    // its flash is readable and executable; the kernel is out of reach.
    EXPECT_NE(text.find(fmt::format("0x{:08x}-0x{:08x}", mem.block_start, mem.stack_top - 1)),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("RW-      hello: stack"), std::string::npos) << text;
    EXPECT_NE(text.find("---      hello: grants (kernel-owned)"), std::string::npos) << text;
    EXPECT_NE(text.find("R-X      hello (TBF)"), std::string::npos) << text;
    EXPECT_NE(text.find("---      kernel .data/.bss"), std::string::npos) << text;
    EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour unless asked";
    EXPECT_NE(render_text(h.maps.back(), true).find("\033[33m"), std::string::npos);
}

TEST(MemoryMapAccess, FollowsTheMpuRules) {
    // One 1 KiB region at 0x20001000, AP=011 (RW/RW), XN, sub-regions 6 and 7 disabled.
    MpuConfigEvent c{};
    c.ctrl = Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena;
    c.rbar[0] = 0x20001000;
    c.rasr[0] = 1u | (9u << 1) | (0xC0u << 8) | (3u << 24) | (1u << 28);
    EXPECT_EQ(unprivileged_access(c, 0x20001000), "RW-");
    EXPECT_EQ(unprivileged_access(c, 0x200012ff), "RW-");
    EXPECT_EQ(unprivileged_access(c, 0x20001300), "---");  // sub-region 6
    EXPECT_EQ(unprivileged_access(c, 0x20000ffc), "---");  // below: no background for unpriv
    const MpuDecision d = decide_unprivileged(c, 0x20001000, AccessKind::Execute);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.region, 0);
}

TEST(MapCommand, WritesTextAndSvgForALab) {
    const std::string tockemu = std::string(TOCKEMU_BINARY_DIR) + "/emu/tockemu";
    const std::string lab = (testing::lab_dir() / "01-hello-memory-map.yaml").string();
    const std::string out = ::testing::TempDir() + "/map_command_test";
    const std::string cmd = fmt::format(
        "{} map --scenario {} --firmware {} --at 200ms --format text -o {}.txt && {} map "
        "--scenario {} --firmware {} --each-switch --max 3 -o {}.svg > /dev/null",
        tockemu, lab, TOCKEMU_FIRMWARE_DIR, out, tockemu, lab, TOCKEMU_FIRMWARE_DIR, out);
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const std::string text = testing::read_text(out + ".txt");
    EXPECT_NE(text.find("memory map at 200.000000 ms"), std::string::npos) << text;
    EXPECT_NE(text.find("hello: stack"), std::string::npos) << text;
    for (int i = 1; i <= 3; ++i) {
        const std::string svg = testing::read_text(fmt::format("{}-{:03}.svg", out, i));
        EXPECT_NE(svg.find("</svg>"), std::string::npos) << i;
    }
    EXPECT_FALSE(std::filesystem::exists(out + "-004.svg"));
    // Bad input: a clear message and exit status 2, not a crash.
    EXPECT_EQ(
        WEXITSTATUS(std::system((tockemu + " map --kernel /nonexistent.elf 2>/dev/null").c_str())),
        2);
    EXPECT_EQ(WEXITSTATUS(std::system(
                  (tockemu + " map --scenario " + lab + " --format png 2>/dev/null").c_str())),
              2);
}

}  // namespace
}  // namespace tockemu::explain
