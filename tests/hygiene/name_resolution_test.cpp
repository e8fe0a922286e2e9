// Tests, docs and tools never depend on host-name resolution: a minimal machine (no /etc/hosts)
// cannot resolve the loopback name, and gdb's `target remote :PORT` looks that name up. Every
// text file of the source tree is scanned; this file is skipped (it has to spell the patterns).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSelf = fs::path("tests") / "hygiene" / "name_resolution_test.cpp";

bool is_text_source(const fs::path& p) {
    static const std::array<std::string, 14> exts = {".cpp", ".hpp", ".c",    ".h",   ".md",
                                                     ".sh",  ".py",  ".yaml", ".yml", ".cmake",
                                                     ".txt", ".gdb", ".ld",   ".json"};
    const std::string name = p.filename().string();
    if (name == "run" || name == "CMakeLists.txt" || name == "README") return true;
    return std::find(exts.begin(), exts.end(), p.extension().string()) != exts.end();
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// One finding per offending line: "path:line: text".
std::vector<std::string> scan_file(const fs::path& root, const fs::path& rel) {
    std::vector<std::string> found;
    std::ifstream in(root / rel);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        const std::string l = lower(line);
        // Patterns assembled at run time so that a copy of this check elsewhere can skip them.
        const bool names_host = l.find(std::string("local") + "host") != std::string::npos;
        const bool no_host = l.find("remote :") != std::string::npos;
        if (names_host || no_host)
            found.push_back(rel.string() + ":" + std::to_string(n) + ": " + line);
    }
    return found;
}

std::vector<std::string> scan_tree(const fs::path& root) {
    std::vector<std::string> found;
    std::vector<fs::path> tops = {"README.md", ".ci", "docs", "tests", "tools", "scenarios", "emu"};
    for (const fs::path& top : tops) {
        const fs::path abs = root / top;
        if (fs::is_regular_file(abs)) {
            auto f = scan_file(root, top);
            found.insert(found.end(), f.begin(), f.end());
            continue;
        }
        if (!fs::is_directory(abs)) continue;
        for (const auto& e : fs::recursive_directory_iterator(abs)) {
            if (!e.is_regular_file() || !is_text_source(e.path())) continue;
            const fs::path rel = fs::relative(e.path(), root);
            if (rel == kSelf) continue;
            auto f = scan_file(root, rel);
            found.insert(found.end(), f.begin(), f.end());
        }
    }
    return found;
}

TEST(Hygiene, NoTestDocOrToolDependsOnNameResolution) {
    const fs::path root = TOCKEMU_SOURCE_DIR;
    ASSERT_TRUE(fs::is_regular_file(root / kSelf)) << "source tree not found at " << root;
    const auto found = scan_tree(root);
    std::ostringstream msg;
    for (const auto& f : found) msg << "  " << f << "\n";
    EXPECT_TRUE(found.empty()) << "write 127.0.0.1, never a host name or an empty host:\n"
                               << msg.str();
}

// The scan itself sees an offending line (guards against a check that cannot fail).
TEST(Hygiene, ScanFindsAnEmptyGdbHost) {
    const fs::path dir = fs::path(::testing::TempDir()) / "hygiene_tree";
    fs::create_directories(dir / "docs");
    std::ofstream(dir / "docs" / "x.md") << "ok line\n    gdb -ex 'target remote :1234'\n";
    std::ofstream(dir / "README.md") << "connect to " << std::string("local") + "host:1234\n";
    const auto found = scan_tree(dir);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].rfind("README.md:1:", 0), 0u) << found[0];
    EXPECT_EQ(found[1].rfind((fs::path("docs") / "x.md").string() + ":2:", 0), 0u) << found[1];
    fs::remove_all(dir);
}

}  // namespace
