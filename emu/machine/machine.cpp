// The SAM4L "Hail" machine: memories, System Control Space, debug blocks, the Hail board's
// peripherals, and the Cortex-M4 core, wired in that order (the core maps what is on the bus).
#include "emu/machine/machine.hpp"

#include "emu/core/file_bytes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "emu/board/hail_board.hpp"
#include "emu/core/context.hpp"
#include "emu/cpu/cortex_m4.hpp"
#include "emu/cpu/debug_blocks.hpp"
#include "emu/cpu/exceptions.hpp"
#include "emu/cpu/scs.hpp"
#include "emu/cpu/systick.hpp"
#include "emu/loader/app_flash.hpp"
#include "emu/loader/elf.hpp"
#include "emu/loader/tab.hpp"
#include "emu/loader/tbf.hpp"
#include "emu/mpu/mpu.hpp"

namespace tockemu {

namespace {
constexpr std::uint32_t kFlashBase = 0x00000000, kFlashSize = 512 * 1024;
constexpr std::uint32_t kSramBase = 0x20000000, kSramSize = 64 * 1024;
// Tock's bootloader occupies 0x0-0xFFFF and hands over to the kernel's vector table here
// (sam4l.md §1.2).
constexpr std::uint32_t kKernelVectorTable = 0x00010000;
constexpr std::uint32_t kPpbDebugLowBase = 0xE0000000, kPpbDebugLowSize = 0xE000;
constexpr std::uint32_t kPpbDebugHighBase = 0xE000F000, kPpbDebugHighSize = 0xF1000;

std::vector<std::uint8_t> read_file(const std::filesystem::path& p, const char* what) {
    auto bytes = read_file_bytes(p);
    if (!bytes) throw LoadError(fmt::format("{}: cannot open {}", p.string(), what));
    return std::move(*bytes);
}
}  // namespace

struct Machine::Impl {
    MachineConfig config;
    Clock clock;
    Bus bus;
    EventHub events;
    Mpu mpu;
    ExceptionState exc;
    SysTick systick{clock};
    Scs scs{exc, systick, mpu};
    MachineContext ctx{clock, bus, exc, events, nullptr};
    DebugBlocks debug_low{ctx, kPpbDebugLowBase};
    DebugBlocks debug_high{ctx, kPpbDebugHighBase};
    Memory* flash = nullptr;
    Memory* sram = nullptr;
    std::unique_ptr<HailBoard> board;
    std::unique_ptr<CortexM4> core;
    elf::SymbolTable symbols;
    std::vector<std::vector<std::uint8_t>> apps;  // TBFs in load order
    std::uint32_t app_flash_end = app_flash::kHailAppFlashStart;
    // Images loaded since the last reset and nothing run yet: the first run resets first, so
    // "load, run" works without an explicit reset().
    bool loaded_since_reset = false;
    std::uint64_t instructions_at_reset = 0;

    void reset_if_freshly_loaded() {
        if (loaded_since_reset && core->instructions() == instructions_at_reset) reset();
    }

    explicit Impl(MachineConfig c) : config(c), clock(c.core_hz) {
        flash = &bus.add_memory("flash", kFlashBase, kFlashSize, 0xFF);
        sram = &bus.add_memory("sram", kSramBase, kSramSize, 0x00);
        bus.map_device(Scs::kBase, Scs::kSize, scs);
        bus.map_device(kPpbDebugLowBase, kPpbDebugLowSize, debug_low);
        bus.map_device(kPpbDebugHighBase, kPpbDebugHighSize, debug_high);
        board = std::make_unique<HailBoard>(ctx, config.rng_seed);
        core = std::make_unique<CortexM4>(ctx, exc, scs, mpu);
        // The flash controller rewrote flash: translated code of that range is stale.
        board->on_flash_programmed = [this](std::uint32_t addr, std::uint32_t len) {
            core->invalidate_code(addr, len);
        };
        ctx.instructions = core->instruction_counter();
        core->map_bus();
        board->on_core_clock_change = [this](std::uint64_t hz) {
            clock.set_core_hz(hz);
            systick.core_clock_changed();
        };
        systick.on_wrap_interrupt = [this] { exc.set_pending(exc::kSysTick, true); };
        mpu.on_change = [this] {
            core->mpu_changed();
            if (!events.active()) return;
            MpuConfigEvent ev{mpu.ctrl(), {}, {}};
            for (std::size_t i = 0; i < 8; ++i) {
                ev.rbar[i] = mpu.regions()[i].rbar;
                ev.rasr[i] = mpu.regions()[i].rasr;
            }
            ctx.publish(ev);
        };
        core->symbolize = [this](std::uint32_t a) { return symbols.symbolize(a); };
        // The board's sleep modes follow the core; a watchdog reset is a system reset taken
        // at the next boundary, like AIRCR.SYSRESETREQ.
        core->on_sleep = [this](bool deep) { board->enter_sleep(deep); };
        core->on_wake = [this] { board->leave_sleep(); };
        board->on_system_reset_request = [this] { core->request_system_reset(); };
    }

