// TRD104 return variants and error codes for bad arguments, as an unmodified libtock-c-style app
// checks them (apps/bad_syscall_args: 24 cases, each compared with upstream Tock's answer).
#include <gtest/gtest.h>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

TEST(KernelSyscalls, BadArgumentsGetTheVariantsAndErrorsTockGives) {
    KernelRun run({"bad_syscall_args"});
    ASSERT_TRUE(run.run_until_console("bad_syscall_args: still running", 3000)) << run.console();
    const std::string& out = run.console();
    EXPECT_NE(out.find("bad_syscall_args: done, 24 checks, 0 unexpected"), std::string::npos)
        << out;
    EXPECT_EQ(run.count(": ok\r\n") + run.count(": ok\n"), 24u) << out;
    EXPECT_EQ(run.records_of(kEvProcessFault).size(), 0u);
}

}  // namespace
}  // namespace tockemu::kerneltest
