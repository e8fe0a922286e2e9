#pragma once
// Runs the real gdb-multiarch in batch mode against a debug server (tockemu or QEMU) started as
// a child process. Every wait is bounded, every child is killed when the test ends, and ports
// are chosen by the system (tockemu --gdb 0 prints the port) or probed free for QEMU.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "emu/gdb/wire.hpp"

namespace tockemu::gdbtest {

namespace fs = std::filesystem;

inline fs::path firmware(const std::string& rel) {
    return fs::path(TOCKEMU_FIRMWARE_DIR) / rel;
}
inline fs::path tockemu_exe() {
    return fs::path(TOCKEMU_BINARY_DIR) / "emu" / "tockemu";
}
inline bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// A scratch directory per test, removed at the end.
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "tockemu-gdb-XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// A child process with stdout and stderr in files; killed (SIGKILL) on destruction.
class Child {
  public:
    Child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
        pid_ = ::fork();
        if (pid_ == 0) {
            // One file for both streams shares one descriptor, so writes append in order.
            const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int e = out == err ? o : ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(o, 1);
            ::dup2(e, 2);
            const int devnull = ::open("/dev/null", O_RDONLY);
            ::dup2(devnull, 0);
            std::vector<char*> args;
            for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execvp(args[0], args.data());
            ::_exit(127);
        }
    }
    ~Child() { kill(); }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    void kill() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    // Exit status once the child ends within `timeout`, else nullopt (and it is killed).
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (pid_ > 0) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() > end) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        kill();
        return std::nullopt;
    }

  private:
    pid_t pid_ = -1;
};

// Waits (bounded) for tockemu's "gdb server listening on ADDR:PORT" line.
inline std::optional<int> wait_for_port(const fs::path& err, std::chrono::milliseconds timeout) {
    static const std::regex re(R"(listening on [0-9.]+:([0-9]+))");
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        std::smatch m;
        const std::string text = slurp(err);
        if (std::regex_search(text, m, re)) return std::stoi(m[1]);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

// A loopback port nobody listens on right now (for QEMU, which cannot report one).
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// Runs gdb-multiarch -batch with `script` against 127.0.0.1:port; returns what it printed.
inline std::string run_gdb(const TempDir& dir, const fs::path& elf, int port,
                           const std::string& script, int timeout_s = 60) {
    const fs::path file = dir.path() / "script.gdb";
    std::ofstream(file) << script;
    const fs::path out = dir.path() / "gdb.out";
    Child gdb({"timeout",
               std::to_string(timeout_s),
               "gdb-multiarch",
               "-batch",
               "-nx",
               "-ex",
               "set pagination off",
               "-ex",
               "set confirm off",
               "-ex",
               "set width 0",
               "-ex",
               "set tcp connect-timeout 20",
               "-ex",
               "set remotetimeout 30",
               "-ex",
               "target remote 127.0.0.1:" + std::to_string(port),
               "-x",
               file.string(),
               elf.string()},
              out, out);
    gdb.wait(std::chrono::seconds(timeout_s + 5));
    return slurp(out);
}

// Lines of `text` matching `re` (e.g. register lines), in order.
inline std::vector<std::string> grep(const std::string& text, const std::regex& re) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (std::regex_search(line, re)) lines.push_back(line);
    return lines;
}

// Just enough of a GDB client: framed packets, acks, stop replies, Ctrl-C.
class Client {
  public:
    explicit Client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        const int one = 1;  // no Nagle delay between our '+' and the next packet
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() { ::close(fd_); }
    bool connected() const { return connected_; }

    void send_raw(const std::string& s) { (void)!::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
    // Sends a packet and returns the next packet the server sends (acks skipped).
    std::string ask(const std::string& payload) {
        send_raw(gdb::encode_frame(payload));
        return next_packet();
    }
    // The next raw byte (for '+'/'-'), or -1 after a bounded wait.
    int next_byte() {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 10000) <= 0) return -1;
        unsigned char c = 0;
        return ::recv(fd_, &c, 1, 0) == 1 ? c : -1;
    }
    std::string next_packet() {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < end) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char c = 0;
            if (::recv(fd_, &c, 1, 0) != 1) return "<closed>";
            if (auto f = decoder_.feed(static_cast<std::uint8_t>(c))) {
                if (f->kind != gdb::Frame::Kind::Packet) continue;
                send_raw("+");
                if (f->payload.starts_with("O") && f->payload != "OK") continue;  // console
                return f->payload;
            }
        }
        return "<timeout>";
    }

  private:
    int fd_ = -1;
    bool connected_ = false;
    gdb::FrameDecoder decoder_;
};

}  // namespace tockemu::gdbtest
