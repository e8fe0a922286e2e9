#pragma once
// Where the upstream Tock material is (upstream Tock's Hail kernel, its bootloader and unmodified
// libtock-c apps; never part of this repository): $TOCKEMU_UPSTREAM_DIR, else ../shared/upstream
// next to the source tree. Tests call require_upstream(), which skips the test with a message
// saying what to set when the material is absent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace tockemu::upstream_test {

namespace fs = std::filesystem;

inline std::optional<fs::path> upstream_dir() {
    if (const char* e = std::getenv("TOCKEMU_UPSTREAM_DIR"); e && *e) {
        if (fs::exists(fs::path(e) / "hail.elf")) return fs::path(e);
        return std::nullopt;
    }
    const fs::path d = fs::path(TOCKEMU_SOURCE_DIR) / ".." / "shared" / "upstream";
    if (fs::exists(d / "hail.elf")) return fs::weakly_canonical(d);
    return std::nullopt;
}

inline std::string missing_message() {
    const char* e = std::getenv("TOCKEMU_UPSTREAM_DIR");
    return std::string("upstream Tock material not found (") +
           (e && *e ? std::string("TOCKEMU_UPSTREAM_DIR=") + e + " has no hail.elf"
                    : "TOCKEMU_UPSTREAM_DIR is unset and " +
                          (fs::path(TOCKEMU_SOURCE_DIR) / ".." / "shared" / "upstream").string() +
                          " does not exist") +
           "): set TOCKEMU_UPSTREAM_DIR to a folder with hail.elf, bootloader.bin and apps/";
}

// The scenarios in scenarios/upstream/ name the material as ${TOCKEMU_UPSTREAM_DIR:-...}: the
// variable is set to what this test found, so both always agree.
inline void export_dir(const fs::path& dir) {
    ::setenv("TOCKEMU_UPSTREAM_DIR", dir.c_str(), 1);
}

}  // namespace tockemu::upstream_test

// Skips the calling test when the material is absent; else `dir` names it.
#define TOCKEMU_REQUIRE_UPSTREAM(dir)                                              \
    const auto dir##_found = ::tockemu::upstream_test::upstream_dir();             \
    if (!dir##_found) GTEST_SKIP() << ::tockemu::upstream_test::missing_message(); \
    const std::filesystem::path dir = *dir##_found;                                \
    ::tockemu::upstream_test::export_dir(dir)
