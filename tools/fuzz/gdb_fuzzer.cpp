// Fuzz target: the GDB remote protocol, wire and engine (emu/gdb), over a real Machine. The
// input is a byte stream from a debugger: it goes through the frame decoder, every decoded
// packet to the engine as the server would pass it, and run control (step, continue) runs the
// machine briefly. Each line of the input is also handed to the engine as one packet payload,
// so that dictionary words reach the dispatcher without framing. The host must never crash.
#include <cstdint>
#include <memory>
#include <string_view>

#include "emu/gdb/engine.hpp"
#include "emu/gdb/machine_target.hpp"
#include "emu/gdb/wire.hpp"
#include "emu/machine/machine.hpp"

namespace {

using namespace tockemu;
using namespace tockemu::gdb;

struct Session {
    Machine machine;
    MachineTarget target{machine};
    Engine engine{target};
};

// False once the debugger detached or killed.
bool serve(Session& s, std::string_view packet) {
    const Engine::Reply r = s.engine.handle(packet);
    if (r.packet && r.packet->size() > 2 * kMaxPacketSize + 16) __builtin_trap();
    switch (r.action) {
        case Engine::Action::None:
            return true;
        case Engine::Action::Step:
            (void)s.engine.report_stop(StopEvent{});
            (void)s.machine.step(s.machine.clock().now() + 1'000'000'000);
            return true;
        case Engine::Action::Continue: {
            const RunResult res = s.machine.run_until(s.machine.clock().now() + 100'000'000, 500);
            StopEvent stop;
            stop.breakpoint = res.reason == StopReason::Breakpoint;
            stop.watchpoint = res.reason == StopReason::Watchpoint;
            stop.watch_address = res.watch_address;
            (void)s.engine.report_stop(stop);
            return true;
        }
        case Engine::Action::Detach:
        case Engine::Action::Kill:
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A fresh machine every 200 inputs bounds what debugger writes leave behind.
    static std::unique_ptr<Session> session;
    static unsigned inputs = 0;
    if (!session || ++inputs % 200 == 0) session = std::make_unique<Session>();
    Session& s = *session;
    s.engine.reset_session();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    FrameDecoder decoder;
    bool attached = true;
    for (std::size_t i = 0; i < size && attached; ++i) {
        auto f = decoder.feed(data[i]);
        if (f && f->kind == Frame::Kind::Packet) attached = serve(s, f->payload);
    }
    for (std::size_t at = 0; at < text.size() && attached;) {
        const std::size_t nl = std::min(text.find('\n', at), text.size());
        attached = serve(s, text.substr(at, nl - at));
        at = nl + 1;
    }
    s.engine.remove_all_stops();
    return 0;
}
