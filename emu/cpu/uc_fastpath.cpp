#include "emu/cpu/uc_fastpath.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <unicorn/unicorn.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>

struct page_collection;  // QEMU's, opaque

namespace tockemu::ucfast {

namespace {

constexpr std::uint32_t kPage = 0x400;        // TARGET_PAGE_SIZE of Unicorn's ARM target
constexpr int kPageRead = 1, kPageWrite = 2;  // QEMU's PAGE_READ / PAGE_WRITE
// QEMU's ARMMMUIdx for M profile: 0x40 | PRIV(1) | NEGPRI(2); unprivileged = PRIV clear.
constexpr int kMmuIdxM = 0x40, kMmuIdxPriv = 0x1, kMmuIdxNegPri = 0x2, kMmuIdxSecure = 0x4;
constexpr int kMmuDataStore = 1, kMmuInstFetch = 2;             // QEMU's MMUAccessType
constexpr int kArmFaultPermission = 5;                          // QEMU's ARMFault_Permission
constexpr int kBpMemRead = 1, kBpMemWrite = 2;                  // QEMU's BP_MEM_READ / BP_MEM_WRITE
constexpr std::uint32_t kChunk = 32, kAllChunks = 0xFFFFFFFFu;  // 32 chunks per page
constexpr std::size_t kMaxCutPages = 64;
// What page_collection_lock returns for RAM without code: nothing to lock or invalidate.
char g_no_collection;
::page_collection* const kNoCollection = reinterpret_cast<::page_collection*>(&g_no_collection);
// The unprivileged core TLB indexes (ARMMMUIdx & 0xF): MUser and MUserNegPri.
constexpr std::uint16_t kUserTlbs = (1u << 0) | (1u << 2);

// QEMU 5.0's ARMMMUFaultInfo (target/arm/internals.h), as far as a permission fault fills it.
struct FaultInfo {
    int type;
    std::uint32_t s2addr;
    int level;
    int domain;
    bool stage2, s1ptw, ea;
};

thread_local Engine* t_active = nullptr;

// ---- The functions of libunicorn.so.2 we call or wrap (all take the same arguments as in
// Unicorn 2.0.1's qemu/accel/tcg/cputlb.c, translate-all.c, exec.c, target/arm/helper.c).
using SetPageFn = void (*)(void*, std::uint32_t, std::uint64_t, std::uint32_t, int, int,
                           std::uint32_t);
using ProtectCodeFn = void (*)(uc_struct*, std::uint64_t);
using GetPhysFn = bool (*)(void*, std::uint32_t, int, int, std::uint64_t*, void*, int*,
                           std::uint32_t*, void*, void*);
using CollectionLockFn = void* (*)(uc_struct*, std::uint64_t, std::uint64_t);
using SetDirtyFn = void (*)(void*, std::uint32_t);
using ResetDirtyFn = void (*)(void*, std::uint64_t, std::uint64_t);
using FlushIdxFn = void (*)(void*, std::uint16_t);
using RamAddrFn = std::uint64_t (*)(uc_struct*, void*);
using MemoryMappingFn = void* (*)(uc_struct*, std::uint64_t);
using WatchMatchFn = int (*)(void*, std::uint64_t, std::uint64_t);
using WatchCheckFn = void (*)(void*, std::uint64_t, std::uint64_t, std::uint32_t, int,
                              std::uintptr_t);
using TlbFillFn = bool (*)(void*, std::uint64_t, int, int, int, bool, std::uintptr_t);
using CollectionUnlockFn = void (*)(::page_collection*);
using InvalidateFastFn = void (*)(uc_struct*, ::page_collection*, std::uint64_t, int,
                                  std::uintptr_t);

struct Symbols {
    SetPageFn set_page = nullptr;
    ProtectCodeFn protect_code = nullptr;
    GetPhysFn get_phys = nullptr;
    CollectionLockFn collection_lock = nullptr;
    SetDirtyFn set_dirty = nullptr;
    ResetDirtyFn reset_dirty = nullptr;
    FlushIdxFn flush_idx = nullptr;
    RamAddrFn ram_addr = nullptr;
    MemoryMappingFn memory_mapping = nullptr;
    WatchMatchFn watch_match = nullptr;
    WatchCheckFn watch_check = nullptr;
    TlbFillFn tlb_fill = nullptr;
    CollectionUnlockFn collection_unlock = nullptr;
    InvalidateFastFn invalidate_fast = nullptr;
    bool complete() const {
        return set_page && protect_code && get_phys && collection_lock && set_dirty &&
               reset_dirty && flush_idx && ram_addr && memory_mapping && watch_match &&
               watch_check && tlb_fill && collection_unlock && invalidate_fast;
    }
};

template <class F>
F lookup(void* handle, const char* name) {
    return reinterpret_cast<F>(dlsym(handle, name));
}

// The originals (RTLD_NEXT from this executable: libunicorn's own definitions) and the helpers
// we only call (RTLD_DEFAULT). Resolved once; the wrappers need them even when we are off.
const Symbols& syms() {
    static const Symbols s = [] {
        Symbols r;
        r.set_page = lookup<SetPageFn>(RTLD_NEXT, "tlb_set_page_with_attrs_arm");
        r.protect_code = lookup<ProtectCodeFn>(RTLD_NEXT, "tlb_protect_code_arm");
        r.get_phys = lookup<GetPhysFn>(RTLD_NEXT, "get_phys_addr_arm");
        r.collection_lock = lookup<CollectionLockFn>(RTLD_NEXT, "page_collection_lock_arm");
        r.set_dirty = lookup<SetDirtyFn>(RTLD_DEFAULT, "tlb_set_dirty_arm");
        r.reset_dirty = lookup<ResetDirtyFn>(RTLD_DEFAULT, "tlb_reset_dirty_arm");
        r.flush_idx = lookup<FlushIdxFn>(RTLD_DEFAULT, "tlb_flush_by_mmuidx_arm");
        r.ram_addr = lookup<RamAddrFn>(RTLD_DEFAULT, "qemu_ram_addr_from_host_arm");
        r.memory_mapping = lookup<MemoryMappingFn>(RTLD_NEXT, "memory_mapping");
        r.watch_match = lookup<WatchMatchFn>(RTLD_NEXT, "cpu_watchpoint_address_matches_arm");
        r.watch_check = lookup<WatchCheckFn>(RTLD_NEXT, "cpu_check_watchpoint_arm");
        r.tlb_fill = lookup<TlbFillFn>(RTLD_DEFAULT, "arm_cpu_tlb_fill_arm");
        r.collection_unlock = lookup<CollectionUnlockFn>(RTLD_NEXT, "page_collection_unlock_arm");
        r.invalidate_fast = lookup<InvalidateFastFn>(RTLD_NEXT, "tb_invalidate_phys_page_fast_arm");
        return r;
    }();
    return s;
}

// status().enabled, readable from the wrappers without the static's guard.
std::atomic<bool> g_enabled{false};

// ---- Self-test on a scratch engine --------------------------------------------------------

// Counts what unprivileged loads ask. Allows them, or with `cut`, cuts the data page: only its
// first 32-byte chunk may be read.
class CountingPolicy final : public UserPolicy {
  public:
    unsigned calls = 0;
    bool cut = false;
    PageVerdict translate(std::uint32_t addr, Access kind, bool) override {
        calls += kind == Access::Read;
        PageVerdict v;
        if (!cut || kind == Access::Fetch || addr < 0x20000400) return v;
        v.whole_page = false;
        v.chunked = true;
        v.read_chunks = 1;
        v.write = false;
        v.deny = kind == Access::Write || (addr & 0x3FF) >= kChunk;
        return v;
    }
};

// Thumb code at kBase: the store loop, then the self-modifying sequence, then a user load.
constexpr std::uint32_t kBase = 0x20000000, kData = kBase + 0x400;
constexpr std::array<std::uint16_t, 18> kCode = {
    0x6028,  // 0x00 loop: str r0, [r5]
    0x3F01,  // 0x02       subs r7, #1
    0xD1FC,  // 0x04       bne loop
    0xE7FE,  // 0x06       b .                 (end of the store loop)
    0x4798,  // 0x08 smc:  blx r3              (target: adds r4, #1)
    0x800A,  // 0x0A       strh r2, [r1]       (rewrites target to movs r6, #2)
    0x4798,  // 0x0C       blx r3              (must run the new instruction)
    0xE7FE,  // 0x0E       b .
    0x3401,  // 0x10 target: adds r4, #1
    0x4770,  // 0x12       bx lr
    0xF381,  // 0x14 user: msr control, r1   (nPRIV; as an instruction, so that Unicorn
    0x8814,  //                                rebuilds its TB flags, a register write does not)
    0x6828,  // 0x18       ldr r0, [r5]
    0xE7FE,  // 0x1A       b .
    0x6828,  // 0x1C cut:  ldr r0, [r5]        (allowed chunk of a cut page)
    0x6828,  // 0x1E       ldr r0, [r5]        (must not refill the TLB)
    0x6830,  // 0x20       ldr r0, [r6]        (refused chunk of the same page)
    0xE7FE,  // 0x22       b .
};

std::string self_test() {
    uc_engine* uc = nullptr;
    if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc) != UC_ERR_OK) return "cannot open an engine";
    struct Closer {
        uc_engine* uc;
        ~Closer() { uc_close(uc); }
    } closer{uc};
    uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M4);
    std::vector<std::uint8_t> ram(0x800, 0);
    std::memcpy(ram.data(), kCode.data(), sizeof kCode);
    if (uc_mem_map_ptr(uc, kBase, ram.size(), UC_PROT_ALL, ram.data()) != UC_ERR_OK)
        return "cannot map scratch RAM";
    CountingPolicy policy;
    Engine engine(uc, &policy);
    engine.add_ram(kBase, ram.data(), static_cast<std::uint32_t>(ram.size()), true);
    Engine::Scope scope(&engine);
    auto reg = [&](int r, std::uint32_t v) { uc_reg_write(uc, r, &v); };
    auto get = [&](int r) {
        std::uint32_t v = 0;
        uc_reg_read(uc, r, &v);
        return v;
    };

    // 1. Stores to a data page must not take the notdirty slow path each time.
    reg(UC_ARM_REG_R5, kData);
    reg(UC_ARM_REG_R7, 100);
    if (uc_emu_start(uc, kBase | 1, kBase + 0x06, 0, 0) != UC_ERR_OK) return "store loop failed";
    if (engine.slow_collections() >= 50)
        return fmt::format("stores still slow ({} of 100 took the notdirty path)",
                           engine.slow_collections());
    // 2. A store to a page holding translated code must still invalidate that code.
    reg(UC_ARM_REG_R1, kBase + 0x10);
    reg(UC_ARM_REG_R2, 0x2602);  // movs r6, #2
    reg(UC_ARM_REG_R3, (kBase + 0x10) | 1);
    reg(UC_ARM_REG_R4, 0);
    reg(UC_ARM_REG_R6, 0);
    if (uc_emu_start(uc, (kBase + 0x08) | 1, kBase + 0x0E, 0, 0) != UC_ERR_OK)
        return "self-modifying code sequence failed";
    if (get(UC_ARM_REG_R4) != 1 || get(UC_ARM_REG_R6) != 2)
        return fmt::format("a store to translated code did not invalidate it (r4={} r6={})",
                           get(UC_ARM_REG_R4), get(UC_ARM_REG_R6));
    // 3. Unprivileged loads must reach the policy.
    reg(UC_ARM_REG_R1, 1);
    if (uc_emu_start(uc, (kBase + 0x14) | 1, kBase + 0x1A, 0, 0) != UC_ERR_OK)
        return "unprivileged load failed";
    if (policy.calls == 0) return "unprivileged accesses do not reach the MPU policy";
    // 4. A cut page stays in the TLB and is checked access by access: allowed loads from its
    // allowed chunk need one fill, and a load from a refused chunk is refused.
    engine.flush_user();
    policy.cut = true;
    policy.calls = 0;
    reg(UC_ARM_REG_R6, kData + 2 * kChunk);
    if (uc_emu_start(uc, (kBase + 0x1C) | 1, kBase + 0x20, 0, 0) != UC_ERR_OK)
        return "loads from the allowed part of a cut page failed";
    if (policy.calls != 1 || engine.watched_accesses() < 2)
        return fmt::format("a cut page is not checked from the TLB ({} fills, {} checks)",
                           policy.calls, engine.watched_accesses());
    if (uc_emu_start(uc, (kBase + 0x20) | 1, kBase + 0x22, 0, 0) == UC_ERR_OK)
        return "a load from the refused part of a cut page was not refused";
    const auto d = engine.take_denial();
    if (!d || d->addr != kData + 2 * kChunk)
        return "a load from the refused part of a cut page was refused for the wrong reason";
    return {};
}

