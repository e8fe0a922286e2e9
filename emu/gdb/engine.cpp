// GDB command dispatch; see engine.hpp. Every handler validates its arguments with the wire
// helpers and answers "E01" for a malformed packet, so no input can throw or read out of range.
#include "emu/gdb/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "emu/gdb/wire.hpp"

namespace tockemu::gdb {

namespace {
constexpr std::string_view kMalformed = "E01";
constexpr std::string_view kNoThread = "E02";
constexpr std::string_view kMemoryFault = "E14";  // EFAULT, as gdbserver answers

constexpr std::string_view kTargetXml = R"(<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>arm</architecture>
  <feature name="org.gnu.gdb.arm.m-profile">
    <reg name="r0" bitsize="32" regnum="0"/>
    <reg name="r1" bitsize="32"/>
    <reg name="r2" bitsize="32"/>
    <reg name="r3" bitsize="32"/>
    <reg name="r4" bitsize="32"/>
    <reg name="r5" bitsize="32"/>
    <reg name="r6" bitsize="32"/>
    <reg name="r7" bitsize="32"/>
    <reg name="r8" bitsize="32"/>
    <reg name="r9" bitsize="32"/>
    <reg name="r10" bitsize="32"/>
    <reg name="r11" bitsize="32"/>
    <reg name="r12" bitsize="32"/>
    <reg name="sp" bitsize="32" type="data_ptr"/>
    <reg name="lr" bitsize="32"/>
    <reg name="pc" bitsize="32" type="code_ptr"/>
    <reg name="xpsr" bitsize="32"/>
  </feature>
  <feature name="org.gnu.gdb.arm.m-system">
    <reg name="msp" bitsize="32" type="data_ptr"/>
    <reg name="psp" bitsize="32" type="data_ptr"/>
    <reg name="primask" bitsize="32" type="int" group="system"/>
    <reg name="basepri" bitsize="32" type="int" group="system"/>
    <reg name="faultmask" bitsize="32" type="int" group="system"/>
    <reg name="control" bitsize="32" type="int" group="system"/>
  </feature>
</target>
)";

// Largest memory read answered in one packet: two hex digits per byte must fit in PacketSize.
constexpr std::uint32_t kMaxMemoryRead = kMaxPacketSize / 2 - 16;
// Watchpoints cover at most this many bytes (GDB splits larger ones or uses software watches).
constexpr std::uint32_t kMaxWatchLength = 0x1000;

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

std::optional<ThreadId> parse_thread_id(std::string_view text) {
    if (text == "-1") return -1;
    const auto v = parse_hex32(text);
    if (!v || *v > 0x7FFFFFFF) return std::nullopt;
    return static_cast<ThreadId>(*v);
}

std::string_view watch_prefix(WatchKind kind) {
    switch (kind) {
        case WatchKind::Write:
            return "watch";
        case WatchKind::Read:
            return "rwatch";
        case WatchKind::Access:
            return "awatch";
    }
    return "awatch";
}

// qXfer chunking: 'm' + part when more follows, 'l' + part for the last piece.
std::string xfer_chunk(std::string_view document, std::uint32_t offset, std::uint32_t length) {
    if (offset >= document.size()) return "l";
    const std::size_t cap = std::min<std::size_t>(length, kMaxPacketSize - 16);
    const std::string_view part = document.substr(offset, cap);
    const bool last = offset + part.size() >= document.size();
    // Built piecewise: `"l" + str` trips GCC 12's -Wrestrict false positive at -O3.
    std::string reply(1, last ? 'l' : 'm');
    reply += part;
    return reply;
}
}  // namespace

std::string_view target_xml() {
    return kTargetXml;
}

void Engine::reset_session() {
    no_ack_ = false;
    g_thread_ = 0;
    stepped_ = 0;
    reported_ = 0;
    thread_list_.clear();
}

void Engine::remove_all_stops() {
    for (const auto& [addr, use] : breaks_) target_.remove_breakpoint(addr);
    breaks_.clear();
    for (const auto& w : watches_) target_.remove_watchpoint(w.addr, w.len, w.kind);
    watches_.clear();
}

