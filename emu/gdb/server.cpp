// GDB server: socket handling and the debugged run loop; see server.hpp.
#include "emu/gdb/server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tockemu::gdb {

namespace {

// "E.packet 'mmmm…' of 20000 bytes exceeds PacketSize 0x4000" (printable bytes of its start).
std::string oversized_error(const Frame& f) {
    std::string start;
    for (const char c : f.payload) start.push_back(c >= 0x20 && c < 0x7f ? c : '.');
    return fmt::format("E.packet '{}...' of {} bytes exceeds PacketSize {:#x}", start, f.raw_size,
                       kMaxPacketSize);
}

}  // namespace

Server::Server(Machine& machine, ServerOptions options)
    : m_(machine), options_(std::move(options)), target_(machine), engine_(target_) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(options_.port);
    if (inet_pton(AF_INET, options_.listen_address.c_str(), &addr.sin_addr) != 1)
        throw ServerError(fmt::format("gdb: '{}' is not an IPv4 address", options_.listen_address));
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw ServerError(fmt::format("gdb: socket: {}", std::strerror(errno)));
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 1) != 0) {
        const std::string why = std::strerror(errno);
        ::close(listen_fd_);
        throw ServerError(fmt::format("gdb: cannot listen on {}:{}: {}", options_.listen_address,
                                      options_.port, why));
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (options_.on_listening) options_.on_listening(options_.listen_address, port_);
}

Server::~Server() {
    close_connection();
    if (listen_fd_ >= 0) ::close(listen_fd_);
}

bool Server::accept_connection(bool block) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, block ? -1 : 0) <= 0) return false;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return false;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn_fd_ = fd;
    decoder_ = FrameDecoder{};
    inbox_.clear();
    last_sent_.clear();
    engine_.reset_session();
    m_.set_debugger_attached(true);  // a guest BKPT now halts to the debugger (C1.5.1)
    return true;
}

void Server::close_connection() {
    if (conn_fd_ >= 0) {
        ::close(conn_fd_);
        engine_.remove_all_stops();
        m_.set_debugger_attached(false);  // BKPT is a debug event for the guest again
    }
    conn_fd_ = -1;
}

// Reads what is available (waiting up to timeout_ms; -1 forever) into the inbox. False when the
// debugger went away.
bool Server::read_some(int timeout_ms) {
    pollfd p[2] = {{conn_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    const int ready = ::poll(p, 2, timeout_ms);
    if (ready < 0) return errno == EINTR;
    if (p[1].revents & POLLIN) refuse_second_debugger();
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) return true;
    std::uint8_t buf[4096];
    const ssize_t n = ::recv(conn_fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    for (ssize_t i = 0; i < n; ++i)
        if (auto f = decoder_.feed(buf[i])) inbox_.push_back(std::move(*f));
    return true;
}

// One debugger at a time: a second connection gets its first packet answered with an error
// that says so (gdb shows "Remote failure reply: E.…"), then is closed; the attached session
// goes on undisturbed. Its first packet is awaited for at most a second of host time.
void Server::refuse_second_debugger() {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    FrameDecoder decoder;
    for (bool answered = false; !answered;) {
        pollfd p{fd, POLLIN, 0};
        std::uint8_t buf[512];
        if (::poll(&p, 1, 1000) <= 0) break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n && !answered; ++i) {
            const auto f = decoder.feed(buf[i]);
            answered = f && f->kind == Frame::Kind::Packet;
        }
    }
    const std::string reply =
        "+" + encode_frame(
                  "E.tockemu: another debugger is attached to this machine; one "
                  "connection at a time (detach the other one first)");
    (void)!::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(fd);
    if (options_.on_refused) options_.on_refused();
}

void Server::send_raw(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size() && conn_fd_ >= 0) {
        const ssize_t n = ::send(conn_fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            close_connection();
            return;
        }
        off += static_cast<std::size_t>(n);
    }
}

void Server::send_packet(const std::string& payload) {
    last_sent_ = encode_frame(payload);
    send_raw(last_sent_);
}

void Server::report(const StopEvent& stop) {
    for (const auto& p : engine_.report_stop(stop)) send_packet(p);
}