Status compute_status() {
    const unsigned v = uc_version(nullptr, nullptr);
    const std::string version = fmt::format("{}.{}.{}", v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF);
#ifndef TOCKEMU_UC_INTERPOSE
    return {false,
            fmt::format("Unicorn {}: RAM stores fast natively; MPU by access hook", version)};
#else
    if (const char* e = std::getenv("TOCKEMU_UC_FASTPATH"); e && std::string(e) == "0")
        return {false, fmt::format("Unicorn {}: fast path off (TOCKEMU_UC_FASTPATH=0)", version)};
    if ((v >> 8) != 0x020001)
        return {false,
                fmt::format("Unicorn {}: fast path needs exactly 2.0.1; slow stores", version)};
    if (!syms().complete())
        return {false,
                fmt::format("Unicorn {}: fast path off (libunicorn symbols not found)", version)};
    g_enabled.store(true);  // the self-test runs the real thing
    const std::string failed = self_test();
    if (!failed.empty()) {
        g_enabled.store(false);
        return {false,
                fmt::format("Unicorn {}: fast path off, self-test failed: {}", version, failed)};
    }
    return {true, fmt::format("Unicorn {}: fast RAM stores + MPU in the TLB (self-test passed)",
                              version)};
#endif
}

}  // namespace

const Status& status() {
    static const Status s = compute_status();
    return s;
}

