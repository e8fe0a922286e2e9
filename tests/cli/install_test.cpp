// `cmake --install` gives a working tool (issue 19): the executable runs from its installed
// place, boots the installed kernel and apps, and the man page and bash completion are there.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string run(const std::string& cmd, int* status) {
    std::string out;
    std::FILE* p = popen((cmd + " 2>&1 < /dev/null").c_str(), "r");
    if (!p) return out;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

TEST(Install, InstalledTreeRunsAndIsComplete) {
    const fs::path prefix =
        fs::temp_directory_path() / ("tockemu-install-" + std::to_string(getpid()));
    fs::remove_all(prefix);
    int st = -1;
    std::string out = run(
        "cmake --install " + std::string(TOCKEMU_BINARY_DIR) + " --prefix " + prefix.string(), &st);
    ASSERT_EQ(st, 0) << out;
    const fs::path exe = prefix / "bin/tockemu";
    ASSERT_TRUE(fs::exists(exe)) << out;
    out = run(exe.string() + " --version", &st);
    EXPECT_EQ(st, 0);
    EXPECT_NE(out.find("tockemu 0."), std::string::npos) << out;
    const fs::path fw = prefix / "share/tockemu/firmware";
    out = run(exe.string() + " boot --kernel " + (fw / "kernel/hail_kernel.elf").string() +
                  " --app " + (fw / "apps/hello.tbf").string() + " --time 300ms",
              &st);
    EXPECT_EQ(st, 0) << out;
    EXPECT_NE(out.find("Hello World!"), std::string::npos) << out;
    EXPECT_TRUE(fs::exists(prefix / "share/tockemu/scenarios/hello.yaml"));
    EXPECT_TRUE(fs::exists(prefix / "share/doc/tockemu/README.md"));
    EXPECT_TRUE(fs::exists(prefix / "share/doc/tockemu/0012-speed.md"));
    EXPECT_TRUE(fs::exists(prefix / "share/man/man1/tockemu.1"));
    const fs::path completion = prefix / "share/bash-completion/completions/tockemu";
    ASSERT_TRUE(fs::exists(completion));
    out = run("bash -c 'source " + completion.string() + " && complete -p tockemu'", &st);
    EXPECT_EQ(st, 0) << out;
    EXPECT_NE(out.find("-F _tockemu tockemu"), std::string::npos) << out;
    // The completion offers boot's options.
    out = run("bash -c 'source " + completion.string() +
                  " && COMP_WORDS=(tockemu boot --le) COMP_CWORD=2 && _tockemu && "
                  "echo \"${COMPREPLY[@]}\"'",
              &st);
    EXPECT_NE(out.find("--leds"), std::string::npos) << out;
    fs::remove_all(prefix);
}

TEST(Install, MissingFirmwareNamesThePath) {
    int st = -1;
    const std::string out = run(
        std::string(TOCKEMU_BINARY_DIR) + "/emu/tockemu boot --kernel /nonexistent/hail_kernel.elf",
        &st);
    EXPECT_EQ(st, 2) << out;
    EXPECT_NE(out.find("/nonexistent/hail_kernel.elf"), std::string::npos) << out;
}

}  // namespace
