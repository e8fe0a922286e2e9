// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so that the
// normal build's ctest runs every kept crash input and seed: `replay FILE|DIR...` (directories
// recursively, files in name order). A crash, sanitizer report or uncaught exception fails the
// run; a missing path is an error too (a test that silently replays nothing cannot fail).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

std::vector<std::filesystem::path> inputs(const std::filesystem::path& p) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(p)) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(p))
            if (e.is_regular_file()) out.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p)) {
        out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const auto files = inputs(argv[i]);
        if (files.empty()) {
            std::fprintf(stderr, "%s: no input at %s\n", argv[0], argv[i]);
            return 2;
        }
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
            std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), bytes.size());
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                   bytes.size());
            ++replayed;
        }
    }
    std::printf("%zu inputs replayed, none crashed\n", replayed);
    return 0;
}