// ---- Engine -------------------------------------------------------------------------------

Engine::Engine(uc_struct* uc, UserPolicy* policy) : uc_(uc), policy_(policy) {}

void Engine::add_ram(std::uint32_t base, void* host, std::uint32_t size, bool writable) {
    std::uint64_t ram_addr = UINT64_MAX;
    if (syms().ram_addr) ram_addr = syms().ram_addr(uc_, host);
    rams_.push_back({base, size, static_cast<std::uint8_t*>(host), ram_addr, writable,
                     std::vector<bool>((size + kPage - 1) / kPage, false)});
}

Engine::Ram* Engine::ram_at(std::uint32_t addr) {
    for (auto& r : rams_)
        if (addr >= r.base && addr - r.base < r.size) return &r;
    return nullptr;
}

void Engine::flush_user() {
    cut_.clear();
    if (g_enabled.load(std::memory_order_relaxed) && cpu_) syms().flush_idx(cpu_, kUserTlbs);
}

std::optional<Denial> Engine::take_denial() {
    auto d = denial_;
    denial_.reset();
    return d;
}

Engine::Scope::Scope(Engine* e) : prev_(t_active) {
    t_active = e;
    if (e) e->denial_.reset();
}
Engine::Scope::~Scope() {
    t_active = prev_;
}