    void write_image(std::uint32_t addr, std::span<const std::uint8_t> bytes,
                     const std::string& source) {
        if (bytes.empty()) return;
        Memory* m = bus.memory_at(addr, static_cast<std::uint32_t>(bytes.size()));
        if (!m)
            throw LoadError(fmt::format(
                "{}: {} bytes at {:#010x} do not fit in flash ({:#x}-{:#x}) or SRAM ({:#x}-{:#x})",
                source, bytes.size(), addr, kFlashBase, kFlashBase + kFlashSize, kSramBase,
                kSramBase + kSramSize));
        bus.write_block(addr, bytes, Initiator::Loader);
        loaded_since_reset = true;
        core->invalidate_code(addr, static_cast<std::uint32_t>(bytes.size()));
    }

    bool flash_vectors_erased() const {
        for (std::size_t i = 0; i < 8; ++i)
            if (flash->bytes[i] != 0xFF) return false;
        return true;
    }

    void reset() {
        scs.reset();
        debug_low.reset();
        debug_high.reset();
        board->reset();
        // No vector table at 0 (flash erased there): do what Tock's bootloader does before it
        // jumps to the kernel: VTOR = 0x10000, MSP and PC from that table.
        core->reset(flash_vectors_erased() ? kKernelVectorTable : 0);
        loaded_since_reset = false;
        instructions_at_reset = core->instructions();
    }
};

Machine::Machine(MachineConfig config) : impl_(std::make_unique<Impl>(config)) {
    impl_->core->system_reset = [this] { reset(); };
    reset();
}

Machine::~Machine() = default;

void Machine::load_elf(const std::filesystem::path& path) {
    const auto bytes = read_file_bytes(path);
    if (!bytes) throw LoadError(fmt::format("{}: cannot open file", path.string()));
    load_elf_bytes(*bytes, path.string());
}

void Machine::load_elf_bytes(std::span<const std::uint8_t> bytes, const std::string& source) {
    elf::Image img;
    try {
        img = elf::parse(bytes, source);
    } catch (const elf::ElfError& e) {
        throw LoadError(e.what());
    }
    for (const auto& seg : img.segments) impl_->write_image(seg.paddr, seg.bytes, source);
    for (auto& s : img.symbols) impl_->symbols.add(std::move(s));
}

void Machine::load_flash_image(const std::filesystem::path& bin, std::uint32_t address) {
    const auto bytes = read_file(bin, "flash image");
    if (address >= kFlashSize || bytes.size() > kFlashSize - address)
        throw LoadError(fmt::format("{}: {} bytes at {:#x} exceed the 512 KiB flash", bin.string(),
                                    bytes.size(), address));
    impl_->write_image(address, bytes, bin.string());
}

std::uint32_t Machine::load_app(const std::filesystem::path& tbf_or_tab) {
    auto& I = *impl_;
    std::vector<std::uint8_t> tbf;
    std::uint32_t total = 0;
    try {
        tbf = tab::read_tbf_or_tab(tbf_or_tab.string());
        total = tbf::parse(tbf, tbf_or_tab.string()).total_size;
    } catch (const std::exception& e) {
        throw LoadError(e.what());
    }
    if (tbf.size() < total)
        throw LoadError(fmt::format("{}: file has {} bytes but the TBF header says total_size {}",
                                    tbf_or_tab.string(), tbf.size(), total));
    tbf.resize(total);
    I.apps.push_back(std::move(tbf));
    std::vector<std::uint32_t> sizes;
    for (const auto& a : I.apps) sizes.push_back(static_cast<std::uint32_t>(a.size()));
    app_flash::Layout layout;
    std::vector<std::uint8_t> image;
    try {
        layout = app_flash::place_apps(sizes);
        image = app_flash::build_image(I.apps, layout);
    } catch (const std::exception& e) {
        I.apps.pop_back();
        throw LoadError(fmt::format("{}: {}", tbf_or_tab.string(), e.what()));
    }
    // Re-lay all apps (tockloader orders them by size), erased flash after the last one.
    const std::uint32_t start = app_flash::kHailAppFlashStart;
    const std::uint32_t old_end = std::max(I.app_flash_end, layout.end);
    std::vector<std::uint8_t> erased(old_end - start, 0xFF);
    std::copy(image.begin(), image.end(), erased.begin());
    I.write_image(start, erased, tbf_or_tab.string());
    I.app_flash_end = layout.end;
    return layout.address_of(I.apps.size() - 1);
}

void Machine::reset() {
    impl_->reset();
}

RunResult Machine::run_until(Picos deadline) {
    impl_->reset_if_freshly_loaded();
    return impl_->core->run_until(deadline);
}

RunResult Machine::run_until(Picos deadline, std::uint64_t max_instructions) {
    impl_->reset_if_freshly_loaded();
    return impl_->core->run_until(deadline, max_instructions);
}

RunResult Machine::step() {
    impl_->reset_if_freshly_loaded();
    return impl_->core->step();
}

RunResult Machine::step(Picos deadline) {
    impl_->reset_if_freshly_loaded();
    return impl_->core->step(deadline);
}
void Machine::set_debugger_attached(bool attached) {
    impl_->core->set_debugger_attached(attached);
}

void Machine::request_stop() {
    impl_->core->request_stop();
}

void Machine::set_semihosting_output(std::function<void(int, std::string_view)> sink) {
    impl_->core->semihosting_output = std::move(sink);
}

std::uint32_t Machine::reg(CoreReg r) {
    return impl_->core->reg(r);
}
void Machine::set_reg(CoreReg r, std::uint32_t value) {
    impl_->core->set_reg(r, value);
}

bool Machine::read_memory(std::uint32_t addr, std::span<std::uint8_t> out) {
    return impl_->bus.read_block(addr, out, Initiator::Debugger);
}

bool Machine::write_memory(std::uint32_t addr, std::span<const std::uint8_t> in) {
    const bool ok = impl_->bus.write_block(addr, in, Initiator::Debugger);
    if (ok) impl_->core->invalidate_code(addr, static_cast<std::uint32_t>(in.size()));
    return ok;
}

std::uint64_t Machine::instructions() const {
    return impl_->core->instructions();
}
std::uint64_t Machine::slow_stores() const {
    return impl_->core->slow_stores();
}
Clock& Machine::clock() {
    return impl_->clock;
}
Bus& Machine::bus() {
    return impl_->bus;
}
Mpu& Machine::mpu() {
    return impl_->mpu;
}
HailBoard& Machine::board() {
    return *impl_->board;
}
EventHub& Machine::events() {
    return impl_->events;
}

std::optional<std::uint32_t> Machine::symbol(const std::string& name) const {
    return impl_->symbols.lookup(name);
}

std::string Machine::symbolize(std::uint32_t addr) const {
    return impl_->symbols.symbolize(addr);
}

void Machine::add_breakpoint(std::uint32_t addr) {
    impl_->core->add_breakpoint(addr);
}
void Machine::remove_breakpoint(std::uint32_t addr) {
    impl_->core->remove_breakpoint(addr);
}
void Machine::add_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) {
    impl_->core->add_watchpoint(addr, len, kind);
}
void Machine::remove_watchpoint(std::uint32_t addr, std::uint32_t len, WatchKind kind) {
    impl_->core->remove_watchpoint(addr, len, kind);
}

}  // namespace tockemu
