#include "emu/cpu/semihosting.hpp"

#include <cstdio>
#include <set>

#include <spdlog/spdlog.h>

namespace tockemu {

namespace {
using namespace semihosting;

constexpr std::size_t kMaxString = 1 << 20;  // guard against a missing terminator

bool read_u32(Bus& bus, std::uint32_t addr, std::uint32_t& v) {
    const BusResult r = bus.read(addr, 4, Initiator::Debugger);
    v = r.value;
    return r.ok;
}

bool read_cstring(Bus& bus, std::uint32_t addr, std::string& s) {
    for (std::size_t i = 0; i < kMaxString; ++i) {
        const BusResult r = bus.read(addr + static_cast<std::uint32_t>(i), 1, Initiator::Debugger);
        if (!r.ok) return false;
        if (r.value == 0) return true;
        s.push_back(static_cast<char>(r.value));
    }
    return false;
}

void emit(const SemihostingOutput& out, int fd, std::string_view text) {
    if (out) {
        out(fd, text);
    } else {
        std::fwrite(text.data(), 1, text.size(), fd == 2 ? stderr : stdout);
        std::fflush(fd == 2 ? stderr : stdout);
    }
}

// Handles returned by SYS_OPEN(":tt"): mode < 4 is stdin, 4..7 stdout, 8..11 stderr.
constexpr std::uint32_t kStdin = 1, kStdout = 2, kStderr = 3;

int exit_code_for(std::uint32_t reason, std::uint32_t subcode) {
    if (reason == ADP_Stopped_ApplicationExit) return static_cast<int>(subcode);
    return 1;
}
}  // namespace

SemihostingResult semihost(const SemihostingRequest& req, Bus& bus, const Clock& clock,
                           const SemihostingOutput& out) {
    SemihostingResult res;
    switch (req.op) {
        case SYS_WRITEC: {
            const BusResult r = bus.read(req.arg, 1, Initiator::Debugger);
            if (r.ok) {
                res.text.push_back(static_cast<char>(r.value));
                emit(out, 1, res.text);
            }
            return res;
        }
        case SYS_WRITE0: {
            read_cstring(bus, req.arg, res.text);
            emit(out, 1, res.text);
            return res;
        }
        case SYS_WRITE: {
            std::uint32_t handle = 0, ptr = 0, len = 0;
            if (!read_u32(bus, req.arg, handle) || !read_u32(bus, req.arg + 4, ptr) ||
                !read_u32(bus, req.arg + 8, len)) {
                res.r0 = 0xFFFFFFFF;
                return res;
            }
            std::string data;
            std::uint32_t done = 0;
            for (; done < len && done < kMaxString; ++done) {
                const BusResult r = bus.read(ptr + done, 1, Initiator::Debugger);
                if (!r.ok) break;
                data.push_back(static_cast<char>(r.value));
            }
            // Handle 1/2 are the conventional stdout/stderr; the :tt handles likewise.
            const int fd = (handle == 2 || handle == kStderr) ? 2 : 1;
            emit(out, fd, data);
            res.text = std::move(data);
            res.r0 = len - done;  // bytes NOT written
            return res;
        }
        case SYS_OPEN: {
            std::uint32_t name = 0, mode = 0;
            std::string path;
            if (!read_u32(bus, req.arg, name) || !read_u32(bus, req.arg + 4, mode) ||
                !read_cstring(bus, name, path) || path != ":tt") {
                res.r0 = 0xFFFFFFFF;
                return res;
            }
            res.r0 = mode < 4 ? kStdin : mode < 8 ? kStdout : kStderr;
            return res;
        }
        case SYS_CLOSE:
            return res;
        case SYS_CLOCK:  // centiseconds since start, from virtual time
            res.r0 = static_cast<std::uint32_t>(clock.now() / (kPicosPerSecond / 100));
            return res;
        case SYS_TIME:
            res.r0 = static_cast<std::uint32_t>(clock.now() / kPicosPerSecond);
            return res;
        case SYS_ERRNO:
            return res;
        case SYS_EXIT:
            res.exit = true;
            res.exit_code = exit_code_for(req.arg, 0);
            return res;
        case SYS_EXIT_EXTENDED: {
            std::uint32_t reason = 0, sub = 0;
            read_u32(bus, req.arg, reason);
            read_u32(bus, req.arg + 4, sub);
            res.exit = true;
            res.exit_code = exit_code_for(reason, sub);
            return res;
        }
        default: {
            static std::set<std::uint32_t> logged;
            if (logged.insert(req.op).second)
                spdlog::warn("semihosting: operation {:#x} is not supported (returns -1)", req.op);
            res.r0 = 0xFFFFFFFF;
            return res;
        }
    }
}

}  // namespace tockemu
