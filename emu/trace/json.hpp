#pragma once
// A JSON object written field by field, in the order given, so that the same run always gives
// the same bytes (the trace hash depends on it). Only what the trace and the reports need.
#include <cstdint>
#include <string>
#include <string_view>

namespace tockemu::trace {

// `s` as a JSON string literal, quotes included; control bytes as \u00XX.
std::string json_quote(std::string_view s);

class JsonObject {
  public:
    JsonObject& field(std::string_view key, std::string_view value);
    JsonObject& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    JsonObject& field(std::string_view key, const std::string& value) {
        return field(key, std::string_view(value));
    }
    JsonObject& field(std::string_view key, std::uint64_t value);
    JsonObject& field(std::string_view key, std::int64_t value);
    JsonObject& field(std::string_view key, int value) {
        return field(key, static_cast<std::int64_t>(value));
    }
    JsonObject& field(std::string_view key, unsigned value) {
        return field(key, static_cast<std::uint64_t>(value));
    }
    JsonObject& field(std::string_view key, bool value);
    JsonObject& field(std::string_view key, double value);
    JsonObject& hex(std::string_view key, std::uint32_t value);    // "0x0003a000"
    JsonObject& raw(std::string_view key, std::string_view json);  // nested JSON as given
    std::string str() const { return body_ + "}"; }

  private:
    void key(std::string_view k);
    std::string body_ = "{";
};

}  // namespace tockemu::trace
