#include "emu/trace/json.hpp"

#include <fmt/format.h>

namespace tockemu::trace {

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20 || u == 0x7f)
                    out += fmt::format("\\u{:04x}", u);
                else
                    out += c;
        }
    }
    return out + "\"";
}

void JsonObject::key(std::string_view k) {
    if (body_.size() > 1) body_ += ',';
    body_ += json_quote(k);
    body_ += ':';
}

JsonObject& JsonObject::field(std::string_view k, std::string_view value) {
    key(k);
    body_ += json_quote(value);
    return *this;
}

JsonObject& JsonObject::field(std::string_view k, std::uint64_t value) {
    key(k);
    body_ += fmt::format("{}", value);
    return *this;
}

JsonObject& JsonObject::field(std::string_view k, std::int64_t value) {
    key(k);
    body_ += fmt::format("{}", value);
    return *this;
}

JsonObject& JsonObject::field(std::string_view k, bool value) {
    key(k);
    body_ += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::field(std::string_view k, double value) {
    key(k);
    body_ += fmt::format("{:.6g}", value);
    return *this;
}

JsonObject& JsonObject::hex(std::string_view k, std::uint32_t value) {
    key(k);
    body_ += fmt::format("\"{:#010x}\"", value);
    return *this;
}

JsonObject& JsonObject::raw(std::string_view k, std::string_view json) {
    key(k);
    body_ += json;
    return *this;
}

}  // namespace tockemu::trace
