// Fuzz target: the ELF loader (emu/loader/elf) and placing its segments into a Machine's memory
// (Machine::load_elf). ElfError/LoadError are the only acceptable failures.
#include <cstdint>
#include <memory>
#include <span>

#include "emu/loader/elf.hpp"
#include "emu/machine/machine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tockemu;
    // A machine serves many inputs (loading only writes memory and adds symbols); a fresh one
    // every 1000 loads keeps its symbol table from growing without bound.
    static std::unique_ptr<Machine> machine;
    static unsigned loads = 0;
    if (!machine || ++loads % 1000 == 0) machine = std::make_unique<Machine>();
    elf::Image img;
    try {
        img = elf::parse(std::span(data, size), "fuzz.elf");
    } catch (const elf::ElfError&) {
        return 0;
    }
    elf::SymbolTable table;
    for (const auto& s : img.symbols) {
        table.add(s);
        (void)table.symbolize(s.value);
        if (!table.lookup(s.name)) __builtin_trap();
    }
    try {
        machine->load_elf_bytes(std::span(data, size), "fuzz.elf");
    } catch (const LoadError&) {
    }
    return 0;
}
