// elf2tbf: pack a Tock app ELF into a TBF (and optionally a TAB), as elf2tab v0.13 does.
//
//   elf2tbf [options] -o OUT.tbf APP.elf
//
// Options follow elf2tab's names where they exist (see usage()).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "emu/loader/tab.hpp"
#include "tools/elf2tbf/packer.hpp"

namespace {

using tockemu::elf2tbf::PackOptions;

void usage() {
    fmt::print(
        "usage: elf2tbf [options] -o OUT.tbf APP.elf\n"
        "  -o, --output-file FILE      TBF to write\n"
        "  --tab FILE                  also write a TAB (tar: metadata.toml, <arch>.tbf)\n"
        "  --arch NAME                 TBF member name in the TAB (default cortex-m4)\n"
        "  -n, --package-name NAME     PackageName TLV\n"
        "  --stack BYTES               stack size (default: size of .stack, else 2048)\n"
        "  --app-heap BYTES            app heap (default 1024)\n"
        "  --kernel-heap BYTES         kernel heap / grants (default 1024)\n"
        "  --kernel-major N            KernelVersion TLV major\n"
        "  --kernel-minor N            KernelVersion TLV minor (default 0)\n"
        "  --protected-region-size N   header + protected trailer size in bytes\n"
        "  --minimum-footer-size N     reserve N bytes of credentials footer\n"
        "  --app-version N             Program TLV app version (default 0)\n"
        "  --short-id N                ShortId TLV\n"
        "  --disable                   clear the enabled flag\n"
        "  --permissions DRIVER,CMD    allow command CMD of DRIVER (repeatable; Permissions TLV)\n"
        "  --write_id N                storage write ID (Storage permissions TLV)\n"
        "  --read_ids N[,N...]         storage IDs this app may read\n"
        "  --access_ids N[,N...]       storage IDs this app may modify\n"
        "  --main-tlv-only             legacy TBF: Main TLV (+ name) only, no "
        "Program/KernelVersion\n"
        "  -v, --verbose               print the layout\n");
}

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::uint32_t parse_number(std::string_view option, std::string_view text) {
    int base = 10;
    if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
        base = 16;
    }
    std::uint32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        throw Error(fmt::format("{}: '{}' is not a number", option, text));
    }
    return v;
}

// "1,2,3" or "1 2 3".
std::vector<std::uint32_t> parse_list(std::string_view option, std::string_view text) {
    std::vector<std::uint32_t> out;
    while (!text.empty()) {
        const auto cut = text.find_first_of(", ");
        const auto item = text.substr(0, cut);
        if (!item.empty()) out.push_back(parse_number(option, item));
        if (cut == std::string_view::npos) break;
        text.remove_prefix(cut + 1);
    }
    return out;
}

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) throw Error(fmt::format("{}: cannot be written", path));
}

int run(const std::vector<std::string>& args) {
    PackOptions o;
    std::string output, tab, input, arch = "cortex-m4";
    bool verbose = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw Error(fmt::format("{} needs a value", a));
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else if (a == "-o" || a == "--output-file") {
            output = value();
        } else if (a == "--tab") {
            tab = value();
        } else if (a == "--arch") {
            arch = value();
        } else if (a == "-n" || a == "--package-name") {
            o.package_name = value();
        } else if (a == "--stack") {
            o.stack_size = parse_number(a, value());
        } else if (a == "--app-heap") {
            o.app_heap = parse_number(a, value());
        } else if (a == "--kernel-heap") {
            o.kernel_heap = parse_number(a, value());
        } else if (a == "--kernel-major") {
            o.kernel_major = static_cast<std::uint16_t>(parse_number(a, value()));
        } else if (a == "--kernel-minor") {
            o.kernel_minor = static_cast<std::uint16_t>(parse_number(a, value()));
        } else if (a == "--protected-region-size") {
            o.protected_region_size = parse_number(a, value());
        } else if (a == "--minimum-footer-size") {
            o.minimum_footer_size = parse_number(a, value());
        } else if (a == "--app-version") {
            o.app_version = parse_number(a, value());
        } else if (a == "--short-id") {
            o.short_id = parse_number(a, value());
        } else if (a == "--disable") {
            o.disabled = true;
        } else if (a == "--permissions") {
            const auto ids = parse_list(a, value());
            if (ids.size() != 2) throw Error(fmt::format("{}: expected DRIVER,COMMAND", a));
            o.permissions.emplace_back(ids[0], ids[1]);
        } else if (a == "--write_id") {
            o.write_id = parse_number(a, value());
        } else if (a == "--read_ids") {
            o.read_ids = parse_list(a, value());
        } else if (a == "--access_ids") {
            o.access_ids = parse_list(a, value());
        } else if (a == "--main-tlv-only") {
            o.main_tlv_only = true;
        } else if (a == "-v" || a == "--verbose") {
            verbose = true;
        } else if (!a.empty() && a[0] == '-') {
            throw Error(fmt::format("unknown option '{}' (see --help)", a));
        } else if (input.empty()) {
            input = a;
        } else {
            throw Error(fmt::format("more than one input ELF ('{}' and '{}')", input, a));
        }
    }
    if (input.empty()) throw Error("no input ELF given (see --help)");
    if (output.empty()) throw Error("no output file given: use -o OUT.tbf");

    const auto elf = tockemu::elf2tbf::read_elf_file(input);
    auto result = tockemu::elf2tbf::pack(elf, o);
    for (const auto& w : result.warnings)
        fmt::print(stderr, "elf2tbf: warning: {}: {}\n", input, w);
    write_file(output, result.tbf);
    if (verbose) fmt::print("{}: {} bytes\n", output, result.tbf.size());
    if (!tab.empty()) {
        tockemu::tab::Metadata meta;
        meta.name = o.package_name.value_or("app");
        if (o.kernel_major) {
            meta.minimum_kernel_version = fmt::format("{}.{}", *o.kernel_major, o.kernel_minor);
        }
        const std::vector<tockemu::tab::Member> members{{arch + ".tbf", result.tbf}};
        write_file(tab, tockemu::tab::write_tab(meta, members));
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        fmt::print(stderr, "elf2tbf: error: {}\n", e.what());
        return 1;
    }
}
