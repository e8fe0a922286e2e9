#include "emu/cpu/scs.hpp"

#include <spdlog/spdlog.h>

#include "emu/mpu/mpu.hpp"

namespace tockemu {

namespace {
// Register offsets from 0xE000E000.
constexpr std::uint32_t ICTR = 0x004, ACTLR = 0x008, SYST_BEGIN = 0x010, SYST_END = 0x020,
                        ISER = 0x100, ICER = 0x180, ISPR = 0x200, ICPR = 0x280, IABR = 0x300,
                        NVIC_WORDS_END = 0x340, IPR = 0x400, IPR_END = 0x5F0, CPUID = 0xD00,
                        ICSR = 0xD04, VTOR = 0xD08, AIRCR = 0xD0C, SCR = 0xD10, CCR = 0xD14,
                        SHPR = 0xD18, SHPR_END = 0xD24, SHCSR = 0xD24, CFSR = 0xD28, HFSR = 0xD2C,
                        DFSR = 0xD30, MMFAR = 0xD34, BFAR = 0xD38, AFSR = 0xD3C, ID_BEGIN = 0xD40,
                        ID_END = 0xD80, CPACR = 0xD88, MPU_BEGIN = 0xD90, DEMCR = 0xDFC,
                        STIR = 0xF00;
// The NVIC register groups are 0x80 apart: the group arithmetic below relies on it.
static_assert(ICER - ISER == 0x80 && ISPR - ICER == 0x80 && ICPR - ISPR == 0x80 &&
              IABR - ICPR == 0x80);

// Cortex-M4 feature registers ID_PFR0..ID_ISAR4 (0xD40-0xD74), from the Cortex-M4 TRM.
constexpr std::uint32_t kIdRegs[] = {
    0x00000030, 0x00000200, 0x00100000, 0x00000000, 0x00100030, 0x00000000, 0x01000000, 0x00000000,
    0x01101110, 0x02111000, 0x21112231, 0x01111110, 0x01310132, 0x00000000, 0x00000000, 0x00000000};

// ICSR fields
constexpr std::uint32_t ICSR_RETTOBASE = 1u << 11, ICSR_ISRPENDING = 1u << 22,
                        ICSR_PENDSTCLR = 1u << 25, ICSR_PENDSTSET = 1u << 26,
                        ICSR_PENDSVCLR = 1u << 27, ICSR_PENDSVSET = 1u << 28,
                        ICSR_NMIPENDSET = 1u << 31;
constexpr std::uint32_t AIRCR_VECTKEY = 0x05FA, AIRCR_VECTKEYSTAT = 0xFA05,
                        AIRCR_SYSRESETREQ = 1u << 2;
constexpr std::uint32_t SCR_MASK = 0x16;  // SLEEPONEXIT, SLEEPDEEP, SEVONPEND
constexpr std::uint32_t CCR_MASK = 0x31B;

// SHCSR: (bit, exception, what)
struct ShcsrBit {
    unsigned bit, exception;
    enum Kind { Active, Pending, Enable } kind;
};
constexpr ShcsrBit kShcsr[] = {
    {0, exc::kMemManage, ShcsrBit::Active},    {1, exc::kBusFault, ShcsrBit::Active},
    {3, exc::kUsageFault, ShcsrBit::Active},   {7, exc::kSvCall, ShcsrBit::Active},
    {8, exc::kDebugMonitor, ShcsrBit::Active}, {10, exc::kPendSv, ShcsrBit::Active},
    {11, exc::kSysTick, ShcsrBit::Active},     {12, exc::kUsageFault, ShcsrBit::Pending},
    {13, exc::kMemManage, ShcsrBit::Pending},  {14, exc::kBusFault, ShcsrBit::Pending},
    {15, exc::kSvCall, ShcsrBit::Pending},     {16, exc::kMemManage, ShcsrBit::Enable},
    {17, exc::kBusFault, ShcsrBit::Enable},    {18, exc::kUsageFault, ShcsrBit::Enable},
};

bool is_w1c_or_action(std::uint32_t word) {
    return (word >= ISER && word < NVIC_WORDS_END) || word == CFSR || word == HFSR ||
           word == DFSR || word == STIR || word == ICSR;
}
}  // namespace

void Scs::reset() {
    faults_ = {};
    vtor_ = scr_ = actlr_ = demcr_ = 0;
    ccr_ = scb::STKALIGN;
    exc_.reset();
    systick_.reset();
    mpu_.reset();
}

std::uint32_t Scs::demcr() const {
    return demcr_ | (exc_.pending(exc::kDebugMonitor) ? scb::MON_PEND : 0);
}

void Scs::unmodelled(std::uint32_t offset, bool write) {
    if (logged_.insert(offset).second)
        spdlog::get("model")
            ? spdlog::get("model")->info("SCS: unmodelled register {:#010x} {}", kBase + offset,
                                         write ? "written" : "read")
            : spdlog::info("SCS: unmodelled register {:#010x}", kBase + offset);
}

std::uint32_t Scs::read_icsr() const {
    const unsigned active = current_exception ? current_exception() : 0;
    std::uint32_t v = active & 0x1FF;
    if (auto p = exc_.highest_pending()) v |= (*p & 0x1FF) << 12;
    // RETTOBASE (B3.2.4): no active exception other than the one in IPSR. The manual leaves it
    // UNKNOWN in Thread mode; a Cortex-M4 (ICSR = 0x00000800 at reset) and QEMU read 1 there
    // too when nothing is active.
    if (exc_.active_count() <= 1) v |= ICSR_RETTOBASE;
    if (exc_.any_irq_pending()) v |= ICSR_ISRPENDING;
    if (exc_.pending(exc::kSysTick)) v |= ICSR_PENDSTSET;
    if (exc_.pending(exc::kPendSv)) v |= ICSR_PENDSVSET;
    if (exc_.pending(exc::kNmi)) v |= ICSR_NMIPENDSET;
    return v;
}

void Scs::write_icsr(std::uint32_t v) {
    if (v & ICSR_NMIPENDSET) exc_.set_pending(exc::kNmi, true);
    if (v & ICSR_PENDSVSET)
        exc_.set_pending(exc::kPendSv, true);
    else if (v & ICSR_PENDSVCLR)
        exc_.set_pending(exc::kPendSv, false);
    if (v & ICSR_PENDSTSET)
        exc_.set_pending(exc::kSysTick, true);
    else if (v & ICSR_PENDSTCLR)
        exc_.set_pending(exc::kSysTick, false);
}

std::uint32_t Scs::read_shcsr() const {
    std::uint32_t v = 0;
    for (const auto& b : kShcsr) {
        bool set = false;
        switch (b.kind) {
            case ShcsrBit::Active:
                set = exc_.active(b.exception);
                break;
            case ShcsrBit::Pending:
                set = exc_.pending(b.exception);
                break;
            case ShcsrBit::Enable:
                set = exc_.fault_enabled(b.exception);
                break;
        }
        if (set) v |= 1u << b.bit;
    }
    return v;
}

void Scs::write_shcsr(std::uint32_t v) {
    // Software may write the active and pended bits (context save/restore); the architecture
    // leaves the consequences to software.
    for (const auto& b : kShcsr) {
        const bool set = v & (1u << b.bit);
        switch (b.kind) {
            case ShcsrBit::Active:
                exc_.set_active(b.exception, set);
                break;
            case ShcsrBit::Pending:
                exc_.set_pending(b.exception, set);
                break;
            case ShcsrBit::Enable:
                exc_.set_fault_enabled(b.exception, set);
                break;
        }
    }
}

std::uint32_t Scs::read_word(std::uint32_t off, bool side_effects) {
    if (off >= SYST_BEGIN && off < SYST_END) return systick_.read(off - SYST_BEGIN, side_effects);
    if (off >= ISER && off < NVIC_WORDS_END) {
        const unsigned group = (off - ISER) / 0x80;  // ISER, ICER, ISPR, ICPR, IABR
        const unsigned first = ((off & 0x7F) / 4) * 32;
        std::uint32_t v = 0;
        for (unsigned i = 0; i < 32; ++i) {
            const unsigned irq = first + i;
            if (irq >= ExceptionState::kIrqLines) break;
            const unsigned n = exc::kFirstIrq + irq;
            bool b = false;
            switch (group) {
                case 0:
                case 1:
                    b = exc_.irq_enabled(irq);
                    break;
                case 2:
                case 3:
                    b = exc_.pending(n);
                    break;
                case 4:
                    b = exc_.active(n);
                    break;
                default:
                    break;
            }
            if (b) v |= 1u << i;
        }
        return v;
    }
    if (off >= IPR && off < IPR_END) {
        std::uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i)
            v |= std::uint32_t{exc_.priority_byte(exc::kFirstIrq + off - IPR + i)} << (8 * i);
        return v;
    }
    if (off >= SHPR && off < SHPR_END) {
        std::uint32_t v = 0;
        for (unsigned i = 0; i < 4; ++i)
            v |= std::uint32_t{exc_.priority_byte(4 + off - SHPR + i)} << (8 * i);
        return v;
    }
    if (off >= MPU_BEGIN && off < MPU_BEGIN + Mpu::kSize) return mpu_.read(off - MPU_BEGIN);
    if (off >= ID_BEGIN && off < ID_END) return kIdRegs[(off - ID_BEGIN) / 4];
    switch (off) {
        case ICTR:
            return 2;  // 96 lines in 3 words; lines 80..95 read as zero
        case ACTLR:
            return actlr_;
        case CPUID:
            return scb::kCpuid;
        case ICSR:
            return read_icsr();
        case VTOR:
            return vtor_;
        case AIRCR:
            return (AIRCR_VECTKEYSTAT << 16) | (exc_.prigroup() << 8);
        case SCR:
            return scr_;
        case CCR:
            return ccr_;
        case SHCSR:
            return read_shcsr();
        case CFSR:
            return faults_.cfsr;
        case HFSR:
            return faults_.hfsr;
        case DFSR:
            return faults_.dfsr;
        case MMFAR:
            return faults_.mmfar;
        case BFAR:
            return faults_.bfar;
        case AFSR:
            return faults_.afsr;
        case CPACR:
            return 0;  // no FPU: CP10/CP11 not implemented
        case DEMCR:
            return demcr();
        case STIR:
            return 0;
        default:
            unmodelled(off, false);
            return 0;
    }
}

