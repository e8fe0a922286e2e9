#pragma once
// What a device model gets from the machine: the clock to schedule on, the bus for DMA, the
// interrupt controller to drive lines on, and the event hub to publish observations to.
#include <cstdint>

#include "emu/bus/bus.hpp"
#include "emu/core/clock.hpp"
#include "emu/core/events.hpp"
#include "emu/core/irq.hpp"

namespace tockemu {

struct MachineContext {
    Clock& clock;
    Bus& bus;
    InterruptSink& irq;
    EventHub& events;
    // Retired-instruction counter of the core (for event stamps).
    const std::uint64_t* instructions = nullptr;

    void publish(EventPayload payload) const {
        if (!events.active()) return;
        events.publish(Event{clock.now(), instructions ? *instructions : 0, std::move(payload)});
    }
};

}  // namespace tockemu
