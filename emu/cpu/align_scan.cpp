#include "emu/cpu/align_scan.hpp"

#include <array>

namespace tockemu {

namespace {

constexpr int kSp = 13, kLr = 14, kPc = 15;

// Capstone register -> 0..15 (r0-r12, sp, lr, pc), or -1 for anything else.
int index_of(int reg) {
    if (reg >= ARM_REG_R0 && reg <= ARM_REG_R12) return reg - ARM_REG_R0;
    if (reg == ARM_REG_SP) return kSp;
    if (reg == ARM_REG_LR) return kLr;
    if (reg == ARM_REG_PC) return kPc;
    return -1;
}

// What is known about a register's value at some point of the block.
struct Val {
    enum Kind : std::uint8_t { Unknown, Entry, Const, SpRel } kind = Unknown;
    unsigned reg = 0;       // Entry: the register whose block-entry value is added
    std::uint32_t off = 0;  // Entry/SpRel: added; Const: the value
    std::optional<std::uint32_t> literal;

    Val plus(std::uint32_t d) const {
        Val v = *this;
        if (v.kind != Unknown) v.off += d;
        return v;
    }
};

Val unknown() {
    return {};
}
Val constant(std::uint32_t c, std::optional<std::uint32_t> lit = std::nullopt) {
    return {Val::Const, 0, c, lit};
}

bool is_site(unsigned id) {
    switch (id) {
        case ARM_INS_LDRD:
        case ARM_INS_STRD:
        case ARM_INS_LDM:
        case ARM_INS_STM:
        case ARM_INS_LDMDB:
        case ARM_INS_STMDB:
        case ARM_INS_STREX:
        case ARM_INS_STREXH:
            return true;
        default:
            return false;
    }
}

bool is_multiple(unsigned id) {
    return id == ARM_INS_LDM || id == ARM_INS_STM || id == ARM_INS_LDMDB || id == ARM_INS_STMDB;
}

const cs_arm_op* mem_operand(const cs_arm& a, int* index = nullptr) {
    for (int k = 0; k < a.op_count; ++k)
        if (a.operands[k].type == ARM_OP_MEM) {
            if (index) *index = k;
            return &a.operands[k];
        }
    return nullptr;
}

// The value PC-relative addressing starts from: Align(PC + 4, 4) in Thumb state.
std::uint32_t pc_base(const cs_insn& in) {
    return (static_cast<std::uint32_t>(in.address) + 4) & ~3u;
}

class BlockFlow {
  public:
    explicit BlockFlow(const LiteralReader& read_literal) : read_literal_(read_literal) {
        for (unsigned r = 0; r < 16; ++r) state_[r] = {Val::Entry, r, 0, std::nullopt};
        state_[kSp] = {Val::SpRel, 0, 0, std::nullopt};
        state_[kPc] = unknown();
    }

    std::optional<AlignSite> site(const cs_insn& in, bool first) const;
    void step(csh cs, const cs_insn& in);

  private:
    Val value_of(int reg) const {
        const int i = index_of(reg);
        return i < 0 || i == kPc ? unknown() : state_[static_cast<unsigned>(i)];
    }
    std::optional<Val> modelled_result(const cs_insn& in) const;
    std::optional<Val> writeback_result(const cs_insn& in, int base) const;

