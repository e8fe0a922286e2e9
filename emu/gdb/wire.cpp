// GDB remote protocol framing and hex helpers; see wire.hpp.
#include "emu/gdb/wire.hpp"

namespace tockemu::gdb {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::uint8_t kEscape = '}';
constexpr std::uint8_t kEscapeXor = 0x20;
constexpr std::uint8_t kRunLength = '*';
// `*` followed by a printable count character c repeats the previous character c - 29 more
// times (GDB manual, "Overview"); the smallest count character is ' ' (3 repeats).
constexpr unsigned kRunLengthBias = 29;
constexpr std::uint8_t kRunLengthMinCount = ' ', kRunLengthMaxCount = '~';

bool must_escape(char c) {
    return c == '$' || c == '#' || c == '}' || c == '*';
}
}  // namespace

std::optional<Frame> FrameDecoder::feed(std::uint8_t byte) {
    switch (state_) {
        case State::Idle:
            if (byte == '$') {
                state_ = State::Body;
                raw_.clear();
                sum_ = 0;
                oversized_ = false;
                raw_count_ = 0;
                check_bad_ = false;
                return std::nullopt;
            }
            if (byte == 0x03) return Frame{Frame::Kind::Interrupt, {}};
            if (byte == '+') return Frame{Frame::Kind::Ack, {}};
            if (byte == '-') return Frame{Frame::Kind::Nak, {}};
            return std::nullopt;  // line noise between packets is ignored, as GDB does
        case State::Body:
            if (byte == '#') {
                state_ = State::Check1;
                return std::nullopt;
            }
            if (byte == '$') {  // a new packet started before this one ended: drop this one
                raw_.clear();
                sum_ = 0;
                oversized_ = false;
                raw_count_ = 0;
                return std::nullopt;
            }
            sum_ = static_cast<std::uint8_t>(sum_ + byte);
            ++raw_count_;
            if (raw_.size() < kMaxPacketSize)
                raw_.push_back(static_cast<char>(byte));
            else
                oversized_ = true;  // keep consuming up to '#' so we resynchronise
            return std::nullopt;
        case State::Check1: {
            const auto d = hex_digit(static_cast<char>(byte));
            check_bad_ = !d;
            check_hi_ = d ? static_cast<int>(*d) : 0;
            state_ = State::Check2;
            return std::nullopt;
        }
        case State::Check2: {
            const auto d = hex_digit(static_cast<char>(byte));
            if (!d) check_bad_ = true;
            if (!check_bad_ && static_cast<std::uint8_t>(check_hi_ * 16 + *d) != sum_)
                check_bad_ = true;
            state_ = State::Idle;
            return finish();
        }
    }
    return std::nullopt;
}

Frame FrameDecoder::finish() {
    if (oversized_) return Frame{Frame::Kind::Oversized, raw_.substr(0, 24), raw_count_};
    if (check_bad_) return Frame{Frame::Kind::BadChecksum, {}};
    auto decoded = decode_payload(raw_);
    if (!decoded) return Frame{Frame::Kind::Malformed, {}};
    return Frame{Frame::Kind::Packet, std::move(*decoded)};
}

std::optional<std::string> decode_payload(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<std::uint8_t>(raw[i]);
        if (c == kEscape) {
            if (++i >= raw.size()) return std::nullopt;
            out.push_back(static_cast<char>(static_cast<std::uint8_t>(raw[i]) ^ kEscapeXor));
        } else if (c == kRunLength) {
            if (out.empty() || ++i >= raw.size()) return std::nullopt;
            const auto n = static_cast<std::uint8_t>(raw[i]);
            if (n < kRunLengthMinCount || n > kRunLengthMaxCount) return std::nullopt;
            // Bounded: at most 97 repeats per marker, and the raw packet is size-limited.
            out.append(n - kRunLengthBias, out.back());
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

std::uint8_t checksum(std::string_view bytes) {
    std::uint8_t sum = 0;
    for (char c : bytes) sum = static_cast<std::uint8_t>(sum + static_cast<std::uint8_t>(c));
    return sum;
}

std::string encode_frame(std::string_view payload) {
    std::string body;
    body.reserve(payload.size() + 8);
    for (char c : payload) {
        if (must_escape(c)) {
            body.push_back(static_cast<char>(kEscape));
            body.push_back(static_cast<char>(static_cast<std::uint8_t>(c) ^ kEscapeXor));
        } else {
            body.push_back(c);
        }
    }
    const std::uint8_t sum = checksum(body);
    std::string out = "$" + body + "#";
    out.push_back(kHexDigits[sum >> 4]);
    out.push_back(kHexDigits[sum & 0xF]);
    return out;
}

std::optional<unsigned> hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    return std::nullopt;
}

std::optional<std::uint64_t> parse_hex(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
        const auto d = hex_digit(c);
        if (!d) return std::nullopt;
        v = (v << 4) | *d;
    }
    return v;
}

std::optional<std::uint32_t> parse_hex32(std::string_view text) {
    const auto v = parse_hex(text);
    if (!v || *v > 0xFFFFFFFFu) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

std::optional<std::vector<std::uint8_t>> parse_hex_bytes(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const auto hi = hex_digit(text[i]);
        const auto lo = hex_digit(text[i + 1]);
        if (!hi || !lo) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(*hi << 4 | *lo));
    }
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(kHexDigits[b >> 4]);
        out.push_back(kHexDigits[b & 0xF]);
    }
    return out;
}

std::string to_hex(std::string_view text) {
    return to_hex(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string le32_hex(std::uint32_t value) {
    const std::uint8_t b[4] = {
        static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
        static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
    return to_hex(b);
}

std::optional<std::uint32_t> parse_le32_hex(std::string_view text) {
    if (text.size() != 8) return std::nullopt;
    const auto bytes = parse_hex_bytes(text);
    if (!bytes) return std::nullopt;
    const auto& b = *bytes;
    return static_cast<std::uint32_t>(b[0] | b[1] << 8 | b[2] << 16 |
                                      static_cast<std::uint32_t>(b[3]) << 24);
}

std::optional<AddrLen> parse_addr_len(std::string_view text) {
    const auto comma = text.find(',');
    if (comma == std::string_view::npos) return std::nullopt;
    const auto addr = parse_hex32(text.substr(0, comma));
    const auto len = parse_hex32(text.substr(comma + 1));
    if (!addr || !len) return std::nullopt;
    return AddrLen{*addr, *len};
}

}  // namespace tockemu::gdb
