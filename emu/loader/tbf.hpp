#pragma once
// Tock Binary Format (TBF v2) headers: parsing, validation and the checksum.
//
// Shared by the packer's round-trip tests (tools/elf2tbf), `tockemu inspect`, the machine's app
// loading and the Tock view's process identification. Layout facts: shared reference
// tock-abi.md §3 and Appendix A (tock/tock: libraries/tock-tbf/src/parse.rs, types.rs).
//
// Validation is strict where the kernel is strict (version, sizes, checksum, fixed-size TLV
// lengths, UTF-8 package name) and reports the first problem as a TbfError naming the source,
// the byte offset inside the TBF and the field. Unknown TLV types are kept as raw entries, as
// the kernel skips them.
//
// CONTRACT (cpu, tock view, cli): members may be added; these signatures stay.
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tockemu::tbf {

inline constexpr std::uint16_t kVersion = 2;
inline constexpr std::uint32_t kBaseHeaderSize = 16;
inline constexpr std::uint32_t kFlagEnabled = 1u << 0;
inline constexpr std::uint32_t kFlagSticky = 1u << 1;

enum class TlvType : std::uint16_t {
    Main = 1,
    WriteableFlashRegions = 2,
    PackageName = 3,
    PicOption1 = 4,
    FixedAddresses = 5,
    Permissions = 6,
    StoragePermissions = 7,
    KernelVersion = 8,
    Program = 9,
    ShortId = 10,
    Credentials = 128,  // footer only
};

std::string_view tlv_type_name(std::uint16_t type);  // "Main", ..., "unknown"

// Malformed TBF: names the source, the offset (from the TBF start) and the field.
struct TbfError : std::runtime_error {
    TbfError(std::string source, std::uint32_t offset, std::string field, std::string problem);
    std::string source;
    std::uint32_t offset;
    std::string field;
    std::string problem;
};

struct MainTlv {
    std::uint32_t init_fn_offset = 0;  // from the end of the header, Thumb bit kept
    std::uint32_t protected_trailer_size = 0;
    std::uint32_t minimum_ram_size = 0;
};

struct ProgramTlv {
    std::uint32_t init_fn_offset = 0;
    std::uint32_t protected_trailer_size = 0;
    std::uint32_t minimum_ram_size = 0;
    std::uint32_t binary_end_offset = 0;  // from the TBF start
    std::uint32_t app_version = 0;
};

struct FlashRegion {
    std::uint32_t offset = 0;  // from the TBF start
    std::uint32_t size = 0;
};

struct FixedAddresses {
    std::uint32_t start_process_ram = 0xFFFFFFFF;    // 0xFFFFFFFF = don't care
    std::uint32_t start_process_flash = 0xFFFFFFFF;  // address of the binary, not the header
};

struct PermissionEntry {
    std::uint32_t driver = 0;
    std::uint32_t offset = 0;  // command number / 64
    std::uint64_t allowed_commands = 0;
};

struct StoragePermissions {
    std::uint32_t write_id = 0;
    std::vector<std::uint32_t> read_ids;
    std::vector<std::uint32_t> modify_ids;
};

struct KernelVersion {
    std::uint16_t major = 0;
    std::uint16_t minor = 0;
};

// One TLV as stored: where it is and its payload bytes (copied).
struct RawTlv {
    std::uint32_t offset = 0;  // of the 4-byte TLV header, from the TBF start
    std::uint16_t type = 0;
    std::uint16_t length = 0;  // payload bytes, without padding
    std::vector<std::uint8_t> payload;
};

// A footer TLV after binary_end (credentials, usually the Reserved one elf2tab writes).
struct Footer {
    std::uint32_t offset = 0;
    std::uint16_t type = 0;
    std::uint32_t length = 0;
    std::uint32_t format = 0;  // credentials format (0 = Reserved)
};

struct TbfHeader {
    std::uint16_t version = 0;
    std::uint16_t header_size = 0;
    std::uint32_t total_size = 0;
    std::uint32_t flags = 0;
    std::uint32_t checksum = 0;

    std::optional<MainTlv> main;
    std::optional<ProgramTlv> program;
    std::optional<std::string> package_name;
    std::vector<FlashRegion> writeable_flash_regions;
    std::optional<FixedAddresses> fixed_addresses;
    std::vector<PermissionEntry> permissions;
    std::optional<StoragePermissions> storage_permissions;
    std::optional<KernelVersion> kernel_version;
    std::optional<std::uint32_t> short_id;
    std::vector<RawTlv> tlvs;     // every TLV in header order, known or not
    std::vector<Footer> footers;  // parsed only when the whole object was given

    // A 16-byte header without TLVs: a tockloader padding object, not an app.
    bool is_padding() const { return header_size == kBaseHeaderSize; }
    bool enabled() const { return (flags & kFlagEnabled) != 0; }
    bool sticky() const { return (flags & kFlagSticky) != 0; }
    // Derived values as the kernel computes them (tock-abi.md §3.4): Program preferred over Main.
    std::uint32_t protected_trailer_size() const;
    std::uint32_t protected_size() const { return header_size + protected_trailer_size(); }
    std::uint32_t init_fn_offset() const;  // from the end of the header
    std::uint32_t init_offset() const { return header_size + init_fn_offset(); }  // from start
    std::uint32_t minimum_ram_size() const;
    std::uint32_t binary_end_offset() const;  // Program.binary_end_offset, else total_size
    std::string name() const { return package_name.value_or(""); }
};

// XOR of every whole little-endian word of `header` except word 3 (the checksum itself).
std::uint32_t compute_checksum(std::span<const std::uint8_t> header);

// The first 8 bytes as the kernel's flash walk reads them. nullopt when fewer than 8 bytes or
// version != 2 (the normal end-of-apps marker: erased 0xFF or zeros).
struct BaseLengths {
    std::uint16_t version;
    std::uint16_t header_size;
    std::uint32_t total_size;
};
std::optional<BaseLengths> peek_lengths(std::span<const std::uint8_t> bytes);

// Parses and validates one TBF object that starts at bytes[0]. `bytes` may be just the header
// (footers are then not parsed) or the whole object (total_size bytes are then required and
// footers are parsed). Throws TbfError.
TbfHeader parse(std::span<const std::uint8_t> bytes, std::string_view source = "<memory>");

// Convenience: whole file read from disk then parse(); throws TbfError on I/O failure too.
TbfHeader parse_file(const std::string& path, std::vector<std::uint8_t>* contents = nullptr);

}  // namespace tockemu::tbf