void Scs::write_word(std::uint32_t off, std::uint32_t v) {
    if (off >= SYST_BEGIN && off < SYST_END) return systick_.write(off - SYST_BEGIN, v);
    if (off >= ISER && off < NVIC_WORDS_END) {
        const unsigned group = (off - ISER) / 0x80;
        const unsigned first = ((off & 0x7F) / 4) * 32;
        for (unsigned i = 0; i < 32; ++i) {
            const unsigned irq = first + i;
            if (!(v & (1u << i)) || irq >= ExceptionState::kIrqLines) continue;
            const unsigned n = exc::kFirstIrq + irq;
            switch (group) {
                case 0:
                    exc_.set_irq_enabled(irq, true);
                    break;
                case 1:
                    exc_.set_irq_enabled(irq, false);
                    break;
                case 2:
                    exc_.set_pending(n, true);
                    break;
                case 3:
                    exc_.set_pending(n, false);
                    break;
                default:
                    break;  // IABR is read-only
            }
        }
        return;
    }
    if (off >= IPR && off < IPR_END) {
        for (unsigned i = 0; i < 4; ++i)
            exc_.set_priority_byte(exc::kFirstIrq + off - IPR + i,
                                   static_cast<std::uint8_t>(v >> (8 * i)));
        return;
    }
    if (off >= SHPR && off < SHPR_END) {
        for (unsigned i = 0; i < 4; ++i)
            exc_.set_priority_byte(4 + off - SHPR + i, static_cast<std::uint8_t>(v >> (8 * i)));
        return;
    }
    if (off >= MPU_BEGIN && off < MPU_BEGIN + Mpu::kSize) return mpu_.write(off - MPU_BEGIN, v);
    switch (off) {
        case ACTLR:
            actlr_ = v & 0x307;
            return;
        case ICSR:
            write_icsr(v);
            return;
        case VTOR:
            set_vtor(v);
            return;
        case AIRCR:
            if ((v >> 16) != AIRCR_VECTKEY) return;  // wrong key: ignored
            exc_.set_prigroup((v >> 8) & 7);
            if ((v & AIRCR_SYSRESETREQ) && on_system_reset) on_system_reset();
            return;
        case SCR:
            scr_ = v & SCR_MASK;
            return;
        case CCR:
            ccr_ = v & CCR_MASK;
            if (on_ccr_change) on_ccr_change();
            return;
        case SHCSR:
            write_shcsr(v);
            return;
        case CFSR:
            faults_.cfsr &= ~v;
            return;
        case HFSR:
            faults_.hfsr &= ~v;
            return;
        case DFSR:
            faults_.dfsr &= ~v;
            return;
        case MMFAR:
            faults_.mmfar = v;
            return;
        case BFAR:
            faults_.bfar = v;
            return;
        case AFSR:
            faults_.afsr &= ~v;
            return;
        case CPACR:
            return;
        case DEMCR:
            // MON_PEND is the DebugMonitor's pending bit; MON_EN enables the exception. MON_STEP
            // is stored but does not step (no monitor stepping), MON_REQ is a plain flag.
            demcr_ = v & 0x010F07F1 & ~scb::MON_PEND;
            exc_.set_monitor_enabled((v & scb::MON_EN) != 0);
            exc_.set_pending(exc::kDebugMonitor, (v & scb::MON_PEND) != 0);
            return;
        case STIR: {
            const unsigned irq = v & 0x1FF;
            if (irq < ExceptionState::kIrqLines) exc_.set_pending(exc::kFirstIrq + irq, true);
            return;
        }
        default:
            unmodelled(off, true);
            return;
    }
}