Engine::Reply Engine::handle(std::string_view packet) {
    Action action = Action::None;
    std::string reply = dispatch(packet, action);
    if (action == Action::Continue || action == Action::Step) return {std::nullopt, action};
    if (action == Action::Kill) return {std::nullopt, action};
    return {std::move(reply), action};
}

std::string Engine::dispatch(std::string_view p, Action& action) {
    if (p.empty()) return "";
    const std::string_view args = p.substr(1);
    switch (p[0]) {
        case '?':
            return stop_reply_text(have_stop_ ? last_stop_ : StopEvent{});
        case 'g':
            return read_registers();
        case 'G':
            return write_registers(args);
        case 'p':
            return read_register(args);
        case 'P':
            return write_register(args);
        case 'm':
            return read_memory(args);
        case 'M':
            return write_memory_hex(args);
        case 'X':
            return write_memory_binary(args);
        case 'Z':
            return breakpoint(args, true);
        case 'z':
            return breakpoint(args, false);
        case 'H':
            return set_thread(args);
        case 'T':
            return thread_alive(args);
        case 'q':
        case 'Q':
            return query(p);
        case 'v':
            return v_packet(p, action);
        case 'c':
        case 's':
        case 'C':
        case 'S': {
            // Optional resume address: "c addr", "C sig;addr".
            std::string_view a = args;
            if (p[0] == 'C' || p[0] == 'S') {
                const auto semi = a.find(';');
                if (!parse_hex32(a.substr(0, semi))) return std::string(kMalformed);
                a = semi == std::string_view::npos ? std::string_view{} : a.substr(semi + 1);
            }
            if (!a.empty()) {
                const auto addr = parse_hex32(a);
                if (!addr) return std::string(kMalformed);
                target_.write_register(target_.current_thread(), 15, *addr);
            }
            action = (p[0] == 'c' || p[0] == 'C') ? Action::Continue : Action::Step;
            stepped_ = action == Action::Step ? target_.current_thread() : 0;
            return "";
        }
        case 'D':
            action = Action::Detach;
            return "OK";
        case 'k':
            action = Action::Kill;
            return "";
        default:
            return "";  // unsupported: the empty reply
    }
}

std::vector<std::string> Engine::report_stop(const StopEvent& stop) {
    last_stop_ = stop;
    have_stop_ = stop.kind == StopEvent::Kind::Signal;
    std::vector<std::string> packets;
    if (!stop.message.empty()) {
        std::string text = stop.message;
        if (text.back() != '\n') text.push_back('\n');
        std::string packet(1, 'O');
        packet += to_hex(text);
        packets.push_back(std::move(packet));
    }
    packets.push_back(stop_reply_text(stop));
    return packets;
}

std::string Engine::stop_reply_text(const StopEvent& stop) {
    if (stop.kind == StopEvent::Kind::Exited) return fmt::format("W{:02x}", stop.exit_code & 0xFF);
    ThreadId thread = target_.current_thread();
    if (stepped_ > 0 && stepped_ != thread) {
        const auto all = target_.threads();
        if (std::find(all.begin(), all.end(), stepped_) != all.end()) thread = stepped_;
    }
    reported_ = thread;
    std::string r = fmt::format("T{:02x}thread:{:x};", stop.signal & 0xFF, thread);
    if (stop.watchpoint) {
        WatchKind kind = WatchKind::Access;
        for (const auto& w : watches_)
            if (stop.watch_address >= w.addr && stop.watch_address - w.addr < w.len) {
                kind = w.kind;
                break;
            }
        r += fmt::format("{}:{:x};", watch_prefix(kind), stop.watch_address);
    } else if (stop.breakpoint) {
        const auto pc = target_.read_register(target_.current_thread(), 15).value_or(0);
        const auto it = breaks_.find(pc & ~1u);
        const bool hardware = it != breaks_.end() && !it->second.software;
        r += hardware ? "hwbreak:;" : "swbreak:;";
    }
    return r;
}

