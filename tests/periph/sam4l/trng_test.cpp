// TRNG: deterministic per seed, one value per 84 PBA cycles, DATRDY cleared by reading ISR,
// the interrupt, and the key.
#include "emu/periph/sam4l/trng.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

constexpr std::uint32_t kEnable = (Trng::kKey << 8) | 1;

struct TrngTest : ::testing::Test {
    Clock clock{48'000'000};
    Lines irq;
    Trng trng{clock, [] { return 48'000'000; }, 1234, &irq, 73};

    // Like the core: n cycles, then the events that became due.
    void run_cycles(std::uint64_t n) {
        clock.advance_cycles(n);
        clock.run_due();
    }
    std::vector<std::uint32_t> collect(Trng& t, int n) {
        std::vector<std::uint32_t> v;
        while (static_cast<int>(v.size()) < n) {
            run_cycles(84);
            if (t.read(Trng::ISR, 4) & Trng::kDATRDY) v.push_back(t.read(Trng::ODATA, 4));
        }
        return v;
    }
};

TEST_F(TrngTest, FirstValueIsReady84PbaCyclesAfterEnable) {
    trng.write(Trng::CR, kEnable, 4);
    run_cycles(83);
    EXPECT_EQ(trng.read(Trng::ISR, 4), 0u);
    run_cycles(1);
    EXPECT_EQ(trng.read(Trng::ISR, 4), Trng::kDATRDY);
    EXPECT_EQ(trng.read(Trng::ODATA, 4), Trng::value(1234, 0));
    EXPECT_EQ(trng.read(Trng::ISR, 4), 0u);  // cleared by the previous read
}

TEST_F(TrngTest, SameSeedGivesTheSameSequenceAndAnotherSeedDoesNot) {
    trng.write(Trng::CR, kEnable, 4);
    const auto a = collect(trng, 8);
    Clock clock2{48'000'000};
    Trng same{clock2, [] { return 48'000'000; }, 1234, nullptr, 73};
    Trng other{clock2, [] { return 48'000'000; }, 99, nullptr, 73};
    EXPECT_EQ(a[0], Trng::value(1234, 0));
    EXPECT_EQ(a[7], Trng::value(1234, 7));
    EXPECT_NE(Trng::value(99, 0), a[0]);
    EXPECT_EQ(std::set<std::uint32_t>(a.begin(), a.end()).size(), a.size());
}

TEST_F(TrngTest, InterruptRisesWhenDataIsReadyAndEnabled) {
    trng.write(Trng::IER, Trng::kDATRDY, 4);
    trng.write(Trng::CR, kEnable, 4);
    EXPECT_FALSE(irq.level[73]);
    run_cycles(84);
    EXPECT_TRUE(irq.level[73]);
    trng.write(Trng::IDR, Trng::kDATRDY, 4);  // Tock's handler
    EXPECT_FALSE(irq.level[73]);
}

TEST_F(TrngTest, WrongKeyDoesNotEnable) {
    trng.write(Trng::CR, 1, 4);
    run_cycles(1000);
    EXPECT_EQ(trng.read(Trng::ISR, 4), 0u);
}

TEST_F(TrngTest, DisablingStopsNewValues) {
    trng.write(Trng::CR, kEnable, 4);
    run_cycles(84);
    trng.write(Trng::CR, Trng::kKey << 8, 4);
    run_cycles(1000);
    EXPECT_EQ(trng.read(Trng::ISR, 4), 0u);
}

}  // namespace
}  // namespace tockemu::sam4l
