#pragma once
// The register engine every peripheral model is built on (STYLE.md: "one register table that
// reads like the datasheet"). A model declares its registers once, in address order:
//
//   static constexpr Reg kRegs[] = {
//       {0x00, "CR",  Access::WO},
//       {0x04, "MR",  Access::RW, 0x0000'0000, 0x00FF'FFFF},   // reset, implemented bits
//       {0x08, "IER", Access::WO, 0, ~0u, Action::Set,   0x10}, // writing 1s sets IMR bits
//       {0x0C, "IDR", Access::WO, 0, ~0u, Action::Clear, 0x10}, // writing 1s clears IMR bits
//       {0x10, "IMR", Access::RO},
//   };
//
// and the engine applies the access semantics. Side effects go in on_write()/on_read(), which
// receive the register's index in the table; a model ends every state change with update_irq().
// Accesses to offsets not in the table read 0, are ignored on write, and are logged once each as a
// model gap; writes to read-only registers are logged once as guest errors.
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emu/bus/device.hpp"

namespace tockemu {

enum class Access : std::uint8_t {
    RW,  // stored, masked by the implemented bits
    RO,  // guest writes ignored (logged once); the model sets the value
    WO,  // reads as 0; the write's effect is its Action and/or on_write()
    RC,  // read-only, cleared to 0 by a CPU read (not by a debugger peek)
};

// Effect of a write on another register of the block (the SAM4L's set/clear/toggle idiom).
enum class Action : std::uint8_t { None, Set, Clear, Toggle };

struct Reg {
    std::uint32_t offset;
    std::string_view name;
    Access access;
    std::uint32_t reset = 0;
    std::uint32_t mask = 0xFFFF'FFFF;  // implemented (writable/readable) bits
    Action action = Action::None;
    std::uint32_t target = 0;  // offset of the register the action applies to
};

class RegisterBlock : public Device {
public:
    // The table must outlive the block (use a static constexpr array). Derived classes whose
    // on_reset() matters call reset() again at the end of their constructor.
    RegisterBlock(std::string name, std::span<const Reg> table, std::uint32_t size);

    std::string_view name() const override { return name_; }
    std::uint32_t size() const { return size_; }
    std::uint32_t read(std::uint32_t offset, unsigned size) override;
    void write(std::uint32_t offset, std::uint32_t value, unsigned size) override;
    std::uint32_t peek(std::uint32_t offset, unsigned size) override;
    void reset() override;

    // The PM clock mask of this peripheral's interface (ClockTree/ClockGate): the board's gate
    // keeps the guest's accesses away while it is masked and tells the model here, so the model
    // can stop (and later resume) the activity that runs on that clock. Running by default.
    void set_clock_running(bool running);
    bool clock_running() const { return clock_running_; }

    // Direct access for the model itself and for tests (no side effects).
    std::uint32_t reg(std::uint32_t offset) const;
    void set_reg(std::uint32_t offset, std::uint32_t value);
    std::uint32_t& reg_ref(std::uint32_t offset);

protected:
    // Called after the engine applied the generic semantics of a CPU write. `value` is what the
    // guest wrote (before masking).
    virtual void on_write(std::size_t /*index*/, std::uint32_t /*value*/) {}
    // Produces the value a CPU read returns; `stored` is the stored value. May have side effects
    // (FIFO pops); peek() calls it with `side_effects` false.
    virtual std::uint32_t on_read(std::size_t /*index*/, std::uint32_t stored,
                                  bool /*side_effects*/) {
        return stored;
    }
    virtual void on_reset() {}
    // The interface clock stopped (false) or started again (true); see set_clock_running().
    virtual void on_clock_gate(bool /*running*/) {}
    // The model's interrupt line(s) as a pure function of its state.
    virtual void update_irq() {}

    const Reg& def(std::size_t index) const { return table_[index]; }
    // Index in the table of the register at `offset`, or -1.
    int index_of(std::uint32_t offset) const;
    void log_gap_once(std::uint32_t offset, const char* what);

private:
    std::uint32_t do_read(std::uint32_t offset, unsigned size, bool side_effects);

    std::string name_;
    std::span<const Reg> table_;
    std::uint32_t size_;
    std::vector<std::uint32_t> values_;
    std::set<std::uint32_t> logged_;
    bool clock_running_ = true;
};

}  // namespace tockemu