void Engine::on_fill(void* cpu, std::uint32_t vaddr, std::uint64_t paddr, int prot,
                     std::uint32_t size) {
    cpu_ = cpu;
    if (!(prot & kPageWrite) || size < kPage || paddr > UINT32_MAX) return;
    Ram* r = ram_at(static_cast<std::uint32_t>(paddr));
    if (!r || !r->writable || r->code[(paddr - r->base) / kPage]) return;
    syms().set_dirty(cpu, vaddr);
}

void Engine::on_protect_code(std::uint64_t ram_addr) {
    for (auto& r : rams_) {
        if (r.ram_addr == UINT64_MAX || ram_addr < r.ram_addr || ram_addr - r.ram_addr >= r.size)
            continue;
        const std::uint64_t off = (ram_addr - r.ram_addr) & ~std::uint64_t{kPage - 1};
        r.code[off / kPage] = true;
        // Entries made dirty before the page held code get TLB_NOTDIRTY back.
        if (cpu_) syms().reset_dirty(cpu_, reinterpret_cast<std::uintptr_t>(r.host + off), kPage);
        return;
    }
}

bool Engine::on_translate(std::uint32_t addr, int access_type, int mmu_idx, int* prot,
                          std::uint32_t* page_size, void* fault_info) {
    pending_flags_ = 0;
    if (!policy_ || (mmu_idx & ~(kMmuIdxNegPri | kMmuIdxSecure)) != kMmuIdxM ||
        (mmu_idx & kMmuIdxPriv))
        return false;
    const Access kind = access_type == kMmuDataStore   ? Access::Write
                        : access_type == kMmuInstFetch ? Access::Fetch
                                                       : Access::Read;
    const PageVerdict v = policy_->translate(addr, kind, (mmu_idx & kMmuIdxNegPri) != 0);
    if (v.deny && kind != Access::Fetch) {
        auto* fi = static_cast<FaultInfo*>(fault_info);
        fi->type = kArmFaultPermission;
        fi->level = 1;
        denial_ = Denial{addr, kind};
        return true;
    }
    if (!v.read) *prot &= ~kPageRead;
    if (!v.write) *prot &= ~kPageWrite;
    // Fetches keep whole pages: the CPU checks them per block (or Unicorn would translate one
    // instruction at a time).
    if (v.whole_page || kind == Access::Fetch) return false;
    if (!v.chunked) {
        *page_size = 1;  // QEMU repeats the fill, and so the check, on every access
        return false;
    }
    const std::uint32_t page = addr & ~(kPage - 1);
    remember_cut({page, v.read_chunks, v.write_chunks, mmu_idx});
    pending_page_ = page;
    pending_flags_ = ((v.read_chunks != 0 && v.read_chunks != kAllChunks) ? kBpMemRead : 0) |
                     ((v.write_chunks != 0 && v.write_chunks != kAllChunks) ? kBpMemWrite : 0);
    return false;
}

