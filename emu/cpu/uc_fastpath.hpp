// Fast RAM stores and TLB-level MPU enforcement for Debian 12's Unicorn 2.0.1.
//
// Unicorn 2.0.1 has no dirty-memory bitmap: cpu_physical_memory_is_clean() always answers
// "clean", so every TLB entry for RAM keeps TLB_NOTDIRTY and every guest store takes the
// notdirty slow path (page-collection locking, a g_tree walk, malloc/free). Upstream fixed it
// after 2.0.1 (unicorn-engine/unicorn PR 1838). libunicorn.so.2 calls the functions involved
// through its PLT, so the tockemu executable can interpose them (docs/0012-speed.md):
//   - tlb_set_page_with_attrs_arm: after the fill, a writable RAM page that holds no
//     translated code is marked dirty (tlb_set_dirty_arm), so stores to it take the inline
//     fast path;
//   - tlb_protect_code_arm: a page that gets translated code is re-armed (tlb_reset_dirty_arm),
//     so a store to it still invalidates that code (self-modifying code, flash programming);
//   - get_phys_addr_arm: for unprivileged accesses the CPU's UserPolicy decides per page, so
//     the MPU is enforced by the TLB instead of a per-access hook;
//   - cpu_watchpoint_address_matches_arm / cpu_check_watchpoint_arm: a page that an MPU
//     boundary cuts stays in the TLB, flagged as watched, so each access to it is checked
//     against a per-32-byte verdict (PMSAv7 boundaries are 32-byte aligned) instead of
//     refilling the TLB every time; a refused access is delivered as the fill's fault;
//   - page_collection_lock_arm / page_collection_unlock_arm / tb_invalidate_phys_page_fast_arm:
//     a store through a TLB_NOTDIRTY entry to RAM that never held code skips the page-collection
//     locking (a g_tree, malloc and free per store); counted for the self-test and bench.
// All of it relies on Unicorn internals, so status() checks the exact version, runs a
// self-test on a scratch engine, and otherwise reports why it is off; callers fall back to
// the plain (slow but correct) paths. TOCKEMU_UC_FASTPATH=0 forces the fallback.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct uc_struct;

namespace tockemu::ucfast {

struct Status {
    bool enabled = false;
    std::string text;  // one line for logs and `tockemu bench`
};

// Computed once per process (version check + self-test); thread-safe.
const Status& status();

enum class Access : std::uint8_t { Read, Write, Fetch };

// What an unprivileged access to the TLB page holding `addr` may do.
struct PageVerdict {
    bool deny = false;       // this access is refused (a data abort the CPU reports)
    bool read = true;        // the TLB entry may allow loads
    bool write = true;       // the TLB entry may allow stores
    bool whole_page = true;  // false: a region boundary cuts the page, check every access
    // With !whole_page: the verdict per 32-byte chunk (bit i: offset 32*i of the page) for
    // loads and stores, checked access by access from a TLB entry that stays; without it the
    // TLB is refilled for every access to the page.
    bool chunked = false;
    std::uint32_t read_chunks = 0, write_chunks = 0;
};

class UserPolicy {
  public:
    virtual ~UserPolicy() = default;
    virtual PageVerdict translate(std::uint32_t addr, Access kind, bool negative_priority) = 0;
};

// An unprivileged access the policy refused, for the CPU's data-abort handler.
struct Denial {
    std::uint32_t addr;
    Access kind;
};

// The interposition state of one Unicorn engine. Only calls made inside a Scope (around
// uc_emu_start on the owning thread) see it; everything else gets Unicorn's own behaviour.
class Engine {
  public:
    Engine(uc_struct* uc, UserPolicy* policy);
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Guest RAM at `base` backed by `host`; only writable ranges get fast stores.
    void add_ram(std::uint32_t base, void* host, std::uint32_t size, bool writable);
    // Forget every unprivileged TLB entry (the MPU configuration changed).
    void flush_user();
    std::optional<Denial> take_denial();
    std::uint64_t slow_collections() const { return collections_; }

    class Scope {
      public:
        explicit Scope(Engine* e);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

      private:
        Engine* prev_;
    };

    // Called by the interposed functions.
    void on_fill(void* cpu, std::uint32_t vaddr, std::uint64_t paddr, int prot, std::uint32_t size);
    void on_protect_code(std::uint64_t ram_addr);
    bool on_translate(std::uint32_t addr, int access_type, int mmu_idx, int* prot,
                      std::uint32_t* page_size, void* fault_info);
    int watch_flags(std::uint32_t page);
    void on_watch(void* cpu, std::uint32_t addr, std::uint32_t len, int flags, std::uintptr_t ra);
    void* mapping(std::uint64_t addr);
    bool owns(const uc_struct* uc) const { return uc == uc_; }
    // True when [start, end) of QEMU's RAM address space lies in RAM that never held code.
    bool code_free(std::uint64_t start, std::uint64_t end) const;
    void count_collection() { ++collections_; }
    std::uint64_t watched_accesses() const { return watched_; }

  private:
    struct Ram {
        std::uint32_t base, size;
        std::uint8_t* host;
        std::uint64_t ram_addr;
        bool writable;
        std::vector<bool> code;  // per 1 KiB page: holds translated code
    };
    // A page a region boundary cuts, as the TLB holds it for unprivileged code.
    struct CutPage {
        std::uint32_t page, read, write;
        int mmu_idx;
    };
    Ram* ram_at(std::uint32_t addr);
    void remember_cut(const CutPage& c);
    uc_struct* uc_;
    UserPolicy* policy_;
    void* cpu_ = nullptr;  // QEMU's CPUState, learned at the first TLB fill
    std::vector<Ram> rams_;
    std::optional<Denial> denial_;
    std::vector<CutPage> cut_;
    struct Mapping {
        std::uint64_t page = 0;  // page number + 1; 0: empty
        void* region = nullptr;
    };
    std::array<Mapping, 256> mappings_{};
    // The fill under way: the page and the watchpoint flags its TLB entry gets.
    std::uint32_t pending_page_ = 0;
    int pending_flags_ = 0;
    std::uint64_t collections_ = 0, watched_ = 0;
};

}  // namespace tockemu::ucfast
