// libtock-c's view of the kernel (docs/0010-libtock-c-abi.md): the abi_probe app's raw syscall
// checks pass, and the registers abi_crt0's libtock-c-order _start received are the layout the
// kernel itself reports for that process on ITM (process_loaded: slot, flash, RAM start, size).
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

TEST(KernelLibtockAbi, ProbeFindsEveryAnswerAsUpstream) {
    KernelRun run({"abi_probe"});
    ASSERT_TRUE(run.run_until_console("abi_probe: done", 1000)) << run.console();
    EXPECT_EQ(run.count("MISMATCH"), 0u) << run.console();
    EXPECT_EQ(run.count(": ok\n"), 94u) << run.console();
}

TEST(KernelLibtockAbi, EntryRegistersAreTheLoadedLayout) {
    KernelRun run({"abi_crt0"});
    ASSERT_TRUE(run.run_until_console("abi_crt0: done", 500)) << run.console();
    const auto loaded = run.records_of(kEvProcessLoaded);
    ASSERT_EQ(loaded.size(), 1u);
    const std::uint32_t ram_start = loaded[0].words[2], ram_size = loaded[0].words[3];

    const std::string& c = run.console();
    const auto at = c.find("abi_crt0: entry ");
    ASSERT_NE(at, std::string::npos) << c;
    unsigned r0_off = 0, r1 = 0, r2 = 0, r3_off = 0, sp_off = 0;
    ASSERT_EQ(
        std::sscanf(c.c_str() + at, "abi_crt0: entry r0=+0x%x r1=0x%x r2=0x%x r3=mem+%u sp=mem+%u",
                    &r0_off, &r1, &r2, &r3_off, &sp_off),
        5)
        << c;
    EXPECT_EQ(r1, ram_start);
    EXPECT_EQ(r2, ram_size);
    EXPECT_EQ(r3_off, 32u);
    EXPECT_EQ(sp_off, 32u);
    EXPECT_EQ(run.count("MISMATCH"), 0u) << c;
}

}  // namespace
}  // namespace tockemu::kerneltest