void Engine::remember_cut(const CutPage& c) {
    for (auto& e : cut_)
        if (e.page == c.page) {
            e = c;
            return;
        }
    if (cut_.size() >= kMaxCutPages) cut_.clear();  // a miss falls back to the policy
    cut_.push_back(c);
}

// Asked by tlb_set_page_with_attrs for the page it fills: the watch flags of the fill that
// on_translate just decided, once.
int Engine::watch_flags(std::uint32_t page) {
    const int f = page == pending_page_ ? pending_flags_ : 0;
    pending_flags_ = 0;
    return f;
}

// An access through a watched entry: allowed chunks pass; a refused one is delivered as the
// TLB fill's fault (the fill asks the policy again, records the denial and longjmps out).
void Engine::on_watch(void* cpu, std::uint32_t addr, std::uint32_t len, int flags,
                      std::uintptr_t ra) {
    ++watched_;
    const std::uint32_t page = addr & ~(kPage - 1);
    const CutPage* c = nullptr;
    for (const auto& e : cut_)
        if (e.page == page) {
            c = &e;
            break;
        }
    const bool write = (flags & kBpMemWrite) != 0;
    bool ok;
    if (c) {
        const unsigned first = (addr & (kPage - 1)) / kChunk;
        const unsigned last = ((addr + std::max(len, 1u) - 1) & (kPage - 1)) / kChunk;
        const std::uint32_t want = static_cast<std::uint32_t>(
            ((std::uint64_t{1} << (last + 1)) - 1) & ~((std::uint64_t{1} << first) - 1));
        ok = ((flags & kBpMemRead) == 0 || (c->read & want) == want) &&
             (!write || (c->write & want) == want);
    } else {
        ok = !policy_->translate(addr, write ? Access::Write : Access::Read, false).deny;
    }
    if (ok) return;
    const int core_idx = c ? (c->mmu_idx & 0x7) : 0;
    syms().tlb_fill(cpu, addr, static_cast<int>(len), write ? kMmuDataStore : 0, core_idx, false,
                    ra);
}

// Unicorn's memory_mapping() binary-searches the mapped blocks on every slow-path access (its
// one-entry cache is never written in 2.0.1). The mapping is fixed while the guest runs, and
// blocks are whole pages, so a hit is remembered per page.
void* Engine::mapping(std::uint64_t addr) {
    auto& slot = mappings_[(addr / kPage) % mappings_.size()];
    if (slot.page == addr / kPage + 1) return slot.region;
    void* mr = syms().memory_mapping(uc_, addr);
    if (mr) slot = {addr / kPage + 1, mr};
    return mr;
}

bool Engine::code_free(std::uint64_t start, std::uint64_t end) const {
    if (end < start) return false;
    for (const auto& r : rams_) {
        if (r.ram_addr == UINT64_MAX || start < r.ram_addr || end > r.ram_addr + r.size) continue;
        // page_collection_lock takes the pages of start to end, both included.
        const std::uint64_t last = std::min<std::uint64_t>(end - r.ram_addr, r.size - 1) / kPage;
        for (std::uint64_t p = (start - r.ram_addr) / kPage; p <= last; ++p)
            if (r.code[p]) return false;
        return true;
    }
    return false;
}

}  // namespace tockemu::ucfast

