// TAB (tar) reading and writing (see tab.hpp). Reads POSIX ustar and GNU tar (as tar-rs, which
// elf2tab uses, writes), including GNU long names and pax headers (skipped).
#include "emu/loader/tab.hpp"

#include "emu/core/file_bytes.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace tockemu::tab {

namespace {

constexpr std::size_t kBlock = 512;

struct Field {
    std::size_t offset;
    std::size_t size;
};
// ustar header fields used here (POSIX.1-1988).
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChksum{148, 8};
constexpr Field kTypeflag{156, 1};
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kPrefix{345, 155};

std::string text(std::span<const std::uint8_t> block, Field f) {
    const auto* p = reinterpret_cast<const char*>(block.data() + f.offset);
    return std::string(p, strnlen(p, f.size));
}

// Octal numeric field; GNU base-256 (high bit set) is accepted for sizes too.
std::optional<std::uint64_t> number(std::span<const std::uint8_t> block, Field f) {
    const auto* p = block.data() + f.offset;
    if (p[0] & 0x80) {
        std::uint64_t v = p[0] & 0x7F;
        for (std::size_t i = 1; i < f.size; ++i) v = (v << 8) | p[i];
        return v;
    }
    std::uint64_t v = 0;
    bool digits = false;
    for (std::size_t i = 0; i < f.size; ++i) {
        const char c = static_cast<char>(p[i]);
        if (c == ' ' && !digits) continue;
        if (c == '\0' || c == ' ') break;
        if (c < '0' || c > '7') return std::nullopt;
        v = v * 8 + static_cast<std::uint64_t>(c - '0');
        digits = true;
    }
    return v;
}

std::uint32_t header_checksum(std::span<const std::uint8_t> block) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) {
        const bool in_chksum = i >= kChksum.offset && i < kChksum.offset + kChksum.size;
        sum += in_chksum ? ' ' : block[i];
    }
    return sum;
}

bool all_zero(std::span<const std::uint8_t> block) {
    return std::all_of(block.begin(), block.end(), [](std::uint8_t b) { return b == 0; });
}

void put_text(std::vector<std::uint8_t>& out, std::size_t base, Field f, std::string_view s) {
    std::copy_n(s.begin(), std::min(s.size(), f.size), out.begin() + base + f.offset);
}

void put_octal(std::vector<std::uint8_t>& out, std::size_t base, Field f, std::uint64_t v) {
    put_text(out, base, f, fmt::format("{:0{}o}", v, f.size - 1));
}

void append_member(std::vector<std::uint8_t>& out, std::string_view name,
                   std::span<const std::uint8_t> data) {
    if (name.size() >= kName.size) throw TabError(fmt::format("member name '{}' too long", name));
    const std::size_t base = out.size();
    out.resize(base + kBlock, 0);
    put_text(out, base, kName, name);
    put_octal(out, base, kMode, 0644);
    put_octal(out, base, kUid, 0);
    put_octal(out, base, kGid, 0);
    put_octal(out, base, kSize, data.size());
    put_octal(out, base, kMtime, 0);  // deterministic
    out[base + kTypeflag.offset] = '0';
    put_text(out, base, kMagic, std::string_view("ustar\0", 6));
    put_text(out, base, kVersion, "00");
    const std::uint32_t sum = header_checksum(std::span(out).subspan(base, kBlock));
    put_text(out, base, kChksum, fmt::format("{:06o}", sum));
    out[base + kChksum.offset + 6] = '\0';
    out[base + kChksum.offset + 7] = ' ';
    out.insert(out.end(), data.begin(), data.end());
    out.resize((out.size() + kBlock - 1) / kBlock * kBlock, 0);
}

}  // namespace

bool looks_like_tab(std::span<const std::uint8_t> bytes) {
    return bytes.size() >= kBlock && std::memcmp(bytes.data() + kMagic.offset, "ustar", 5) == 0;
}

