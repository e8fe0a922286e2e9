// Fuzz target: TAB (tar) reading (emu/loader/tab) down to the TBF it holds. The input is parsed
// as given and again with every tar header checksum made right (walking the members as the
// reader does), so the member logic is reached. TabError/TbfError are the only acceptable
// failures.
#include <cstdint>
#include <cstdio>
#include <span>
#include <vector>

#include "emu/loader/tab.hpp"
#include "emu/loader/tbf.hpp"

namespace {

void check(std::span<const std::uint8_t> bytes) {
    using namespace tockemu;
    try {
        const auto members = tab::read_members(bytes, "fuzz.tab");
        for (const auto& m : members)
            if (m.data.size() > bytes.size()) __builtin_trap();
        const auto tbf = tab::extract_tbf(bytes, "fuzz.tab");
        (void)tbf::parse(tbf, "fuzz.tab:cortex-m4.tbf");
    } catch (const tab::TabError&) {
    } catch (const tbf::TbfError&) {
    }
}

// Header checksum (ustar: the sum of the header bytes, the checksum field read as spaces).
void fix_checksums(std::vector<std::uint8_t>& b) {
    for (std::size_t pos = 0; pos + 512 <= b.size();) {
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : b[pos + i];
        char field[8];
        std::snprintf(field, sizeof field, "%06o", sum & 0777777);
        for (int i = 0; i < 6; ++i) b[pos + 148 + i] = static_cast<std::uint8_t>(field[i]);
        b[pos + 154] = 0;
        b[pos + 155] = ' ';
        std::uint64_t size = 0;
        for (std::size_t i = 124; i < 136 && b[pos + i] >= '0' && b[pos + i] <= '7'; ++i)
            size = size * 8 + (b[pos + i] - '0');
        pos += 512 + (size + 511) / 512 * 512;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    check(in);
    std::vector<std::uint8_t> fixed(in.begin(), in.end());
    fix_checksums(fixed);
    check(fixed);
    return 0;
}