ThreadId Engine::register_thread() {
    if (g_thread_ > 0) return g_thread_;
    if (reported_ > 0 && reported_ != target_.current_thread()) {
        const auto all = target_.threads();
        if (std::find(all.begin(), all.end(), reported_) != all.end()) return reported_;
    }
    return target_.current_thread();
}

std::string Engine::read_registers() {
    const ThreadId t = register_thread();
    std::string out;
    for (unsigned n = 0; n < kRegisterCount; ++n) {
        const auto v = target_.read_register(t, n);
        if (!v) return std::string(kNoThread);
        out += le32_hex(*v);
    }
    return out;
}

std::string Engine::write_registers(std::string_view hex) {
    if (hex.size() != kRegisterCount * 8) return std::string(kMalformed);
    std::array<std::uint32_t, kRegisterCount> values{};
    for (unsigned n = 0; n < kRegisterCount; ++n) {
        const auto v = parse_le32_hex(hex.substr(n * 8, 8));
        if (!v) return std::string(kMalformed);
        values[n] = *v;
    }
    const ThreadId t = register_thread();
    for (unsigned n = 0; n < kRegisterCount; ++n)
        if (!target_.write_register(t, n, values[n])) return std::string(kNoThread);
    return "OK";
}

std::string Engine::read_register(std::string_view args) {
    const auto n = parse_hex32(args);
    if (!n) return std::string(kMalformed);
    if (*n >= kRegisterCount) return std::string(kMalformed);
    const auto v = target_.read_register(register_thread(), *n);
    return v ? le32_hex(*v) : std::string(kNoThread);
}

std::string Engine::write_register(std::string_view args) {
    const auto eq = args.find('=');
    if (eq == std::string_view::npos) return std::string(kMalformed);
    const auto n = parse_hex32(args.substr(0, eq));
    const auto v = parse_le32_hex(args.substr(eq + 1));
    if (!n || !v || *n >= kRegisterCount) return std::string(kMalformed);
    return target_.write_register(register_thread(), *n, *v) ? "OK" : std::string(kNoThread);
}

std::string Engine::read_memory(std::string_view args) {
    const auto al = parse_addr_len(args);
    if (!al) return std::string(kMalformed);
    const std::uint32_t len = std::min(al->len, kMaxMemoryRead);
    if (len == 0) return "";
    std::vector<std::uint8_t> buf(len);
    if (target_.read_memory(al->addr, buf)) return to_hex(buf);
    // Partly mapped: answer the readable prefix, as GDB accepts short reads.
    std::uint32_t n = 0;
    while (n < len && std::uint64_t{al->addr} + n <= 0xFFFFFFFFu &&
           target_.read_memory(al->addr + n, std::span(buf).subspan(n, 1)))
        ++n;
    if (n == 0) return std::string(kMemoryFault);
    return to_hex(std::span(buf).first(n));
}

std::string Engine::write_memory_hex(std::string_view args) {
    const auto colon = args.find(':');
    if (colon == std::string_view::npos) return std::string(kMalformed);
    const auto al = parse_addr_len(args.substr(0, colon));
    const auto bytes = parse_hex_bytes(args.substr(colon + 1));
    if (!al || !bytes || bytes->size() != al->len) return std::string(kMalformed);
    if (al->len == 0) return "OK";
    return target_.write_memory(al->addr, *bytes) ? "OK" : std::string(kMemoryFault);
}

std::string Engine::write_memory_binary(std::string_view args) {
    const auto colon = args.find(':');
    if (colon == std::string_view::npos) return std::string(kMalformed);
    const auto al = parse_addr_len(args.substr(0, colon));
    const std::string_view data = args.substr(colon + 1);
    if (!al || data.size() != al->len) return std::string(kMalformed);
    if (al->len == 0) return "OK";  // GDB's probe for X support
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
    return target_.write_memory(al->addr, std::span(bytes, data.size()))
               ? "OK"
               : std::string(kMemoryFault);
}

