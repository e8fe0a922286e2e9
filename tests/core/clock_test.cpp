#include "emu/core/clock.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tockemu {
namespace {

TEST(Clock, AdvancingCyclesAdvancesTimeAtTheCoreFrequency) {
    Clock clock(48'000'000);
    clock.advance_cycles(48'000'000);
    EXPECT_EQ(clock.now(), kPicosPerSecond);
    EXPECT_EQ(clock.cycles(), 48'000'000u);
}

TEST(Clock, EventsFireInTimeThenSchedulingOrder) {
    Clock clock(1'000'000);
    std::vector<int> order;
    clock.schedule_at(picos_from_us(5), [&] { order.push_back(2); });
    clock.schedule_at(picos_from_us(3), [&] { order.push_back(1); });
    clock.schedule_at(picos_from_us(5), [&] { order.push_back(3); });
    clock.advance_cycles(4);
    EXPECT_EQ(clock.run_due(), 1u);
    clock.advance_cycles(1);
    EXPECT_EQ(clock.run_due(), 2u);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Clock, CancelledEventsDoNotFireOrCountAsDeadlines) {
    Clock clock(1'000'000);
    bool fired = false;
    auto id = clock.schedule_at(picos_from_us(1), [&] { fired = true; });
    EXPECT_TRUE(clock.cancel(id));
    EXPECT_FALSE(clock.next_deadline().has_value());
    clock.advance_cycles(10);
    EXPECT_EQ(clock.run_due(), 0u);
    EXPECT_FALSE(fired);
}

TEST(Clock, CyclesUntilRoundsUpToReachTheDeadline) {
    Clock clock(48'000'000);
    const Picos t = picos_for_ticks(1, 32768);  // one AST tick
    const Cycles c = clock.cycles_until(t);
    clock.advance_cycles(c - 1);
    EXPECT_LT(clock.now(), t);
    clock.advance_cycles(1);
    EXPECT_GE(clock.now(), t);
}

TEST(Clock, FrequencyChangeKeepsTimeContinuous) {
    Clock clock(115'200);
    clock.advance_cycles(115'200);
    const Picos before = clock.now();
    clock.set_core_hz(48'000'000);
    EXPECT_EQ(clock.now(), before);
    clock.advance_cycles(48);
    EXPECT_EQ(clock.now(), before + picos_from_us(1));
}

TEST(Clock, AdvanceToJumpsExactlyToTheEventTime) {
    Clock clock(48'000'000);
    bool fired = false;
    clock.schedule_at(picos_from_ms(7), [&] { fired = true; });
    clock.advance_to(*clock.next_deadline());
    clock.run_due();
    EXPECT_TRUE(fired);
    EXPECT_EQ(clock.now(), picos_from_ms(7));
    EXPECT_EQ(clock.cycles(), 336'000u);
}

}  // namespace
}  // namespace tockemu
