#pragma once
// GDB remote serial protocol, wire level (GDB manual, "Overview" and "Packets"): framing
// `$payload#cs`, the modulo-256 checksum, `}` escapes (byte ^ 0x20), run-length `*` encoding,
// acknowledgements and the out-of-band interrupt byte 0x03. Nothing here throws on bad input:
// a frame that cannot be decoded is reported as such and the caller NAKs it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tockemu::gdb {

// Largest payload we accept (and advertise as PacketSize): raw bytes between '$' and '#'.
inline constexpr std::size_t kMaxPacketSize = 0x4000;

struct Frame {
    enum class Kind {
        Packet,       // a well-formed packet; `payload` is decoded (escapes, run-length)
        Interrupt,    // 0x03 outside a packet (Ctrl-C)
        Ack,          // '+'
        Nak,          // '-': resend the last packet
        BadChecksum,  // checksum mismatch or non-hex checksum digits: answer '-'
        Oversized,    // more than kMaxPacketSize raw bytes: answer '-'
        Malformed,    // checksum right but the escapes/run-length are invalid: answer '-'
    };
    Kind kind = Kind::Packet;
    std::string payload;       // Oversized: the first bytes only (to name the packet in the error)
    std::size_t raw_size = 0;  // Oversized: how many raw bytes the packet had
};

// Byte-at-a-time frame decoder; keeps state across reads so frames may arrive in pieces.
class FrameDecoder {
  public:
    std::optional<Frame> feed(std::uint8_t byte);

  private:
    enum class State { Idle, Body, Check1, Check2 };
    Frame finish();

    State state_ = State::Idle;
    std::string raw_;
    std::uint8_t sum_ = 0;
    bool oversized_ = false;
    std::size_t raw_count_ = 0;
    int check_hi_ = 0;
    bool check_bad_ = false;
};

// Undo `}` escapes and run-length encoding. nullopt when the payload ends inside an escape, a
// run-length marker has nothing to repeat, or its count byte is out of range.
std::optional<std::string> decode_payload(std::string_view raw);
// `$payload#cs` with '$', '#', '}' and '*' escaped (safe for binary payloads).
std::string encode_frame(std::string_view payload);
std::uint8_t checksum(std::string_view bytes);

// ---- hex helpers: parse, never throw ----
std::optional<unsigned> hex_digit(char c);
// A hexadecimal number of 1..16 digits that fits in 64 bits.
std::optional<std::uint64_t> parse_hex(std::string_view text);
// Same, and it must fit in 32 bits (guest addresses, lengths, register numbers).
std::optional<std::uint32_t> parse_hex32(std::string_view text);
// Pairs of hex digits to bytes; nullopt on an odd length or a non-hex character.
std::optional<std::vector<std::uint8_t>> parse_hex_bytes(std::string_view text);
std::string to_hex(std::span<const std::uint8_t> bytes);
std::string to_hex(std::string_view text);
// A 32-bit value as 8 hex digits in target (little-endian) byte order, as in 'g'/'p' replies.
std::string le32_hex(std::uint32_t value);
std::optional<std::uint32_t> parse_le32_hex(std::string_view text);

// "addr,length" as sent by m, M, X, Z and qXfer.
struct AddrLen {
    std::uint32_t addr = 0;
    std::uint32_t len = 0;
};
std::optional<AddrLen> parse_addr_len(std::string_view text);

}  // namespace tockemu::gdb
