#pragma once
// Tock Application Bundle (TAB): a plain ustar archive holding `metadata.toml` and one TBF per
// architecture (`cortex-m4.tbf`, older bundles `cortex-m4.bin`; tock-abi.md §3.8, A.5).
// Reading picks the member for an architecture; writing makes what elf2tab --deterministic
// writes in spirit (metadata first, then the TBFs, fixed mtime 0), so tests have TABs.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tockemu::tab {

struct TabError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Member {
    std::string name;
    std::vector<std::uint8_t> data;
};

struct Metadata {
    std::string name;
    std::optional<std::string> minimum_kernel_version;  // "major.minor"
    std::optional<std::string> only_for_boards;
};

// True if the bytes look like a tar archive (ustar magic at offset 257), i.e. not a TBF.
bool looks_like_tab(std::span<const std::uint8_t> bytes);

// All regular-file members, in archive order. Throws TabError (source, member offset, field).
std::vector<Member> read_members(std::span<const std::uint8_t> bytes,
                                 std::string_view source = "<memory>");

// The TBF for `arch` (member named "<arch>.tbf", "<arch>.<...>.tbf", "<arch>.bin" or
// "<name>.<arch>.tbf"); the first match in archive order.
std::vector<std::uint8_t> extract_tbf(std::span<const std::uint8_t> bytes,
                                      std::string_view source = "<memory>",
                                      std::string_view arch = "cortex-m4");

std::string metadata_toml(const Metadata& meta);

// A tar archive: metadata.toml then "<arch>.tbf" for each (arch, tbf) pair.
std::vector<std::uint8_t> write_tab(const Metadata& meta,
                                    std::span<const Member> tbfs_by_member_name);

// Reads a file from disk; if it is a TAB returns its cortex-m4 TBF, else the bytes as-is.
std::vector<std::uint8_t> read_tbf_or_tab(const std::string& path);

}  // namespace tockemu::tab