std::string Engine::breakpoint(std::string_view args, bool insert) {
    // type,addr,kind[;cond...]: conditions are only sent when we advertise them (we do not).
    const auto comma = args.find(',');
    if (comma != 1) return std::string(kMalformed);
    const char type = args[0];
    const auto al = parse_addr_len(args.substr(2, args.find(';') - 2));
    if (!al) return std::string(kMalformed);
    if (type == '0' || type == '1') {
        const std::uint32_t addr = al->addr & ~1u;
        auto& use = breaks_[addr];
        bool& set = type == '0' ? use.software : use.hardware;
        const bool was_set = use.software || use.hardware;
        set = insert;
        const bool now_set = use.software || use.hardware;
        if (now_set && !was_set) target_.add_breakpoint(addr);
        if (!now_set && was_set) target_.remove_breakpoint(addr);
        if (!now_set) breaks_.erase(addr);
        return "OK";
    }
    if (type == '2' || type == '3' || type == '4') {
        const WatchKind kind = type == '2'   ? WatchKind::Write
                               : type == '3' ? WatchKind::Read
                                             : WatchKind::Access;
        if (al->len == 0 || al->len > kMaxWatchLength) return std::string(kMalformed);
        auto it = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& w) {
            return w.addr == al->addr && w.len == al->len && w.kind == kind;
        });
        if (insert && it == watches_.end()) {
            target_.add_watchpoint(al->addr, al->len, kind);
            watches_.push_back({al->addr, al->len, kind});
        } else if (!insert && it != watches_.end()) {
            target_.remove_watchpoint(al->addr, al->len, kind);
            watches_.erase(it);
        }
        return "OK";
    }
    return "";  // unsupported breakpoint type
}

std::string Engine::set_thread(std::string_view args) {
    if (args.empty()) return std::string(kMalformed);
    const auto t = parse_thread_id(args.substr(1));
    if (!t) return std::string(kMalformed);
    if (args[0] == 'g') {
        if (*t > 0) {
            const auto all = target_.threads();
            if (std::find(all.begin(), all.end(), *t) == all.end()) return std::string(kNoThread);
        }
        g_thread_ = *t > 0 ? *t : 0;
        return "OK";
    }
    if (args[0] == 'c') return "OK";  // one core: steps and continues always run it
    return std::string(kMalformed);
}

std::string Engine::thread_alive(std::string_view args) {
    const auto t = parse_thread_id(args);
    if (!t) return std::string(kMalformed);
    const auto all = target_.threads();
    return std::find(all.begin(), all.end(), *t) != all.end() ? "OK" : std::string(kNoThread);
}

std::string Engine::query(std::string_view p) {
    if (starts_with(p, "qSupported"))
        return fmt::format(
            "PacketSize={:x};qXfer:features:read+;qXfer:memory-map:read+;vContSupported+;"
            "swbreak+;hwbreak+;QStartNoAckMode+",
            kMaxPacketSize);
    if (p == "QStartNoAckMode") {
        no_ack_ = true;
        return "OK";
    }
    if (starts_with(p, "qXfer:")) return xfer(p.substr(6));
    if (p == "qAttached") return "1";
    if (p == "qC") return fmt::format("QC{:x}", target_.current_thread());
    if (p == "qfThreadInfo") {
        thread_list_ = target_.threads();
        std::string r = "m";
        for (std::size_t i = 0; i < thread_list_.size(); ++i)
            r += fmt::format("{}{:x}", i ? "," : "", thread_list_[i]);
        thread_list_.clear();
        return r;
    }
    if (p == "qsThreadInfo") return "l";
    if (starts_with(p, "qThreadExtraInfo,")) {
        const auto t = parse_thread_id(p.substr(17));
        if (!t) return std::string(kMalformed);
        return to_hex(target_.thread_info(*t));
    }
    if (starts_with(p, "qRcmd,")) return monitor(p.substr(6));
    if (starts_with(p, "qSymbol:")) return "OK";  // we need no symbols from GDB
    return "";
}