// Answers packets until one resumes the machine, or the debugger detaches, kills or goes away.
Server::Serve Server::serve_until_resume() {
    for (;;) {
        while (inbox_.empty()) {
            if (conn_fd_ < 0 || !read_some(-1)) {
                close_connection();
                return Serve::Detached;
            }
        }
        Frame f = std::move(inbox_.front());
        inbox_.pop_front();
        switch (f.kind) {
            case Frame::Kind::Ack:
            case Frame::Kind::Interrupt:  // already stopped: nothing to interrupt
                continue;
            case Frame::Kind::Nak:
                if (!last_sent_.empty()) send_raw(last_sent_);
                continue;
            case Frame::Kind::Oversized:
                // Resending cannot help: acknowledge it and say why it was not carried out.
                if (!engine_.no_ack_mode()) send_raw("+");
                send_packet(oversized_error(f));
                continue;
            case Frame::Kind::BadChecksum:
            case Frame::Kind::Malformed:
                if (!engine_.no_ack_mode()) send_raw("-");
                continue;
            case Frame::Kind::Packet:
                break;
        }
        if (!engine_.no_ack_mode()) send_raw("+");
        const Engine::Reply reply = engine_.handle(f.payload);
        if (reply.packet) send_packet(*reply.packet);
        switch (reply.action) {
            case Engine::Action::None:
                break;
            case Engine::Action::Continue:
                return Serve::Resume;
            case Engine::Action::Step: {
                const RunResult r = m_.step(deadline_);
                report(stop_from(r, deadline_));
                if (r.reason == StopReason::SemihostingExit) {
                    finished_ = r;  // the guest is gone: the run ends here
                    close_connection();
                    return Serve::Detached;
                }
                break;
            }
            case Engine::Action::Detach:
                close_connection();
                return Serve::Detached;
            case Engine::Action::Kill:
                close_connection();
                return Serve::Killed;
        }
    }
}

// Checked between slices only (see server.hpp): did the debugger send Ctrl-C?
bool Server::poll_interrupt() {
    if (conn_fd_ < 0) return false;
    if (!read_some(0)) {
        close_connection();  // debugger gone: run on undebugged
        return false;
    }
    // A Ctrl-C sent right behind the resume packet counts too; other packets wait their turn.
    const auto it = std::find_if(inbox_.begin(), inbox_.end(),
                                 [](const Frame& f) { return f.kind == Frame::Kind::Interrupt; });
    if (it == inbox_.end()) return false;
    inbox_.erase(it);
    return true;
}

StopEvent Server::stop_from(const RunResult& r, Picos deadline) {
    StopEvent s;
    switch (r.reason) {
        case StopReason::SemihostingExit:
            s.kind = StopEvent::Kind::Exited;
            s.exit_code = r.exit_code;
            break;
        case StopReason::Lockup:
            s.signal = kSigSegv;
            s.message = r.message.empty() ? "core locked up" : r.message;
            break;
        case StopReason::Breakpoint:
            s.breakpoint = true;
            break;
        case StopReason::Watchpoint:
            s.watchpoint = true;
            s.watch_address = r.watch_address;
            break;
        case StopReason::Requested:
            s.signal = kSigInt;
            break;
        case StopReason::TimeLimit:
            if (m_.clock().now() >= deadline) {
                s.signal = kSigXcpu;
                s.message = "virtual-time limit reached";
            }
            break;
        case StopReason::Step:
        case StopReason::InstructionLimit:
            break;
    }
    return s;
}

RunResult Server::run(Picos deadline) {
    deadline_ = deadline;
    bool halted = false;
    if (options_.wait_for_debugger) {
        accept_connection(true);
        halted = true;
    }
    for (;;) {
        if (conn_fd_ < 0 && accept_connection(false)) halted = true;  // attaching stops the guest
        if (halted && conn_fd_ >= 0) {
            switch (serve_until_resume()) {
                case Serve::Resume:
                    break;
                case Serve::Detached:
                    if (finished_) return *finished_;
                    break;  // run on undebugged
                case Serve::Killed:
                    return {StopReason::Requested, 0, "killed by the debugger"};
            }
            halted = false;
        }
        const Picos slice_end = std::min(deadline, m_.clock().now() + kSliceTime);
        const RunResult r = m_.run_until(slice_end, kSliceInstructions);
        const bool slice_over = r.reason == StopReason::InstructionLimit ||
                                (r.reason == StopReason::TimeLimit && m_.clock().now() < deadline);
        if (slice_over) {
            if (poll_interrupt()) {
                report(stop_from({StopReason::Requested, 0, {}}, deadline));
                halted = true;
            }
            continue;
        }
        if (conn_fd_ < 0) {
            // Undebugged: breakpoints/watchpoints left by a vanished debugger are passed over.
            if (r.reason == StopReason::Breakpoint || r.reason == StopReason::Watchpoint ||
                r.reason == StopReason::Requested)
                continue;
            return r;
        }
        report(stop_from(r, deadline));
        if (r.reason == StopReason::SemihostingExit) {
            close_connection();
            return r;
        }
        halted = true;
    }
}

}  // namespace tockemu::gdb