    const LiteralReader& read_literal_;
    std::array<Val, 16> state_{};
};

std::optional<AlignSite> BlockFlow::site(const cs_insn& in, bool first) const {
    if (!is_site(in.id)) return std::nullopt;
    const cs_arm& a = in.detail->arm;
    AlignSite s;
    s.pc = static_cast<std::uint32_t>(in.address);
    s.mask = in.id == ARM_INS_STREXH ? 1u : 3u;
    s.first = first;
    s.conditional = a.cc != ARM_CC_AL && a.cc != ARM_CC_INVALID;
    s.store = in.id == ARM_INS_STRD || in.id == ARM_INS_STM || in.id == ARM_INS_STMDB ||
              in.id == ARM_INS_STREX || in.id == ARM_INS_STREXH;
    s.mnemonic = in.mnemonic;
    int base = ARM_REG_INVALID;
    if (is_multiple(in.id)) {
        if (a.op_count < 1 || a.operands[0].type != ARM_OP_REG) return std::nullopt;
        base = a.operands[0].reg;
        const bool db = in.id == ARM_INS_LDMDB || in.id == ARM_INS_STMDB;
        s.disp = db ? -4 * (a.op_count - 1) : 0;
    } else {
        int k = 0;
        const cs_arm_op* m = mem_operand(a, &k);
        if (!m) return std::nullopt;
        base = m->mem.base;
        // Post-indexed ([Rn], #imm) accesses Rn itself; otherwise Rn + disp.
        const bool post = a.writeback && k + 1 < a.op_count;
        s.disp = post ? 0 : m->mem.disp;
    }
    const int b = index_of(base);
    if (b < 0 || b == kPc) return std::nullopt;  // literal LDRD: PC-relative, word-aligned
    const Val v = state_[static_cast<unsigned>(b)];
    s.site_reg = static_cast<unsigned>(b);
    switch (v.kind) {
        case Val::SpRel:
        case Val::Const:
            s.how = AlignSite::Base::Static;
            s.offset = v.off;
            s.literal = v.literal;
            break;
        case Val::Entry:
            s.how = AlignSite::Base::Entry;
            s.reg = v.reg;
            s.offset = v.off;
            break;
        case Val::Unknown:
            s.how = AlignSite::Base::Runtime;
            break;
    }
    return s;
}

// The new value of the destination register of an instruction whose effect is modelled (moves,
// add/sub of an immediate, literal loads); nullopt when it is not.
std::optional<Val> BlockFlow::modelled_result(const cs_insn& in) const {
    const cs_arm& a = in.detail->arm;
    if (a.op_count < 2 || a.operands[0].type != ARM_OP_REG) return std::nullopt;
    const cs_arm_op& last = a.operands[a.op_count - 1];
    switch (in.id) {
        case ARM_INS_MOV:
            if (a.op_count != 2) return std::nullopt;
            if (last.type == ARM_OP_IMM) return constant(static_cast<std::uint32_t>(last.imm));
            if (last.type == ARM_OP_REG && last.shift.type == ARM_SFT_INVALID)
                return value_of(last.reg);
            return std::nullopt;
        case ARM_INS_MOVW:
            if (last.type != ARM_OP_IMM) return std::nullopt;
            return constant(static_cast<std::uint32_t>(last.imm) & 0xFFFF);
        case ARM_INS_MOVT: {
            const Val cur = value_of(a.operands[0].reg);
            if (last.type != ARM_OP_IMM || cur.kind != Val::Const) return std::nullopt;
            return constant((cur.off & 0xFFFF) | (static_cast<std::uint32_t>(last.imm) << 16),
                            cur.literal);
        }
        case ARM_INS_ADD:
        case ARM_INS_ADDW:
        case ARM_INS_SUB:
        case ARM_INS_SUBW: {
            if (last.type != ARM_OP_IMM || a.op_count > 3) return std::nullopt;
            const cs_arm_op& src = a.operands[a.op_count == 3 ? 1 : 0];
            if (src.type != ARM_OP_REG) return std::nullopt;
            const bool sub = in.id == ARM_INS_SUB || in.id == ARM_INS_SUBW;
            const std::uint32_t imm = static_cast<std::uint32_t>(last.imm);
            const std::uint32_t d = sub ? 0u - imm : imm;
            if (src.reg == ARM_REG_PC) return constant(pc_base(in) + d);  // ADR
            return value_of(src.reg).plus(d);
        }
        case ARM_INS_LDR: {
            const cs_arm_op* m = mem_operand(a);
            if (!m || m->mem.base != ARM_REG_PC || m->mem.index != ARM_REG_INVALID || a.writeback)
                return std::nullopt;
            const std::uint32_t at = pc_base(in) + static_cast<std::uint32_t>(m->mem.disp);
            if (auto w = read_literal_(at)) return constant(*w, at);
            return std::nullopt;
        }
        default:
            return std::nullopt;
    }
}

// The base register's value after a writeback form (LDM/STM with '!', pre/post-indexed
// loads and stores).
std::optional<Val> BlockFlow::writeback_result(const cs_insn& in, int base) const {
    const cs_arm& a = in.detail->arm;
    if (is_multiple(in.id)) {
        const bool db = in.id == ARM_INS_LDMDB || in.id == ARM_INS_STMDB;
        const bool loads_base = (in.id == ARM_INS_LDM || in.id == ARM_INS_LDMDB) && [&] {
            for (int k = 1; k < a.op_count; ++k)
                if (a.operands[k].reg == base) return true;
            return false;
        }();
        if (loads_base) return std::nullopt;
        const std::uint32_t bytes = 4u * static_cast<std::uint32_t>(a.op_count - 1);
        return value_of(base).plus(db ? 0u - bytes : bytes);
    }
    int k = 0;
    const cs_arm_op* m = mem_operand(a, &k);
    if (!m || m->mem.index != ARM_REG_INVALID) return std::nullopt;
    if (k + 1 < a.op_count) {  // post-indexed: [Rn], #imm
        const cs_arm_op& post = a.operands[k + 1];
        if (post.type != ARM_OP_IMM) return std::nullopt;
        return value_of(base).plus(static_cast<std::uint32_t>(post.imm));
    }
    return value_of(base).plus(static_cast<std::uint32_t>(m->mem.disp));
}

void BlockFlow::step(csh cs, const cs_insn& in) {
    const cs_arm& a = in.detail->arm;
    const bool conditional = a.cc != ARM_CC_AL && a.cc != ARM_CC_INVALID;
    // Everything the instruction writes, by Capstone's account and by its operands.
    std::array<bool, 16> written{};
    cs_regs regs_read, regs_write;
    std::uint8_t n_read = 0, n_write = 0;
    if (cs_regs_access(cs, &in, regs_read, &n_read, regs_write, &n_write) == CS_ERR_OK)
        for (unsigned k = 0; k < n_write; ++k)
            if (const int i = index_of(regs_write[k]); i >= 0)
                written[static_cast<unsigned>(i)] = true;
    for (int k = 0; k < a.op_count; ++k)
        if (a.operands[k].type == ARM_OP_REG && (a.operands[k].access & CS_AC_WRITE))
            if (const int i = index_of(a.operands[k].reg); i >= 0)
                written[static_cast<unsigned>(i)] = true;

    // Values computed from the state before the instruction.
    std::optional<std::pair<int, Val>> dest, wb;
    if (!conditional) {
        if (auto v = modelled_result(in)) dest = {index_of(a.operands[0].reg), *v};
        if (a.writeback) {
            const int base = is_multiple(in.id) ? a.operands[0].reg
                             : mem_operand(a)   ? mem_operand(a)->mem.base
                                                : ARM_REG_INVALID;
            if (const int i = index_of(base); i >= 0) {
                written[static_cast<unsigned>(i)] = true;
                if (auto v = writeback_result(in, base)) wb = {i, *v};
            }
        }
    }
    for (unsigned r = 0; r < 16; ++r)
        if (written[r]) state_[r] = unknown();
    if (wb && wb->first >= 0) state_[static_cast<unsigned>(wb->first)] = wb->second;
    if (dest && dest->first >= 0) state_[static_cast<unsigned>(dest->first)] = dest->second;
    // SP[1:0] are always zero on M-profile, whatever was written to it.
    state_[kSp] = {Val::SpRel, 0, 0, std::nullopt};
    state_[kPc] = unknown();
}

}  // namespace

std::vector<AlignSite> scan_alignment_sites(csh cs, const cs_insn* insn, std::size_t n,
                                            const LiteralReader& read_literal) {
    std::vector<AlignSite> sites;
    BlockFlow flow(read_literal);
    std::uint8_t itstate = 0;  // ITSTATE before each instruction (A7.3.3 ITAdvance)
    for (std::size_t i = 0; i < n; ++i) {
        if (auto s = flow.site(insn[i], i == 0)) {
            s->itstate = itstate;
            sites.push_back(*s);
        }
        flow.step(cs, insn[i]);
        if (insn[i].id == ARM_INS_IT)
            itstate = insn[i].bytes[0];
        else if ((itstate & 7) == 0)
            itstate = 0;
        else
            itstate = static_cast<std::uint8_t>((itstate & 0xE0) | ((itstate << 1) & 0x1F));
    }
    return sites;
}

}  // namespace tockemu
