// GDB wire level: framing, checksums, escapes, run-length, size limit, hex parsing. Bad input is
// reported as a frame kind (the server NAKs it) and never throws.
#include "emu/gdb/wire.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tockemu::gdb {
namespace {

std::vector<Frame> feed_all(FrameDecoder& d, std::string_view bytes) {
    std::vector<Frame> out;
    for (char c : bytes)
        if (auto f = d.feed(static_cast<std::uint8_t>(c))) out.push_back(std::move(*f));
    return out;
}

TEST(GdbWire, WellFormedPacketIsDecoded) {
    FrameDecoder d;
    const auto frames = feed_all(d, "$m20000000,4#4f");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::Packet);
    EXPECT_EQ(frames[0].payload, "m20000000,4");
}

TEST(GdbWire, PacketMayArriveInPieces) {
    FrameDecoder d;
    EXPECT_TRUE(feed_all(d, "$m2000").empty());
    EXPECT_TRUE(feed_all(d, "0000,4#4").empty());
    const auto frames = feed_all(d, "f");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, "m20000000,4");
}

TEST(GdbWire, ChecksumIsTheByteSumModulo256) {
    EXPECT_EQ(encode_frame("g"), "$g#67");
    EXPECT_EQ(encode_frame("OK"), "$OK#9a");
    EXPECT_EQ(encode_frame(""), "$#00");
}

TEST(GdbWire, BadChecksumIsReportedNotDelivered) {
    FrameDecoder d;
    const auto frames = feed_all(d, "$g#68");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::BadChecksum);
    EXPECT_TRUE(frames[0].payload.empty());
}

TEST(GdbWire, NonHexChecksumDigitsAreABadChecksum) {
    FrameDecoder d;
    const auto frames = feed_all(d, "$g#zz");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::BadChecksum);
}

TEST(GdbWire, DecoderResynchronisesAfterABadPacket) {
    FrameDecoder d;
    const auto frames = feed_all(d, "$g#00garbage+$m0,4#fd");
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::BadChecksum);
    EXPECT_EQ(frames[1].kind, Frame::Kind::Ack);
    EXPECT_EQ(frames[2].kind, Frame::Kind::Packet);
    EXPECT_EQ(frames[2].payload, "m0,4");
}

TEST(GdbWire, InterruptAckAndNakOutsidePackets) {
    FrameDecoder d;
    const auto frames = feed_all(d, "\x03+-");
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::Interrupt);
    EXPECT_EQ(frames[1].kind, Frame::Kind::Ack);
    EXPECT_EQ(frames[2].kind, Frame::Kind::Nak);
}

TEST(GdbWire, OversizedPacketIsRejectedAndTheNextOneStillParses) {
    FrameDecoder d;
    std::string big(kMaxPacketSize + 100, 'a');
    auto frames = feed_all(d, encode_frame(big));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::Oversized);
    frames = feed_all(d, encode_frame("?"));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, "?");
}

TEST(GdbWire, EscapedBytesRoundTrip) {
    const std::string binary = std::string("X20000000,4:") + '$' + '#' + '}' + '*';
    const std::string framed = encode_frame(binary);
    EXPECT_EQ(framed.find('$', 1), std::string::npos) << framed;  // only the leading '$'
    FrameDecoder d;
    const auto frames = feed_all(d, framed);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, binary);
}

TEST(GdbWire, RunLengthExpands) {
    // "0* " = '0' then 3 more: "0000" (' ' is 32 = 29 + 3).
    EXPECT_EQ(decode_payload("0* "), "0000");
    EXPECT_EQ(decode_payload("ab*\""), "abbbbbb");  // '"' = 34: 5 more
}

TEST(GdbWire, MalformedEscapesAndRunLengthsAreRejected) {
    EXPECT_FALSE(decode_payload("abc}"));    // escape at the end
    EXPECT_FALSE(decode_payload("*#"));      // nothing to repeat
    EXPECT_FALSE(decode_payload("a*"));      // no count
    EXPECT_FALSE(decode_payload("a*\x01"));  // count out of range
    // Right checksum, bad escape: the frame is Malformed (NAKed), not delivered.
    FrameDecoder d;
    const auto frames = feed_all(d, "$a}#de");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].kind, Frame::Kind::Malformed);
}

TEST(GdbWire, HexNumbersAreParsedStrictly) {
    EXPECT_EQ(parse_hex32("20000000"), 0x20000000u);
    EXPECT_EQ(parse_hex32("fFfFfFfF"), 0xFFFFFFFFu);
    EXPECT_FALSE(parse_hex32(""));
    EXPECT_FALSE(parse_hex32("100000000"));  // does not fit 32 bits
    EXPECT_FALSE(parse_hex32("12g4"));
    EXPECT_FALSE(parse_hex32("-1"));
    EXPECT_FALSE(parse_hex("11112222333344445"));  // 17 digits
}

TEST(GdbWire, HexBytesNeedPairsOfDigits) {
    EXPECT_EQ(parse_hex_bytes("00ff7A"), (std::vector<std::uint8_t>{0x00, 0xFF, 0x7A}));
    EXPECT_FALSE(parse_hex_bytes("abc"));
    EXPECT_FALSE(parse_hex_bytes("zz"));
    EXPECT_EQ(to_hex(std::vector<std::uint8_t>{0xDE, 0xAD}), "dead");
}

TEST(GdbWire, RegistersTravelLittleEndian) {
    EXPECT_EQ(le32_hex(0x12345678), "78563412");
    EXPECT_EQ(parse_le32_hex("78563412"), 0x12345678u);
    EXPECT_FALSE(parse_le32_hex("785634"));
}

TEST(GdbWire, AddressLengthPairs) {
    const auto al = parse_addr_len("20000000,40");
    ASSERT_TRUE(al);
    EXPECT_EQ(al->addr, 0x20000000u);
    EXPECT_EQ(al->len, 0x40u);
    EXPECT_FALSE(parse_addr_len("20000000"));
    EXPECT_FALSE(parse_addr_len(",4"));
    EXPECT_FALSE(parse_addr_len("1,"));
}

}  // namespace
}  // namespace tockemu::gdb
