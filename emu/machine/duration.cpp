#include "emu/machine/duration.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <utility>

namespace tockemu {

namespace {
struct Unit {
    std::string_view name;
    Picos picos;
};
constexpr std::array<Unit, 6> kUnits{{{"min", 60 * kPicosPerSecond},
                                      {"s", kPicosPerSecond},
                                      {"ms", 1'000'000'000},
                                      {"us", 1'000'000},
                                      {"ns", 1'000},
                                      {"ps", 1}}};
}  // namespace

Picos parse_duration(std::string_view text) {
    auto fail = [&](std::string_view why) -> Picos {
        throw DurationError(
            fmt::format("invalid duration '{}': {} (examples: 500ms, 2s, 10us)", text, why));
    };
    std::size_t i = 0;
    unsigned __int128 whole = 0, frac = 0, frac_scale = 1;
    bool digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
        if (whole > (unsigned __int128)1 << 80) return fail("number too large");
        digits = true;
        ++i;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            if (frac_scale < 1'000'000'000'000'000ULL) {
                frac = frac * 10 + static_cast<unsigned>(text[i] - '0');
                frac_scale *= 10;
            }
            digits = true;
            ++i;
        }
    }
    if (!digits) return fail("expected a number");
    const std::string_view unit = text.substr(i);
    if (unit.empty()) return fail("missing unit (min, s, ms, us, ns or ps)");
    for (const auto& u : kUnits) {
        if (unit != u.name) continue;
        const unsigned __int128 total = whole * u.picos + frac * u.picos / frac_scale;
        if (total > UINT64_MAX) return fail("too long (more than about 213 days)");
        return static_cast<Picos>(total);
    }
    return fail(fmt::format("unknown unit '{}'", unit));
}

std::string format_duration(Picos t) {
    for (const auto& u : kUnits) {
        if (u.name == "min") continue;
        if (t >= u.picos && t % (u.picos / 1000 ? u.picos / 1000 : 1) == 0) {
            const Picos whole = t / u.picos, rest = t % u.picos;
            if (rest == 0) return fmt::format("{}{}", whole, u.name);
            return fmt::format("{}.{:03}{}", whole, rest / (u.picos / 1000), u.name);
        }
    }
    return fmt::format("{}ps", t);
}

}  // namespace tockemu
