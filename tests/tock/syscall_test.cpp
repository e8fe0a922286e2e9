// TRD104 decoding and naming (reference/tock-abi.md §1-2).
#include <gtest/gtest.h>

#include "emu/tock/syscall.hpp"

using namespace tockemu::tock;

TEST(SyscallDecode, CommandTakesDriverAndNumberFromR0R1) {
    const Syscall s = decode_syscall(2, {1, 1, 12, 0});
    ASSERT_TRUE(s.cls.has_value());
    EXPECT_EQ(*s.cls, SyscallClass::Command);
    EXPECT_EQ(s.driver, 1u);
    EXPECT_EQ(s.number, 1u);
    EXPECT_EQ(describe(s), "command console.putstr(12, 0)");
}

TEST(SyscallDecode, YieldWaitForNamesTheUpcallItWaitsFor) {
    const Syscall s = decode_syscall(0, {2, 1, 1, 0});
    EXPECT_EQ(*s.cls, SyscallClass::Yield);
    EXPECT_EQ(s.number, 2u);
    EXPECT_EQ(s.driver, 1u);
    EXPECT_EQ(describe(s), "yield wait-for console.1");
    EXPECT_TRUE(syscall_has_return_value(s));
    EXPECT_FALSE(syscall_has_return_value(decode_syscall(0, {1, 0, 0, 0})));
}

TEST(SyscallDecode, MemopAndExitUseR0AsTheOperation) {
    const Syscall m = decode_syscall(5, {1, 256, 0, 0});
    EXPECT_EQ(*m.cls, SyscallClass::Memop);
    EXPECT_EQ(m.number, 1u);
    EXPECT_EQ(describe(m), "memop sbrk(0x100)");
    const Syscall e = decode_syscall(6, {1, 3, 0, 0});
    EXPECT_EQ(describe(e), "exit restart(3)");
}

TEST(SyscallDecode, ImmediateAboveSevenIsNotASyscallClass) {
    const Syscall s = decode_syscall(8, {0, 0, 0, 0});
    EXPECT_FALSE(s.cls.has_value());
    EXPECT_FALSE(syscall_has_return_value(s));
    EXPECT_NE(describe(s).find("not a Tock syscall"), std::string::npos);
}

TEST(SyscallReturnDecode, FailureVariantsCarryTheErrorInR1) {
    const Syscall allow = decode_syscall(3, {1, 1, 0x20004000, 64});
    SyscallReturn nomem{{2, 9, 0x20004000, 64}};
    EXPECT_TRUE(nomem.is_failure());
    EXPECT_EQ(nomem.error(), ErrorCode::NOMEM);
    EXPECT_EQ(describe_return(allow, nomem), "failure_2u32(NOMEM)");
    SyscallReturn ok{{129, 16000, 0, 0}};
    EXPECT_TRUE(ok.is_success());
    EXPECT_FALSE(ok.error().has_value());
    EXPECT_EQ(describe_return(decode_syscall(2, {0, 1, 0, 0}), ok), "success_u32(16000)");
}

TEST(SyscallNames, RoundTripThroughNames) {
    EXPECT_EQ(driver_from_name("console"), 1u);
    EXPECT_EQ(driver_from_name("spi"), 0x20001u);
    EXPECT_EQ(driver_name(0x40001), "rng");
    EXPECT_EQ(error_from_name("NOMEM"), ErrorCode::NOMEM);
    EXPECT_EQ(error_from_name("INVALID"), ErrorCode::INVAL);
    EXPECT_FALSE(error_from_name("nomem").has_value());
    EXPECT_EQ(class_from_name("ro_allow"), SyscallClass::ReadOnlyAllow);
    EXPECT_EQ(error_name(1024), "BADRVAL");
    EXPECT_EQ(command_name(2, 3), "toggle");
}
