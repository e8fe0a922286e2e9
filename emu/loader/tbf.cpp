// TBF v2 header parsing and validation (see tbf.hpp; tock-abi.md §3, Appendix A).
#include "emu/loader/tbf.hpp"

#include "emu/core/file_bytes.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace tockemu::tbf {

namespace {

std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

std::uint32_t le32(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
           (static_cast<std::uint32_t>(b[at + 2]) << 16) |
           (static_cast<std::uint32_t>(b[at + 3]) << 24);
}

std::uint64_t le64(std::span<const std::uint8_t> b, std::size_t at) {
    return le32(b, at) | (static_cast<std::uint64_t>(le32(b, at + 4)) << 32);
}

std::uint32_t align4(std::uint32_t v) {
    return (v + 3u) & ~3u;
}

bool valid_utf8(std::span<const std::uint8_t> s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t c = s[i];
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        // Overlong encodings, surrogates and values past U+10FFFF are not UTF-8.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

// Walks the TLVs of one header; each check names the field it guards.
class HeaderParser {
  public:
    HeaderParser(std::span<const std::uint8_t> bytes, std::string_view source, TbfHeader& out)
        : b_(bytes), source_(source), h_(out) {}

    void parse_tlvs() {
        std::uint32_t pos = kBaseHeaderSize;
        while (pos < h_.header_size) {
            if (pos + 4 > h_.header_size) {
                fail(pos, "TLV header",
                     fmt::format("{} bytes left before header_size {}, need 4",
                                 h_.header_size - pos, h_.header_size));
            }
            RawTlv tlv;
            tlv.offset = pos;
            tlv.type = le16(b_, pos);
            tlv.length = le16(b_, pos + 2);
            const std::uint32_t payload = pos + 4;
            if (payload + tlv.length > h_.header_size) {
                fail(pos + 2, field(tlv.type, "length"),
                     fmt::format("{} bytes run past header_size {}", tlv.length, h_.header_size));
            }
            tlv.payload.assign(b_.begin() + payload, b_.begin() + payload + tlv.length);
            decode(tlv);
            h_.tlvs.push_back(std::move(tlv));
            pos = payload + align4(h_.tlvs.back().length);
        }
    }

    [[noreturn]] void fail(std::uint32_t offset, std::string field, std::string problem) const {
        throw TbfError(std::string(source_), offset, std::move(field), std::move(problem));
    }

  private:
    static std::string field(std::uint16_t type, std::string_view what) {
        return fmt::format("{} TLV (type {}) {}", tlv_type_name(type), type, what);
    }

    void expect_length(const RawTlv& t, std::uint16_t want) const {
        if (t.length != want) {
            fail(t.offset + 2, field(t.type, "length"),
                 fmt::format("is {}, must be {}", t.length, want));
        }
    }

    void decode(const RawTlv& t) {
        const std::span<const std::uint8_t> p(t.payload);
        switch (static_cast<TlvType>(t.type)) {
            case TlvType::Main:
                expect_length(t, 12);
                h_.main = MainTlv{le32(p, 0), le32(p, 4), le32(p, 8)};
                break;
            case TlvType::Program:
                expect_length(t, 20);
                h_.program =
                    ProgramTlv{le32(p, 0), le32(p, 4), le32(p, 8), le32(p, 12), le32(p, 16)};
                break;
            case TlvType::WriteableFlashRegions:
                if (t.length % 8 != 0) {
                    fail(t.offset + 2, field(t.type, "length"),
                         fmt::format("is {}, must be a multiple of 8", t.length));
                }
                for (std::size_t i = 0; i < t.length; i += 8) {
                    h_.writeable_flash_regions.push_back({le32(p, i), le32(p, i + 4)});
                }
                break;
            case TlvType::PackageName:
                if (!valid_utf8(p)) fail(t.offset + 4, field(t.type, "name"), "is not valid UTF-8");
                h_.package_name = std::string(p.begin(), p.end());
                break;
            case TlvType::FixedAddresses:
                expect_length(t, 8);
                h_.fixed_addresses = FixedAddresses{le32(p, 0), le32(p, 4)};
                break;
            case TlvType::Permissions:
                decode_permissions(t);
                break;
            case TlvType::StoragePermissions:
                decode_storage(t);
                break;
            case TlvType::KernelVersion:
                expect_length(t, 4);
                h_.kernel_version = KernelVersion{le16(p, 0), le16(p, 2)};
                break;
            case TlvType::ShortId:
                expect_length(t, 4);
                h_.short_id = le32(p, 0);
                break;
            default:
                break;  // unknown (or PicOption1): skipped, as the kernel does
        }
    }

    void decode_permissions(const RawTlv& t) {
        const std::span<const std::uint8_t> p(t.payload);
        if (t.length < 2) fail(t.offset + 2, field(t.type, "length"), "is below 2");
        const std::uint16_t count = le16(p, 0);
        if (2u + 16u * count > t.length) {
            fail(t.offset + 4, field(t.type, "count"),
                 fmt::format("{} entries need {} bytes, length is {}", count, 2 + 16 * count,
                             t.length));
        }
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t at = 2 + 16 * i;
            h_.permissions.push_back({le32(p, at), le32(p, at + 4), le64(p, at + 8)});
        }
    }

    void decode_storage(const RawTlv& t) {
        const std::span<const std::uint8_t> p(t.payload);
        StoragePermissions s;
        std::size_t at = 0;
        auto need = [&](std::size_t n, const char* what) {
            if (at + n > t.length) {
                fail(t.offset + 4 + static_cast<std::uint32_t>(at), field(t.type, what),
                     fmt::format("runs past length {}", t.length));
            }
        };
        need(6, "write_id/read_count");
        s.write_id = le32(p, 0);
        const std::uint16_t reads = le16(p, 4);
        at = 6;
        need(4u * reads, "read_ids");
        for (std::size_t i = 0; i < reads; ++i, at += 4) s.read_ids.push_back(le32(p, at));
        need(2, "modify_count");
        const std::uint16_t mods = le16(p, at);
        at += 2;
        need(4u * mods, "modify_ids");
        for (std::size_t i = 0; i < mods; ++i, at += 4) s.modify_ids.push_back(le32(p, at));
        h_.storage_permissions = std::move(s);
    }

    std::span<const std::uint8_t> b_;
    std::string_view source_;
    TbfHeader& h_;
};

void check_derived(const TbfHeader& h, const HeaderParser& parser) {
    if (h.is_padding()) return;
    const RawTlv* where = nullptr;
    for (const auto& t : h.tlvs) {
        if (t.type == static_cast<std::uint16_t>(h.program ? TlvType::Program : TlvType::Main)) {
            where = &t;
        }
    }
    const std::uint32_t tlv_at = where ? where->offset + 4 : 0;
    const std::string tlv = h.program ? "Program TLV" : "Main TLV";
    if (static_cast<std::uint64_t>(h.header_size) + h.protected_trailer_size() > h.total_size) {
        parser.fail(tlv_at + 4, tlv + " protected_trailer_size",
                    fmt::format("header {} + trailer {} exceeds total_size {}", h.header_size,
                                h.protected_trailer_size(), h.total_size));
    }
    if (h.program && (h.program->binary_end_offset > h.total_size ||
                      h.program->binary_end_offset < h.protected_size())) {
        parser.fail(tlv_at + 12, "Program TLV binary_end_offset",
                    fmt::format("0x{:x} is outside [protected end 0x{:x}, total_size 0x{:x}]",
                                h.program->binary_end_offset, h.protected_size(), h.total_size));
    }
    if ((h.main || h.program) &&
        static_cast<std::uint64_t>(h.header_size) + (h.init_fn_offset() & ~1u) >=
            h.binary_end_offset()) {
        parser.fail(tlv_at, tlv + " init_fn_offset",
                    fmt::format("0x{:x} points past the binary (end 0x{:x})", h.init_fn_offset(),
                                h.binary_end_offset()));
    }
    for (const auto& r : h.writeable_flash_regions) {
        if (static_cast<std::uint64_t>(r.offset) + r.size > h.total_size) {
            parser.fail(0, "WriteableFlashRegions TLV region",
                        fmt::format("[0x{:x}, +0x{:x}) runs past total_size 0x{:x}", r.offset,
                                    r.size, h.total_size));
        }
    }
}

void parse_footers(std::span<const std::uint8_t> b, TbfHeader& h, const HeaderParser& parser) {
    std::uint32_t pos = h.binary_end_offset();
    while (pos + 4 <= h.total_size) {
        const std::uint16_t type = le16(b, pos);
        const std::uint16_t length = le16(b, pos + 2);
        if (type == 0 && length == 0) break;  // raw zero padding after the last footer
        if (static_cast<std::uint64_t>(pos) + 4 + length > h.total_size) {
            parser.fail(pos + 2, "footer TLV length",
                        fmt::format("{} bytes run past total_size 0x{:x}", length, h.total_size));
        }
        Footer f{pos, type, length, 0};
        if (type == static_cast<std::uint16_t>(TlvType::Credentials)) {
            if (length < 4) parser.fail(pos + 2, "Credentials footer length", "is below 4");
            f.format = le32(b, pos + 4);
        }
        h.footers.push_back(f);
        pos += 4 + align4(length);
    }
}

}  // namespace

