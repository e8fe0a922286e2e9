#pragma once
// Interrupt lines are levels (docs/ARCHITECTURE): a peripheral computes its line in its one
// update_irq() and drives it here; the NVIC owns pending/active state and priorities.
namespace tockemu {

class InterruptSink {
public:
    virtual ~InterruptSink() = default;
    // `irq` is the external interrupt number (exception number - 16).
    virtual void set_irq_level(unsigned irq, bool level) = 0;
};

// A line a peripheral owns; remembers its level so repeated updates are free.
class IrqLine {
public:
    IrqLine() = default;
    IrqLine(InterruptSink* sink, unsigned irq) : sink_(sink), irq_(irq) {}
    void set(bool level) {
        if (level == level_ || sink_ == nullptr) return;
        level_ = level;
        sink_->set_irq_level(irq_, level);
    }
    bool level() const { return level_; }
    unsigned number() const { return irq_; }

private:
    InterruptSink* sink_ = nullptr;
    unsigned irq_ = 0;
    bool level_ = false;
};

}  // namespace tockemu
