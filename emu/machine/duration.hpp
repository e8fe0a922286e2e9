#pragma once
// Durations as users write them on the command line and in scenarios: an integer or decimal
// number followed by a unit, "500ms", "2s", "10us", "1.5ms", "250ns", "3min". A bare number is
// rejected (units are required). Parsed exactly into picoseconds, no floating point.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "emu/core/clock.hpp"

namespace tockemu {

struct DurationError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// Throws DurationError with a message naming the text and what is wrong.
Picos parse_duration(std::string_view text);
// "1.5ms", "2s", ... (the largest unit that gives an exact short form).
std::string format_duration(Picos t);

}  // namespace tockemu
