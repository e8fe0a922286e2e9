#include "emu/periph/sam4l/flashcalw.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

namespace {
constexpr std::uint32_t kKey = 0xA5;
constexpr std::uint32_t kPagenMask = 0x00FF'FF00;  // FCMD.PAGEN[23:8]
constexpr Picos kPageProgramTime = picos_from_us(1200);
constexpr Picos kEraseAllTime = picos_from_ms(5);
constexpr Picos kShortCommandTime = picos_from_us(1);

constexpr Reg kFlashRegs[] = {
    {Flashcalw::FCR, "FCR", Access::RW, 0, 0xDD},
    {Flashcalw::FCMD, "FCMD", Access::RW, 0, 0xFFFF'FF3F},
    {Flashcalw::FSR, "FSR", Access::RO, Flashcalw::FSR_FRDY},
    // FSZ = 11 (512 KiB), PSZ = 4 (512-byte pages).
    {Flashcalw::FPR, "FPR", Access::RO, 0x0000'040B},
    {Flashcalw::VERSION, "VERSION", Access::RO, 0x110},
    {Flashcalw::FGPFRHI, "FGPFRHI", Access::RO},
    {Flashcalw::FGPFRLO, "FGPFRLO", Access::RO},
};

constexpr Reg kHcacheRegs[] = {
    {Hcache::CTRL, "CTRL", Access::WO, 0, 0x1},
    {Hcache::SR, "SR", Access::RW, 0, 0x1},
    {Hcache::MAINT0, "MAINT0", Access::WO, 0, 0x1},
    {Hcache::MAINT1, "MAINT1", Access::WO, 0, 0xF0},
    {Hcache::MCFG, "MCFG", Access::RW, 0, 0x3},
    {Hcache::MEN, "MEN", Access::RW, 0, 0x1},
    {Hcache::MCTRL, "MCTRL", Access::WO, 0, 0x1},
    {Hcache::MSR, "MSR", Access::RO},
    {Hcache::VERSION, "VERSION", Access::RO, 0x101},
};

constexpr Reg kChipIdRegs[] = {
    {ChipId::CIDR, "CIDR", Access::RO, ChipId::kCidr},
    {ChipId::EXID, "EXID", Access::RO, ChipId::kExid},
};
}  // namespace

Flashcalw::Flashcalw(Memory& flash, Clock& clock, InterruptSink* irq, unsigned irq_number)
    : RegisterBlock("HFLASHC", kFlashRegs, 0x400),
      flash_(flash),
      clock_(clock),
      line_(irq, irq_number) {
    // Safety: guest stores into flash only ever reach the 512-byte page buffer, indexed modulo
    // the page size, so no guest address can write outside it.
    flash_.store_handler = [this](std::uint32_t offset, std::uint32_t value, unsigned size) {
        buffer_store(offset, value, size);
    };
    buffer_.fill(0xFF);
    reset();
}

Flashcalw::~Flashcalw() {
    flash_.store_handler = nullptr;
    if (busy_ev_) clock_.cancel(busy_ev_);
}

void Flashcalw::on_reset() {
    if (busy_ev_) clock_.cancel(busy_ev_);
    busy_ev_ = 0;
}

void Flashcalw::buffer_store(std::uint32_t offset, std::uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i)
        buffer_[(offset + i) % kPageSize] = static_cast<std::uint8_t>(value >> (8 * i));
    // Datasheet "Page Buffer Operations": a store into the flash map also sets FCMD.PAGEN to the
    // page it addresses, so a later WP/EP that keeps PAGEN (ASF's page -1) targets that page.
    std::uint32_t& fcmd = reg_ref(FCMD);
    fcmd = (fcmd & ~kPagenMask) | (((offset / kPageSize) << 8) & kPagenMask);
}

bool Flashcalw::page_locked(std::uint32_t page) const {
    return (reg(FSR) >> (16 + page / kPagesPerRegion)) & 1u;
}

void Flashcalw::finish_after(Picos duration) {
    reg_ref(FSR) &= ~FSR_FRDY;
    busy_ev_ = clock_.schedule_in(
        duration,
        [this] {
            busy_ev_ = 0;
            reg_ref(FSR) |= FSR_FRDY;
            update_irq();
        },
        "FLASHCALW command");
}

void Flashcalw::on_write(std::size_t index, std::uint32_t value) {
    if (def(index).offset != FCMD) return;
    if ((value >> 24) != kKey) {
        log_gap_once(FCMD, "FCMD written without KEY 0xA5 (command ignored)");
        return;
    }
    if (!(reg(FSR) & FSR_FRDY)) {
        spdlog::warn("HFLASHC: command {:#x} written while FSR.FRDY = 0 (ignored)", value & 0x3F);
        return;
    }
    command(value & 0x3F, (value >> 8) & 0xFFFF);
}

void Flashcalw::command(std::uint32_t cmd, std::uint32_t page) {
    std::uint32_t& fsr = reg_ref(FSR);
    fsr &= ~(FSR_LOCKE | FSR_PROGE);
    const std::uint32_t pages = flash_.size() / kPageSize;
    const bool page_ok = page < pages;
    auto page_bytes = [&] { return flash_.bytes.begin() + page * kPageSize; };
    switch (cmd) {
        case NOP:
            return;
        case WP:
        case EP:
            if (!page_ok) {
                fsr |= FSR_PROGE;
                return;
            }
            if (page_locked(page)) {
                fsr |= FSR_LOCKE;
                return;
            }
            if (cmd == WP) {
                // Programming only clears bits.
                std::transform(page_bytes(), page_bytes() + kPageSize, buffer_.begin(),
                               page_bytes(), [](std::uint8_t f, std::uint8_t b) { return f & b; });
            } else {
                std::fill(page_bytes(), page_bytes() + kPageSize, 0xFF);
            }
            if (on_flash_changed) on_flash_changed(flash_.base + page * kPageSize, kPageSize);
            finish_after(kPageProgramTime);
            return;
        case CPB:
            buffer_.fill(0xFF);
            finish_after(kShortCommandTime);
            return;
        case LP:
        case UP: {
            if (!page_ok) {
                fsr |= FSR_PROGE;
                return;
            }
            const std::uint32_t bit = 1u << (16 + page / kPagesPerRegion);
            fsr = cmd == LP ? fsr | bit : fsr & ~bit;
            finish_after(kShortCommandTime);
            return;
        }
        case EA:
            if (fsr & 0xFFFF'0000u) {
                fsr |= FSR_LOCKE;
                return;
            }
            std::fill(flash_.bytes.begin(), flash_.bytes.end(), 0xFF);
            if (on_flash_changed) on_flash_changed(flash_.base, flash_.size());
            finish_after(kEraseAllTime);
            return;
        case QPR: {
            if (!page_ok) {
                fsr |= FSR_PROGE;
                return;
            }
            const bool erased = std::all_of(page_bytes(), page_bytes() + kPageSize,
                                            [](auto b) { return b == 0xFF; });
            fsr = erased ? fsr | FSR_QPRR : fsr & ~FSR_QPRR;
            finish_after(kShortCommandTime);
            return;
        }
        case HSEN:
        case HSDIS:
            fsr = cmd == HSEN ? fsr | FSR_HSMODE : fsr & ~FSR_HSMODE;
            finish_after(kShortCommandTime);
            return;
        default:
            log_gap_once(FCMD, "user page / fuse / security commands are not modelled (PROGE)");
            fsr |= FSR_PROGE;
            return;
    }
}

void Flashcalw::update_irq() {
    const std::uint32_t fsr = reg(FSR), fcr = reg(FCR);
    line_.set(((fcr & FCR_FRDY) && (fsr & FSR_FRDY)) || ((fcr & FCR_LOCKE) && (fsr & FSR_LOCKE)) ||
              ((fcr & FCR_PROGE) && (fsr & FSR_PROGE)));
}

Hcache::Hcache() : RegisterBlock("HCACHE", kHcacheRegs, 0x400) {
    reset();
}

void Hcache::on_write(std::size_t index, std::uint32_t value) {
    // The cache is "enabled" as soon as CEN is written: there is no array to initialise.
    if (def(index).offset == CTRL) set_reg(SR, value & 1u);
}

std::uint32_t Hcache::on_read(std::size_t index, std::uint32_t stored, bool side_effects) {
    // CSTS follows CEN at once, so the only way to wait forever is never to enable the cache.
    if (side_effects && def(index).offset == SR) watch_.observe(stored, 0);
    return stored;
}

ChipId::ChipId() : RegisterBlock("CHIPID", kChipIdRegs, 0x400) {
    reset();
}

}  // namespace tockemu::sam4l