std::string_view tlv_type_name(std::uint16_t type) {
    switch (static_cast<TlvType>(type)) {
        case TlvType::Main:
            return "Main";
        case TlvType::WriteableFlashRegions:
            return "WriteableFlashRegions";
        case TlvType::PackageName:
            return "PackageName";
        case TlvType::PicOption1:
            return "PicOption1";
        case TlvType::FixedAddresses:
            return "FixedAddresses";
        case TlvType::Permissions:
            return "Permissions";
        case TlvType::StoragePermissions:
            return "StoragePermissions";
        case TlvType::KernelVersion:
            return "KernelVersion";
        case TlvType::Program:
            return "Program";
        case TlvType::ShortId:
            return "ShortId";
        case TlvType::Credentials:
            return "Credentials";
    }
    return "unknown";
}

TbfError::TbfError(std::string src, std::uint32_t off, std::string fld, std::string prob)
    : std::runtime_error(fmt::format("{}: offset 0x{:x}: {}: {}", src, off, fld, prob)),
      source(std::move(src)),
      offset(off),
      field(std::move(fld)),
      problem(std::move(prob)) {}

std::uint32_t TbfHeader::protected_trailer_size() const {
    if (program) return program->protected_trailer_size;
    if (main) return main->protected_trailer_size;
    return 0;
}

