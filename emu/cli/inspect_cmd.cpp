// `tockemu inspect FILE.tbf|FILE.tab ...`: prints a TBF's base header, every TLV, the values the
// kernel derives from them and the footers; for a TAB also the metadata and members. Corrupt
// input is rejected with the file, offset and field (exit status 1).
#include <cstdio>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include "emu/core/file_bytes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "emu/cli/command.hpp"
#include "emu/loader/tab.hpp"
#include "emu/loader/tbf.hpp"

namespace tockemu::cli {

namespace {

void print_tlv(const tbf::TbfHeader& h, const tbf::RawTlv& t) {
    fmt::print("  TLV {} (type {}) at 0x{:x}, {} bytes", tbf::tlv_type_name(t.type), t.type,
               t.offset, t.length);
    switch (static_cast<tbf::TlvType>(t.type)) {
        case tbf::TlvType::Main:
            fmt::print(": init_fn_offset 0x{:x}, protected_trailer_size {}, minimum_ram_size {}",
                       h.main->init_fn_offset, h.main->protected_trailer_size,
                       h.main->minimum_ram_size);
            break;
        case tbf::TlvType::Program:
            fmt::print(
                ": init_fn_offset 0x{:x}, protected_trailer_size {}, minimum_ram_size {}, "
                "binary_end_offset 0x{:x}, app_version {}",
                h.program->init_fn_offset, h.program->protected_trailer_size,
                h.program->minimum_ram_size, h.program->binary_end_offset, h.program->app_version);
            break;
        case tbf::TlvType::PackageName:
            fmt::print(": \"{}\"", h.name());
            break;
        case tbf::TlvType::KernelVersion:
            fmt::print(": requires kernel ^{}.{}", h.kernel_version->major,
                       h.kernel_version->minor);
            break;
        case tbf::TlvType::ShortId:
            fmt::print(": 0x{:08x}", *h.short_id);
            break;
        case tbf::TlvType::FixedAddresses:
            fmt::print(": ram 0x{:08x}, flash 0x{:08x}", h.fixed_addresses->start_process_ram,
                       h.fixed_addresses->start_process_flash);
            break;
        case tbf::TlvType::WriteableFlashRegions:
            for (std::size_t i = 0; i + 8 <= t.payload.size(); i += 8) {
                const auto* p = t.payload.data() + i;
                fmt::print("{} offset 0x{:x} size {}", i ? "," : ":",
                           p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24,
                           p[4] | p[5] << 8 | p[6] << 16 | static_cast<std::uint32_t>(p[7]) << 24);
            }
            break;
        case tbf::TlvType::Permissions:
            for (const auto& p : h.permissions) {
                fmt::print(" [driver 0x{:x} commands {}+ mask 0x{:x}]", p.driver, p.offset * 64,
                           p.allowed_commands);
            }
            break;
        case tbf::TlvType::StoragePermissions:
            fmt::print(": write_id {}, read_ids [{}], modify_ids [{}]",
                       h.storage_permissions->write_id,
                       fmt::join(h.storage_permissions->read_ids, ", "),
                       fmt::join(h.storage_permissions->modify_ids, ", "));
            break;
        default:
            break;
    }
    fmt::print("\n");
}

std::uint32_t word(const std::vector<std::uint8_t>& b, std::size_t at) {
    return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

// libtock-c apps start with crt0's 40-byte header whose reldata_start points at the relocation
// block the packer appended; show it only when that pointer is consistent with binary_end.
void print_crt0_header(const tbf::TbfHeader& h, const std::vector<std::uint8_t>& b) {
    const std::uint32_t app = h.protected_size();
    if (static_cast<std::uint64_t>(app) + 40 > h.binary_end_offset()) return;
    const std::uint32_t reloc = app + word(b, app + 32);
    if (static_cast<std::uint64_t>(reloc) + 4 > h.binary_end_offset() ||
        static_cast<std::uint64_t>(reloc) + 4 + word(b, reloc) != h.binary_end_offset()) {
        return;
    }
    fmt::print(
        "  crt0 header (libtock-c): got flash +0x{:x} ram +0x{:x} size {}, data flash +0x{:x} "
        "ram +0x{:x} size {}, bss ram +0x{:x} size {}, relocations {} bytes at +0x{:x}, stack {}\n",
        word(b, app), word(b, app + 4), word(b, app + 8), word(b, app + 12), word(b, app + 16),
        word(b, app + 20), word(b, app + 24), word(b, app + 28), word(b, reloc), reloc - app,
        word(b, app + 36));
}

void print_tbf(const std::string& label, const std::vector<std::uint8_t>& bytes) {
    const tbf::TbfHeader h = tbf::parse(bytes, label);
    if (bytes.size() < h.total_size) {
        throw tbf::TbfError(
            label, 4, "total_size",
            fmt::format("is {} but only {} bytes are present", h.total_size, bytes.size()));
    }
    fmt::print("{}: TBF v{}{}\n", label, h.version, h.is_padding() ? " (padding object)" : "");
    fmt::print(
        "  header_size {}, total_size {} (0x{:x}), flags 0x{:x} ({}{}), checksum 0x{:08x} (ok)\n",
        h.header_size, h.total_size, h.total_size, h.flags, h.enabled() ? "enabled" : "disabled",
        h.sticky() ? ", sticky" : "", h.checksum);
    for (const auto& t : h.tlvs) print_tlv(h, t);
    if (h.is_padding()) return;
    fmt::print(
        "  name \"{}\", protected region {} bytes, app start +0x{:x}, _start +0x{:x}, "
        "binary end +0x{:x}, minimum RAM {} bytes\n",
        h.name(), h.protected_size(), h.protected_size(), h.init_offset(), h.binary_end_offset(),
        h.minimum_ram_size());
    print_crt0_header(h, bytes);
    if (!h.program) fmt::print("  legacy header: no Program TLV (Main TLV values used)\n");
    if (!h.kernel_version) fmt::print("  no KernelVersion TLV\n");
    for (const auto& f : h.footers) {
        fmt::print("  footer {} (type {}) at 0x{:x}, {} bytes", tbf::tlv_type_name(f.type), f.type,
                   f.offset, f.length);
        if (f.type == static_cast<std::uint16_t>(tbf::TlvType::Credentials)) {
            fmt::print(", format {}{}", f.format, f.format == 0 ? " (Reserved)" : "");
        }
        fmt::print("\n");
    }
}

void print_indented(const std::vector<std::uint8_t>& text) {
    std::string line;
    for (char c : std::string(text.begin(), text.end())) {
        if (c == '\n') {
            fmt::print("    {}\n", line);
            line.clear();
        } else {
            line += c;
        }
    }
    if (!line.empty()) fmt::print("    {}\n", line);
}

int inspect(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        fmt::print(
            "usage: tockemu inspect FILE.tbf|FILE.tab ...\n"
            "Prints TBF headers, TLVs, derived values and footers; for a TAB the metadata "
            "and every TBF member.\n");
        return args.empty() ? 2 : 0;
    }
    int status = 0;
    for (const auto& path : args) {
        try {
            auto bytes = read_file_bytes(path);
            if (!bytes) throw std::runtime_error(fmt::format("{}: cannot be opened", path));
            std::vector<std::uint8_t>& data = *bytes;
            if (!tab::looks_like_tab(data)) {
                print_tbf(path, data);
                continue;
            }
            fmt::print("{}: TAB\n", path);
            for (const auto& m : tab::read_members(data, path)) {
                if (m.name.ends_with(".tbf") || m.name.ends_with(".bin")) {
                    print_tbf(fmt::format("{}:{}", path, m.name), m.data);
                } else {
                    fmt::print("  member {} ({} bytes)\n", m.name, m.data.size());
                    if (m.name == "metadata.toml") print_indented(m.data);
                }
            }
        } catch (const std::exception& e) {
            fmt::print(stderr, "tockemu inspect: error: {}\n", e.what());
            status = 1;
        }
    }
    return status;
}

}  // namespace

TOCKEMU_COMMAND("inspect", "print the headers and TLVs of a TBF or TAB, rejecting corrupt input",
                inspect);

}  // namespace tockemu::cli