std::uint32_t Scs::read(std::uint32_t offset, unsigned size) {
    const std::uint32_t word = offset & ~3u;
    const std::uint32_t v = read_word(word, true);
    const unsigned shift = (offset & 3) * 8;
    return size == 4 ? v : (v >> shift) & ((1u << (size * 8)) - 1);
}

std::uint32_t Scs::peek(std::uint32_t offset, unsigned size) {
    const std::uint32_t word = offset & ~3u;
    const std::uint32_t v = read_word(word, false);
    const unsigned shift = (offset & 3) * 8;
    return size == 4 ? v : (v >> shift) & ((1u << (size * 8)) - 1);
}

void Scs::write(std::uint32_t offset, std::uint32_t value, unsigned size) {
    const std::uint32_t word = offset & ~3u;
    if (size == 4) return write_word(word, value);
    const unsigned shift = (offset & 3) * 8;
    const std::uint32_t mask = ((1u << (size * 8)) - 1) << shift;
    // Byte lanes: priority registers are byte-accessible; set/clear and W1C registers must not
    // see the other lanes as ones; plain registers are merged with their current value.
    if ((word >= IPR && word < IPR_END) || (word >= SHPR && word < SHPR_END)) {
        for (unsigned i = 0; i < size; ++i) {
            const unsigned byte = (offset & 3) + i;
            const auto b = static_cast<std::uint8_t>(value >> (8 * i));
            if (word < IPR_END && word >= IPR)
                exc_.set_priority_byte(exc::kFirstIrq + word - IPR + byte, b);
            else
                exc_.set_priority_byte(4 + word - SHPR + byte, b);
        }
        return;
    }
    if (is_w1c_or_action(word)) return write_word(word, (value << shift) & mask);
    const std::uint32_t cur = read_word(word, false);
    write_word(word, (cur & ~mask) | ((value << shift) & mask));
}

}  // namespace tockemu
