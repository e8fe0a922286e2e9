#include "chips/sam4l/ast.hpp"

#include "chips/sam4l/mmio.hpp"
#include "chips/sam4l/pm.hpp"

namespace sam4l {
namespace {

constexpr std::uintptr_t kAstBase = 0x400F'0800;
// Registers, in datasheet order.
constexpr Reg kCr{kAstBase + 0x00};
constexpr Reg kCv{kAstBase + 0x04};
constexpr Reg kSr{kAstBase + 0x08};
constexpr Reg kScr{kAstBase + 0x0C};
constexpr Reg kIer{kAstBase + 0x10};
constexpr Reg kIdr{kAstBase + 0x14};
constexpr Reg kWer{kAstBase + 0x1C};
constexpr Reg kAr0{kAstBase + 0x20};
constexpr Reg kClock{kAstBase + 0x40};

constexpr std::uint32_t kCrEn = 1u << 0;
constexpr std::uint32_t kCrPselMask = 0x1Fu << 16;
constexpr std::uint32_t kSrAlarm0 = 1u << 8;
constexpr std::uint32_t kSrBusy = 1u << 24;
constexpr std::uint32_t kSrClkbusy = 1u << 28;
constexpr std::uint32_t kClockCen = 1u << 0;
constexpr std::uint32_t kClockCsselClk32 = 1u << 8;

bool wait_busy() {
    return poll(kSr, kSrBusy, 0);
}
bool wait_clkbusy() {
    return poll(kSr, kSrClkbusy, 0);
}

// Every write into the counter domain: not while BUSY, and wait until it has been taken.
void write_synced(Reg reg, std::uint32_t value) {
    wait_busy();
    reg.write(value);
    wait_busy();
}

}  // namespace

const char* Ast::configure() {
    pm::enable(pm::PbdClock::kAst);
    if (!wait_clkbusy()) return "AST.SR.CLKBUSY";
    kClock.write(kClock.read() & ~kClockCen);
    if (!wait_clkbusy()) return "AST.SR.CLKBUSY";
    kClock.write(kClockCsselClk32);
    if (!wait_clkbusy()) return "AST.SR.CLKBUSY";
    kClock.write(kClockCsselClk32 | kClockCen);
    if (!wait_clkbusy()) return "AST.SR.CLKBUSY";

    if (!wait_busy()) return "AST.SR.BUSY";
    write_synced(kCr, kCr.read() & ~kCrEn);
    write_synced(kIdr, kSrAlarm0);
    write_synced(kCr, kCr.read() & ~kCrPselMask);  // PSEL = 0: 32 kHz / 2
    write_synced(kWer, kWer.read() | kSrAlarm0);   // the alarm wakes the chip from deep sleep
    write_synced(kScr, kSrAlarm0);
    // Upstream enables the counter only with the first alarm; we start it here so that now()
    // advances from boot whether or not anyone has armed an alarm yet.
    write_synced(kCr, kCr.read() | kCrEn);
    return nullptr;
}

hil::Ticks Ast::now() {
    wait_busy();
    return kCv.read();
}

void Ast::set_alarm(hil::Ticks reference, hil::Ticks dt) {
    const hil::Ticks current = now();
    hil::Ticks expiry = reference + dt;
    // Already past (outside [reference, expiry) seen from now) or too close: fire soon instead
    // of after a full counter wrap.
    if (!hil::within_range(current, reference, expiry) ||
        static_cast<hil::Ticks>(expiry - current) < kMinimumDt) {
        expiry = current + kMinimumDt;
    }
    alarm_ = expiry;
    armed_ = true;
    write_synced(kScr, kSrAlarm0);
    write_synced(kAr0, expiry);
    write_synced(kIer, kSrAlarm0);
    // Each synchronised write costs two AST clock periods; skip the one that changes nothing.
    if ((kCr.read() & kCrEn) == 0) write_synced(kCr, kCr.read() | kCrEn);
}

void Ast::disarm() {
    armed_ = false;
    write_synced(kIdr, kSrAlarm0);
    write_synced(kScr, kSrAlarm0);
}

void Ast::handle_interrupt() {
    write_synced(kScr, kSrAlarm0);
    if (!armed_) return;
    armed_ = false;
    write_synced(kIdr, kSrAlarm0);
    if (client_ != nullptr) client_->alarm_fired();
}

}  // namespace sam4l