std::uint32_t TbfHeader::init_fn_offset() const {
    if (program) return program->init_fn_offset;
    if (main) return main->init_fn_offset;
    return 0;
}

std::uint32_t TbfHeader::minimum_ram_size() const {
    if (program) return program->minimum_ram_size;
    if (main) return main->minimum_ram_size;
    return 0;
}

std::uint32_t TbfHeader::binary_end_offset() const {
    return program ? program->binary_end_offset : total_size;
}

std::uint32_t compute_checksum(std::span<const std::uint8_t> header) {
    std::uint32_t sum = 0;
    for (std::size_t word = 0; (word + 1) * 4 <= header.size(); ++word) {
        if (word != 3) sum ^= le32(header, word * 4);
    }
    return sum;
}

std::optional<BaseLengths> peek_lengths(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 8) return std::nullopt;
    const BaseLengths l{le16(bytes, 0), le16(bytes, 2), le32(bytes, 4)};
    if (l.version != kVersion) return std::nullopt;
    return l;
}

TbfHeader parse(std::span<const std::uint8_t> b, std::string_view source) {
    TbfHeader h;
    HeaderParser parser(b, source, h);
    if (b.size() < kBaseHeaderSize) {
        parser.fail(0, "base header", fmt::format("needs 16 bytes, only {} given", b.size()));
    }
    h.version = le16(b, 0);
    h.header_size = le16(b, 2);
    h.total_size = le32(b, 4);
    h.flags = le32(b, 8);
    h.checksum = le32(b, 12);
    if (h.version != kVersion)
        parser.fail(0, "version", fmt::format("is {}, must be 2", h.version));
    if (h.header_size < kBaseHeaderSize) {
        parser.fail(2, "header_size", fmt::format("is {}, below the 16-byte base", h.header_size));
    }
    if (h.header_size > h.total_size) {
        parser.fail(2, "header_size",
                    fmt::format("{} exceeds total_size {}", h.header_size, h.total_size));
    }
    if (h.header_size > b.size()) {
        parser.fail(
            2, "header_size",
            fmt::format("{} runs past the end of the input ({} bytes)", h.header_size, b.size()));
    }
    const auto header = b.first(h.header_size);
    const std::uint32_t computed = compute_checksum(header);
    if (computed != h.checksum) {
        parser.fail(12, "checksum",
                    fmt::format("stored 0x{:08x}, computed 0x{:08x}", h.checksum, computed));
    }
    parser.parse_tlvs();
    check_derived(h, parser);
    if (b.size() >= h.total_size && !h.is_padding()) parse_footers(b, h, parser);
    return h;
}

TbfHeader parse_file(const std::string& path, std::vector<std::uint8_t>* contents) {
    auto bytes = read_file_bytes(path);
    if (!bytes) throw TbfError(path, 0, "file", "cannot be opened");
    std::vector<std::uint8_t>& data = *bytes;
    TbfHeader h = parse(data, path);
    if (data.size() < h.total_size) {
        throw TbfError(
            path, 4, "total_size",
            fmt::format("is {} but the file holds only {} bytes", h.total_size, data.size()));
    }
    if (contents) *contents = std::move(data);
    return h;
}

}  // namespace tockemu::tbf