std::vector<Member> read_members(std::span<const std::uint8_t> bytes, std::string_view source) {
    std::vector<Member> members;
    std::string long_name;
    std::size_t pos = 0;
    while (pos + kBlock <= bytes.size()) {
        const auto block = bytes.subspan(pos, kBlock);
        if (all_zero(block)) break;  // end-of-archive marker
        auto fail = [&](std::string_view field, std::string problem) -> TabError {
            return TabError(fmt::format("{}: tar header at offset 0x{:x}: {}: {}", source, pos,
                                        field, problem));
        };
        const auto stored = number(block, kChksum);
        if (!stored || *stored != header_checksum(block)) {
            throw fail("chksum", fmt::format("does not match the header bytes (computed {:o})",
                                             header_checksum(block)));
        }
        const auto size = number(block, kSize);
        if (!size) throw fail("size", "is not an octal number");
        const std::size_t data_at = pos + kBlock;
        if (*size > bytes.size() - data_at) {
            throw fail("size", fmt::format("{} bytes run past the end of the archive", *size));
        }
        const auto data = bytes.subspan(data_at, *size);
        const char type = static_cast<char>(block[kTypeflag.offset]);
        if (type == 'L') {  // GNU long name for the next member
            long_name.assign(data.begin(), data.end());
            long_name.erase(std::find(long_name.begin(), long_name.end(), '\0'), long_name.end());
        } else if (type == '0' || type == '\0' || type == '7') {
            std::string name = text(block, kName);
            const std::string prefix = text(block, kPrefix);
            if (text(block, kMagic) == "ustar" && !prefix.empty()) name = prefix + "/" + name;
            if (!long_name.empty()) name = std::exchange(long_name, {});
            members.push_back({std::move(name), {data.begin(), data.end()}});
        } else {
            long_name.clear();  // directories, links and pax headers carry no TBF
        }
        pos = data_at + (*size + kBlock - 1) / kBlock * kBlock;
    }
    return members;
}

std::vector<std::uint8_t> extract_tbf(std::span<const std::uint8_t> bytes, std::string_view source,
                                      std::string_view arch) {
    const auto members = read_members(bytes, source);
    std::vector<std::string> names;
    for (const auto& m : members) {
        const std::string_view base = std::string_view(m.name).substr(m.name.rfind('/') + 1);
        // "<arch>.tbf", "<arch>.<flash>.<ram>.tbf" (fixed address), older "<arch>.bin", and
        // "<name>.<arch>.tbf" as some bundlers name members.
        const bool arch_first =
            base.starts_with(arch) && base.size() > arch.size() && base[arch.size()] == '.';
        const bool arch_last = base.ends_with(fmt::format(".{}.tbf", arch));
        if ((arch_first && (base.ends_with(".tbf") || base.ends_with(".bin"))) || arch_last) {
            return m.data;
        }
        names.push_back(m.name);
    }
    throw TabError(fmt::format("{}: no '{}.tbf' member in the TAB (members: {})", source, arch,
                               fmt::join(names, ", ")));
}

std::string metadata_toml(const Metadata& meta) {
    std::string s = fmt::format("tab-version = 1\nname = \"{}\"\n", meta.name);
    if (meta.minimum_kernel_version) {
        s += fmt::format("minimum-tock-kernel-version = \"{}\"\n", *meta.minimum_kernel_version);
    }
    if (meta.only_for_boards) s += fmt::format("only-for-boards = \"{}\"\n", *meta.only_for_boards);
    return s;
}

std::vector<std::uint8_t> write_tab(const Metadata& meta, std::span<const Member> tbfs) {
    std::vector<std::uint8_t> out;
    const std::string toml = metadata_toml(meta);
    append_member(out, "metadata.toml",
                  std::span(reinterpret_cast<const std::uint8_t*>(toml.data()), toml.size()));
    for (const auto& m : tbfs) append_member(out, m.name, m.data);
    out.resize(out.size() + 2 * kBlock, 0);  // end-of-archive: two zero blocks
    return out;
}

std::vector<std::uint8_t> read_tbf_or_tab(const std::string& path) {
    auto bytes = read_file_bytes(path);
    if (!bytes) throw TabError(fmt::format("{}: cannot be opened", path));
    std::vector<std::uint8_t>& data = *bytes;
    if (looks_like_tab(data)) return extract_tbf(data, path);
    return std::move(data);
}

}  // namespace tockemu::tab
