#pragma once
// Static alignment analysis of one translation block (ARMv7-M ARM A3.2.1).
//
// LDRD/STRD, LDM/STM (and their DB forms) must be word-aligned and STREX word-, STREXH
// halfword-aligned whatever CCR.UNALIGN_TRP says; Unicorn 2.0.1 performs them unaligned (it
// faults only LDREX/LDREXH, as a data abort). Checking every such access at run time would need
// a hook per instruction, so each block is scanned once, when it is first seen, and every such
// site is classified by where its base register's value comes from:
//
//   Static   the base is known when the block is decoded: a constant (MOVW/MOVT, ADR, a literal
//            pool word in flash) or derived from SP (SP[1:0] are always 0 on M-profile) plus a
//            constant. Aligned sites are dropped; misaligned ones always fault.
//   Entry    the base equals a register's value at block entry plus a constant: the block hook
//            checks it with one register read, before any instruction of the block runs.
//   Runtime  anything else (a pointer loaded inside the block, a register offset): the site
//            needs a one-instruction code hook that reads the base when it executes.
//
// The dataflow is per block and conservative: an instruction whose effect on a register it does
// not model (or a conditional one inside an IT block) makes that register unknown. A wrong
// "unknown" only costs a code hook; an Entry/Static verdict is relied upon.
#include <capstone/capstone.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace tockemu {

struct AlignSite {
    enum class Base : std::uint8_t { Static, Entry, Runtime };
    std::uint32_t pc = 0;
    std::uint32_t mask = 3;  // 3: word alignment required, 1: halfword
    Base how = Base::Runtime;
    // Entry: the register (0-12, 14) whose block-entry value plus `offset` is the base.
    unsigned reg = 0;
    unsigned site_reg = 0;     // the base register at the site (0-12, 14)
    std::uint32_t offset = 0;  // Entry: added to the register; Static: the base itself
    std::int32_t disp = 0;     // access address = base + disp (for messages)
    // Static base read from a literal pool: that word's address (rewriting it invalidates).
    std::optional<std::uint32_t> literal;
    bool first = false;        // the first instruction of the block
    bool conditional = false;  // inside an IT block
    bool store = false;
    std::uint8_t itstate = 0;  // ITSTATE at the site (IT[7:0]; 0 outside an IT block)
    const char* mnemonic = "";

    bool misaligned_static() const { return how == Base::Static && (offset & mask) != 0; }
};

// Reads a word of a literal pool when the value cannot change without the block's code being
// invalidated (flash); nullopt otherwise.
using LiteralReader = std::function<std::optional<std::uint32_t>(std::uint32_t addr)>;

// The alignment-checked sites of the block `insn[0..n)` (decoded with details on), Static
// aligned ones included (their literal dependency matters), except SP/PC-based forms (always
// aligned) and LDREX/LDREXH (Unicorn faults them itself).
std::vector<AlignSite> scan_alignment_sites(csh cs, const cs_insn* insn, std::size_t n,
                                            const LiteralReader& read_literal);

}  // namespace tockemu
