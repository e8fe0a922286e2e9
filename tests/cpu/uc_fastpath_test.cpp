// The Unicorn 2.0.1 fast path (emu/cpu/uc_fastpath.hpp): on where it can be, off where it is
// told to be (ctest also runs the CPU and MPU tests as fallback.* with TOCKEMU_UC_FASTPATH=0),
// and on the real machine a store-heavy loop no longer takes the notdirty slow path.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "emu/cpu/uc_fastpath.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu {
namespace {

bool fallback_forced() {
    const char* e = std::getenv("TOCKEMU_UC_FASTPATH");
    return e && std::string(e) == "0";
}

std::filesystem::path firmware(const std::string& name) {
    return std::filesystem::path(TOCKEMU_FIRMWARE_DIR) / "tests/firmware" / (name + ".elf");
}

TEST(UcFastpath, StatusFollowsTheBuildAndTheEnvironment) {
    const auto& s = ucfast::status();
    EXPECT_FALSE(s.text.empty());
#ifdef TOCKEMU_UC_INTERPOSE_EXPECTED
    if (fallback_forced()) {
        EXPECT_FALSE(s.enabled);
        EXPECT_NE(s.text.find("TOCKEMU_UC_FASTPATH=0"), std::string::npos) << s.text;
    } else {
        EXPECT_TRUE(s.enabled) << s.text;
        EXPECT_NE(s.text.find("self-test passed"), std::string::npos) << s.text;
    }
#else
    EXPECT_FALSE(s.enabled) << s.text;
#endif
}

// mpu_bench_0/2: a load and a store every 7 instructions, privileged / unprivileged under a
// Tock-like MPU configuration. 2 M instructions make ~290 k stores.
void expect_stores_fast(const char* image) {
    Machine m;
    m.load_elf(firmware(image));
    m.set_semihosting_output([](int, std::string_view) {});
    m.reset();
    m.run_until(UINT64_MAX, 2'000'000);
    ASSERT_GE(m.instructions(), 2'000'000u);
    if (ucfast::status().enabled)
        EXPECT_LT(m.slow_stores(), 1000u) << "stores still take the notdirty slow path";
    else
        EXPECT_EQ(m.slow_stores(), 0u);  // not counted when off
}

TEST(UcFastpath, PrivilegedStoresAvoidTheSlowPath) {
    expect_stores_fast("mpu_bench_0");
}
TEST(UcFastpath, UnprivilegedStoresUnderTheMpuAvoidTheSlowPath) {
    expect_stores_fast("mpu_bench_2");
}

}  // namespace
}  // namespace tockemu
