// NVIC helpers and the bottom-half interrupt table (see nvic.hpp).
#include "arch/cortex-m/nvic.hpp"

#include "arch/cortex-m/scs.hpp"
#include "core/debug.hpp"

namespace cortexm {
namespace {

struct Entry {
    IrqHandler handler;
    void* context;
};
Entry g_table[kNumIrqs];
constexpr unsigned kNvicWords = (kNumIrqs + 31) / 32;

std::uint32_t bit(unsigned irq) {
    return 1u << (irq % 32);
}
std::uint32_t word(std::uint32_t base, unsigned irq) {
    return base + 4 * (irq / 32);
}

}  // namespace

void nvic_set_handler(unsigned irq, IrqHandler handler, void* context) {
    if (irq >= kNumIrqs) KERNEL_PANIC("nvic_set_handler: IRQ %u out of range", irq);
    g_table[irq] = Entry{handler, context};
}

void nvic_enable(unsigned irq) {
    if (irq < kNumIrqs) reg32(word(NVIC_ISER, irq)) = bit(irq);
}

void nvic_disable(unsigned irq) {
    if (irq < kNumIrqs) reg32(word(NVIC_ICER, irq)) = bit(irq);
}

void nvic_clear_pending(unsigned irq) {
    if (irq < kNumIrqs) reg32(word(NVIC_ICPR, irq)) = bit(irq);
}

void nvic_init() {
    for (unsigned i = 0; i < kNvicWords; ++i) {
        reg32(NVIC_ICER + 4 * i) = 0xFFFFFFFFu;
        reg32(NVIC_ICPR + 4 * i) = 0xFFFFFFFFu;
    }
    for (unsigned i = 0; i < kNvicWords; ++i) {
        std::uint32_t mask = (i + 1) * 32 <= kNumIrqs ? 0xFFFFFFFFu : (1u << (kNumIrqs % 32)) - 1;
        reg32(NVIC_ISER + 4 * i) = mask;
    }
}

bool nvic_has_pending() {
    for (unsigned i = 0; i < kNvicWords; ++i) {
        if (reg32(NVIC_ISPR + 4 * i) != 0) return true;
    }
    return false;
}

void nvic_service_pending() {
    for (unsigned w = 0; w < kNvicWords; ++w) {
        std::uint32_t pending;
        while ((pending = reg32(NVIC_ISPR + 4 * w)) != 0) {
            unsigned irq = w * 32 + static_cast<unsigned>(__builtin_ctz(pending));
            if (irq >= kNumIrqs || g_table[irq].handler == nullptr) {
                KERNEL_PANIC("Unhandled interrupt: IRQ %u has no handler", irq);
            }
            g_table[irq].handler(g_table[irq].context);
            nvic_clear_pending(irq);
            nvic_enable(irq);
        }
    }
}

}  // namespace cortexm