std::string Engine::xfer(std::string_view args) {
    // features:read:annex:offset,length  |  memory-map:read::offset,length
    std::string_view object, annex, range;
    if (starts_with(args, "features:read:")) {
        const std::string_view rest = args.substr(14);
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos) return std::string(kMalformed);
        object = "features";
        annex = rest.substr(0, colon);
        range = rest.substr(colon + 1);
    } else if (starts_with(args, "memory-map:read::")) {
        object = "memory-map";
        range = args.substr(17);
    } else {
        return "";
    }
    const auto al = parse_addr_len(range);
    if (!al) return std::string(kMalformed);
    if (object == "features") {
        if (annex != "target.xml") return "E00";
        return xfer_chunk(kTargetXml, al->addr, al->len);
    }
    const std::string map = target_.memory_map_xml();
    return xfer_chunk(map, al->addr, al->len);
}

std::string Engine::monitor(std::string_view hex) {
    const auto bytes = parse_hex_bytes(hex);
    if (!bytes) return std::string(kMalformed);
    const std::string command(bytes->begin(), bytes->end());
    auto text = target_.monitor(command);
    if (!text)
        text = fmt::format("unknown monitor command '{}'; try: reset, processes, mpu, time\n",
                           command);
    if (text->empty()) return "OK";
    return to_hex(*text);
}

std::string Engine::v_packet(std::string_view p, Action& action) {
    if (p == "vCont?") return "vCont;c;C;s;S";
    if (starts_with(p, "vCont;")) {
        // One core: any step action steps it, otherwise it continues. Thread selectors are
        // accepted and ignored (the core runs whichever process the kernel schedules).
        bool step = false, cont = false;
        ThreadId step_thread = 0;
        std::string_view rest = p.substr(6);
        while (!rest.empty()) {
            const auto semi = rest.find(';');
            const std::string_view item = rest.substr(0, semi);
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            const std::string_view verb = item.substr(0, item.find(':'));
            if (verb == "s" ||
                (verb.size() == 3 && verb[0] == 'S' && parse_hex32(verb.substr(1)))) {
                step = true;
                const auto colon = item.find(':');
                if (colon != std::string_view::npos)
                    if (const auto t = parse_thread_id(item.substr(colon + 1)); t && *t > 0)
                        step_thread = *t;
            } else if (verb == "c" ||
                       (verb.size() == 3 && verb[0] == 'C' && parse_hex32(verb.substr(1))))
                cont = true;
            else
                return std::string(kMalformed);
        }
        if (!step && !cont) return std::string(kMalformed);
        action = step ? Action::Step : Action::Continue;
        stepped_ = step ? (step_thread > 0 ? step_thread : target_.current_thread()) : 0;
        return "";
    }
    if (starts_with(p, "vKill")) {
        action = Action::Kill;
        return "OK";
    }
    if (starts_with(p, "vFlash")) return flash_packet(p);
    return "";  // includes vMustReplyEmpty
}

std::string Engine::flash_packet(std::string_view p) {
    // GDB's `load` into a region the memory map calls flash: erase, write, done. The debugger
    // programs flash directly (as a probe would), bypassing the flash controller.
    if (starts_with(p, "vFlashErase:")) {
        const auto al = parse_addr_len(p.substr(12));
        if (!al || al->len > 0x100000) return std::string(kMalformed);
        const std::vector<std::uint8_t> erased(al->len, 0xFF);
        return target_.write_memory(al->addr, erased) ? "OK" : std::string(kMemoryFault);
    }
    if (starts_with(p, "vFlashWrite:")) {
        const std::string_view rest = p.substr(12);
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos) return std::string(kMalformed);
        const auto addr = parse_hex32(rest.substr(0, colon));
        if (!addr) return std::string(kMalformed);
        const std::string_view data = rest.substr(colon + 1);
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
        return target_.write_memory(*addr, std::span(bytes, data.size()))
                   ? "OK"
                   : std::string(kMemoryFault);
    }
    if (p == "vFlashDone") return "OK";
    return "";
}

}  // namespace tockemu::gdb
