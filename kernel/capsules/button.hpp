#pragma once
// Button syscall driver, 0x3 (Tock: capsules/core/src/button.rs; tock-abi.md §2.5).
//
//   command 0                number of buttons                          -> Success u32
//   command 1  arg1 = index  interrupts for this process (either edge)  -> Success / INVAL / NOMEM
//   command 2  arg1 = index  no more interrupts for this process        -> Success / INVAL
//   command 3  arg1 = index  read: 1 pressed, 0 not (polarity corrected) -> Success u32 / INVAL
//   subscribe 0              upcall (index, pressed, 0) to every process that enabled the button
// The pin interrupt is enabled while at least one process wants that button.
#include <cstddef>
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/gpio.hpp"

namespace capsules {

struct ButtonPin {
    hil::InterruptPin* pin;
    bool active_low;  // pressed = pin reads low (Hail's button)
    hil::FloatingState pull;
};

class ButtonDriver final : public kernel::SyscallDriver, public hil::InterruptPinClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x3;
    static constexpr std::size_t kMaxButtons = 32;  // one bit per button in the grant

    ButtonDriver(kernel::Kernel& kernel, const ButtonPin* buttons, std::size_t count);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void pin_fired(std::uint32_t index) override;

  private:
    struct App {
        std::uint32_t enabled_mask;
    };

    bool pressed(std::size_t index) const;
    // Turns the pin interrupt on or off to match whether any process still wants it.
    void update_interrupt(std::size_t index);

    const ButtonPin* buttons_;
    std::size_t count_;
    kernel::Grant<App, 1> grant_;
};

}  // namespace capsules
