// IPC (driver 0x10000, kernel/core/ipc.hpp): a client's shared buffer is an MPU region of the
// service only while the client shares it; a service that keeps the address faults on its next
// access after the client withdraws the buffer or exits, and nobody else is affected.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <regex>
#include <variant>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr std::uint32_t kCfsrDaccviolMmarvalid = 0x82;

// MPU images the kernel installed (CTRL.ENABLE set), with the time they were installed.
struct InstalledMpu {
    Picos time;
    std::array<std::uint32_t, 8> rbar, rasr;
};

// Records the MPU images installed, when the client withdrew its IPC buffer (Read-Write Allow
// of driver 0x10000 with length 0) and when an unprivileged access first faulted.
class IpcRecorder {
  public:
    explicit IpcRecorder(Machine& m) {
        m.events().subscribe([this](const Event& e) {
            if (const auto* c = std::get_if<MpuConfigEvent>(&e.payload)) {
                if ((c->ctrl & 1u) != 0) installed.push_back({e.time, c->rbar, c->rasr});
            } else if (const auto* s = std::get_if<SvcEvent>(&e.payload)) {
                if (s->imm == 3 && s->r[0] == 0x10000 && s->r[3] == 0 && !withdrawn) {
                    withdrawn = e.time;
                }
            } else if (const auto* f = std::get_if<FaultEvent>(&e.payload)) {
                if (f->unprivileged && !first_fault) first_fault = e.time;
            }
        });
    }
    std::vector<InstalledMpu> installed;
    std::optional<Picos> withdrawn, first_fault;
};

std::uint32_t shared_buffer_address(const std::string& console, unsigned len) {
    std::smatch m;
    const std::regex re("ipc_revoke_client: share " + std::to_string(len) +
                        " bytes at 0x([0-9a-f]+): SUCCESS");
    if (!std::regex_search(console, m, re)) return 0;
    return static_cast<std::uint32_t>(std::stoul(m[1], nullptr, 16));
}

TEST(KernelIpc, SharedBufferIsAServiceRegionOnlyWhileShared) {
    KernelRun run({"ipc_revoke_service", "ipc_revoke_client"});
    IpcRecorder rec(run.machine());
    ASSERT_TRUE(run.run_until_console("ipc_revoke_client: still running", 1000)) << run.console();
    const std::uint32_t buffer = shared_buffer_address(run.console(), 64);
    ASSERT_NE(buffer, 0u) << run.console();
    ASSERT_TRUE(rec.withdrawn && rec.first_fault);
    ASSERT_LT(*rec.withdrawn, *rec.first_fault);

    // While shared: region 3 of the service (slot 0, whose RAM region 0 starts its block) covers
    // exactly the 64 bytes, read-write for unprivileged code, never executable.
    bool mapped = false;
    for (const auto& m : rec.installed) {
        if (m.time > *rec.withdrawn || (m.rasr[3] & 1u) == 0) continue;
        mapped = true;
        EXPECT_EQ(m.rbar[3] & ~0x1Fu, buffer);
        EXPECT_EQ((m.rasr[3] >> 1) & 0x1F, 5u) << "SIZE field: 2^(5+1) = 64 bytes";
        EXPECT_EQ((m.rasr[3] >> 8) & 0xFF, 0u) << "no subregion disabled";
        EXPECT_EQ((m.rasr[3] >> 24) & 7, 3u) << "AP: full access";
        EXPECT_EQ((m.rasr[3] >> 28) & 1, 1u) << "XN";
        EXPECT_FALSE(buffer >= (m.rbar[0] & ~0x1Fu) && buffer < (m.rbar[0] & ~0x1Fu) + 0x2000)
            << "installed for the service, not for the client that owns the buffer";
    }
    EXPECT_TRUE(mapped);

    // Withdrawn: no process has region 3 any more (the service ran in between, so at least one
    // image was installed); its next write faults at the buffer; the client sees nothing of it.
    unsigned installed_between = 0;
    for (const auto& m : rec.installed) {
        if (m.time <= *rec.withdrawn || m.time > *rec.first_fault) continue;
        ++installed_between;
        EXPECT_EQ(m.rasr[3] & 1u, 0u) << "region 3 still mapped";
    }
    EXPECT_GE(installed_between, 1u);
    auto faults = run.records_of(kEvProcessFault);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0].words[0], 0u) << "the service (slot 0) faulted";
    EXPECT_EQ(faults[0].words[2], kCfsrDaccviolMmarvalid);
    EXPECT_EQ(faults[0].words[4], buffer + 1) << "MMFAR: byte 1, written on the notification";
    EXPECT_NE(run.console().find("buffer byte 1 is 0"), std::string::npos) << run.console();
    EXPECT_EQ(run.console().find("NOT FAULTED"), std::string::npos);
}

TEST(KernelIpc, ExitOfTheClientWithdrawsItsBufferFromTheService) {
    KernelRun run({"ipc_revoke_service", "ipc_revoke_client"});
    IpcRecorder rec(run.machine());
    ASSERT_TRUE(run.run_until_console("ipc_revoke_client: exiting with the buffer shared", 1500))
        << run.console();
    // 96 bytes at 32 past a 256-byte boundary: no single region fits, so (as Tock) a 256-byte
    // region with subregions 1-3 (32 bytes each) enabled, exactly the buffer.
    const std::uint32_t buffer = shared_buffer_address(run.console(), 96);
    ASSERT_EQ(buffer % 256, 32u) << run.console();
    bool mapped = false;
    for (const auto& m : rec.installed) {
        if ((m.rasr[3] & 1u) == 0) continue;
        if ((m.rbar[3] & ~0x1Fu) != buffer - 32) continue;
        mapped = true;
        EXPECT_EQ((m.rasr[3] >> 1) & 0x1F, 7u) << "SIZE field: 2^(7+1) = 256 bytes";
        EXPECT_EQ((m.rasr[3] >> 8) & 0xFF, 0xF1u) << "SRD: only subregions 1-3 enabled";
    }
    EXPECT_TRUE(mapped);
    run.run_ms(200);  // the service's 50 ms heartbeat writes byte 2 of the old buffer

    auto faults = run.records_of(kEvProcessFault);
    ASSERT_EQ(faults.size(), 2u) << run.console();
    EXPECT_EQ(faults[1].words[0], 0u);
    EXPECT_EQ(faults[1].words[2], kCfsrDaccviolMmarvalid);
    EXPECT_EQ(faults[1].words[4], buffer + 2) << "MMFAR: the heartbeat byte";
    auto ends = run.records_of(kEvProcessTerminated);
    bool client_exited = false;
    for (const auto& r : ends)
        client_exited |= r.words[0] == 1 && r.words[1] == 1 && r.words[2] == 0;
    EXPECT_TRUE(client_exited) << "exit-terminate with code 0";
    EXPECT_TRUE(run.records_of(kEvPanic).empty());
    EXPECT_EQ(run.console().find("panicked"), std::string::npos);
}

TEST(KernelIpc, Rot13ServiceAnswersTheClientRepeatedly) {
    KernelRun run({"ipc_rot13_service", "ipc_rot13_client"});
    ASSERT_TRUE(run.run_until_console("12: Hello World!\n12: Uryyb Jbeyq!\n12: Hello World!", 2000))
        << run.console();
    EXPECT_EQ(run.count("No rot13 service"), 0u);
    EXPECT_TRUE(run.records_of(kEvProcessFault).empty());
}

}  // namespace
}  // namespace tockemu::kerneltest
