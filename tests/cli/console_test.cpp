// `tockemu boot`'s console as a user meets it (issue 19): piped stdin reaches the process
// console deterministically; at a terminal (a pseudo-terminal here) keys reach it as typed,
// Ctrl-A h and Ctrl-A x work, and there is no time limit; --leds prints LED changes.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path kFirmware = fs::path(TOCKEMU_FIRMWARE_DIR);
const std::string kTockemu = (fs::path(TOCKEMU_BINARY_DIR) / "emu/tockemu").string();
const std::string kKernel = (kFirmware / "kernel/hail_kernel.elf").string();
std::string app(const std::string& name) {
    return (kFirmware / "apps" / (name + ".tbf")).string();
}

struct Output {
    std::string text;
    int status = -1;
};

Output run_shell(const std::string& cmd) {
    Output o;
    std::FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return o;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) o.text.append(buf.data(), n);
    const int st = pclose(p);
    o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return o;
}

TEST(Console, PipedInputReachesTheProcessConsole) {
    const std::string cmd = "printf 'help\\nlist\\n' | timeout 60 " + kTockemu + " boot --kernel " +
                            kKernel + " --app " + app("hello") + " --time 1s";
    const Output a = run_shell(cmd);
    EXPECT_EQ(a.status, 0) << a.text;
    EXPECT_NE(a.text.find("Welcome to the process console."), std::string::npos) << a.text;
    EXPECT_NE(a.text.find("ShortID"), std::string::npos) << a.text;  // the list's header
    // Same input, same run: the output is byte-identical.
    const Output b = run_shell(cmd);
    EXPECT_EQ(a.text, b.text);
}

// Upstream Tock's process console answers piped commands too (it mixes up input that arrives
// while it is still answering: lines follow once the console has been quiet).
TEST(Console, PipedInputReachesUpstreamTocksProcessConsole) {
    const char* env = std::getenv("TOCKEMU_UPSTREAM_DIR");
    const fs::path dir = env ? fs::path(env) : fs::path(TOCKEMU_SOURCE_DIR) / "../shared/upstream";
    if (!fs::exists(dir / "hail.elf")) GTEST_SKIP() << "no upstream Tock at " << dir;
    const Output o = run_shell("printf 'help\\rlist\\r' | timeout 60 " + kTockemu +
                               " boot --kernel " + (dir / "hail.elf").string() + " --app " +
                               (dir / "apps/blink.tbf").string() + " --time 1s");
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_NE(o.text.find("Welcome to the process console."), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("blink"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("ShortID"), std::string::npos) << o.text;
}

TEST(Console, NoInputAndEmptyInputLeaveTheConsoleAlone) {
    const Output o = run_shell("timeout 60 " + kTockemu + " boot --kernel " + kKernel + " --app " +
                               app("hello") + " --time 300ms --no-input < /dev/null");
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_EQ(o.text.find("Welcome to the process console."), std::string::npos) << o.text;
}

TEST(Console, LedsPrintsEachChangeWithItsVirtualTime) {
    const Output o = run_shell("timeout 60 " + kTockemu + " boot --kernel " + kKernel + " --app " +
                               app("blink") + " --time 2s --leds < /dev/null");
    EXPECT_EQ(o.status, 0) << o.text;
    EXPECT_NE(o.text.find(" s] LED red on"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find(" s] LED red off"), std::string::npos) << o.text;
}

// A child on a pseudo-terminal, read with a wall-clock bound (the interactive mode is paced
// to wall-clock time, so these waits are real time, bounded by `seconds`).
class PtyChild {
  public:
    explicit PtyChild(const std::vector<std::string>& argv) {
        pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
        if (pid_ == 0) {
            std::vector<char*> a;
            for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
            a.push_back(nullptr);
            execv(a[0], a.data());
            _exit(127);
        }
    }
    ~PtyChild() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) close(master_);
    }
    bool started() const { return pid_ > 0; }
    void type(const std::string& s) {
        ASSERT_EQ(write(master_, s.data(), s.size()), ssize_t(s.size()));
    }
    // Reads until `what` appears or `seconds` pass.
    bool wait_for(const std::string& what, double seconds) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (out_.find(what) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{master_, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[512];
            const ssize_t n = read(master_, buf, sizeof buf);
            if (n <= 0) return out_.find(what) != std::string::npos;
            out_.append(buf, static_cast<std::size_t>(n));
        }
        return true;
    }
    // The exit status, or -1 when it has not exited within `seconds`.
    int wait_exit(double seconds) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < end) {
            wait_for("\x7f never printed", 0.05);  // keep draining the terminal
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            }
        }
        return -1;
    }
    const std::string& output() const { return out_; }

  private:
    int master_ = -1;
    pid_t pid_ = -1;
    bool exited_ = false;
    std::string out_;
};

TEST(Console, ATerminalIsInteractiveAndCtrlAXQuits) {
    PtyChild c({kTockemu, "boot", "--kernel", kKernel, "--app", app("hello")});
    ASSERT_TRUE(c.started());
    ASSERT_TRUE(c.wait_for("tock$ ", 30)) << c.output();
    c.type("list\r");
    EXPECT_TRUE(c.wait_for("ShortID", 30)) << c.output();
    c.type("\x01h");
    EXPECT_TRUE(c.wait_for("Ctrl-A x", 10)) << c.output();
    c.type("\x01x");
    EXPECT_EQ(c.wait_exit(20), 0) << c.output();
}

}  // namespace