// ---- The interposed functions -------------------------------------------------------------
// The executable exports these (see emu/CMakeLists.txt), so libunicorn's PLT calls land here.
#ifdef TOCKEMU_UC_INTERPOSE
using namespace tockemu::ucfast;

extern "C" {

__attribute__((visibility("default"))) void tlb_set_page_with_attrs_arm(
    void* cpu, std::uint32_t vaddr, std::uint64_t paddr, std::uint32_t attrs, int prot, int mmu_idx,
    std::uint32_t size) {
    syms().set_page(cpu, vaddr, paddr, attrs, prot, mmu_idx, size);
    if (g_enabled.load(std::memory_order_relaxed) && t_active)
        t_active->on_fill(cpu, vaddr, paddr, prot, size);
}

__attribute__((visibility("default"))) void tlb_protect_code_arm(uc_struct* uc,
                                                                 std::uint64_t ram_addr) {
    syms().protect_code(uc, ram_addr);
    if (g_enabled.load(std::memory_order_relaxed) && t_active) t_active->on_protect_code(ram_addr);
}

__attribute__((visibility("default"))) bool get_phys_addr_arm(void* env, std::uint32_t address,
                                                              int access_type, int mmu_idx,
                                                              std::uint64_t* phys, void* attrs,
                                                              int* prot, std::uint32_t* page_size,
                                                              void* fi, void* cacheattrs) {
    if (syms().get_phys(env, address, access_type, mmu_idx, phys, attrs, prot, page_size, fi,
                        cacheattrs))
        return true;
    return g_enabled.load(std::memory_order_relaxed) && t_active &&
           t_active->on_translate(address, access_type, mmu_idx, prot, page_size, fi);
}

__attribute__((visibility("default"))) void* memory_mapping(uc_struct* uc, std::uint64_t addr) {
    if (g_enabled.load(std::memory_order_relaxed) && t_active && t_active->owns(uc))
        return t_active->mapping(addr);
    return syms().memory_mapping(uc, addr);
}

__attribute__((visibility("default"))) int cpu_watchpoint_address_matches_arm(void* cpu,
                                                                              std::uint64_t addr,
                                                                              std::uint64_t len) {
    int flags = syms().watch_match(cpu, addr, len);
    if (g_enabled.load(std::memory_order_relaxed) && t_active)
        flags |= t_active->watch_flags(static_cast<std::uint32_t>(addr));
    return flags;
}

__attribute__((visibility("default"))) void cpu_check_watchpoint_arm(void* cpu, std::uint64_t addr,
                                                                     std::uint64_t len,
                                                                     std::uint32_t attrs, int flags,
                                                                     std::uintptr_t ra) {
    if (g_enabled.load(std::memory_order_relaxed) && t_active)
        t_active->on_watch(cpu, static_cast<std::uint32_t>(addr), static_cast<std::uint32_t>(len),
                           flags, ra);
    else
        syms().watch_check(cpu, addr, len, attrs, flags, ra);
}

// Called (through notdirty_write and the range invalidations) before looking for translated
// code to invalidate; RAM that never held code has none, so there is nothing to lock.
__attribute__((visibility("default"))) ::page_collection* page_collection_lock_arm(
    uc_struct* uc, std::uint64_t start, std::uint64_t end) {
    if (t_active) {
        t_active->count_collection();
        if (g_enabled.load(std::memory_order_relaxed) && t_active->code_free(start, end))
            return kNoCollection;
    }
    return static_cast<::page_collection*>(syms().collection_lock(uc, start, end));
}

__attribute__((visibility("default"))) void page_collection_unlock_arm(::page_collection* p) {
    if (p != kNoCollection) syms().collection_unlock(p);
}

__attribute__((visibility("default"))) void tb_invalidate_phys_page_fast_arm(
    uc_struct* uc, ::page_collection* p, std::uint64_t start, int len, std::uintptr_t ra) {
    if (p != kNoCollection) syms().invalidate_fast(uc, p, start, len, ra);
}

}  // extern "C"
#endif
