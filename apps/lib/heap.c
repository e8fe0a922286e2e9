// Heap over memop sbrk (see heap.h). Each block has an 8-byte header {size, free}; blocks are
// laid out back to back from the first sbrk, so a block's neighbour is found by adding its size.
#include "heap.h"

#include <stdbool.h>
#include <stdint.h>

#include "tock.h"

typedef struct block {
    uint32_t size;  // bytes including this header; multiple of 8
    uint32_t free;
} block_t;

static block_t* heap_start;
static block_t* heap_end;  // first byte after the last block (the break we asked for)

static uint32_t round8(size_t n) {
    return (uint32_t)((n + 7u) & ~(size_t)7u);
}

static block_t* next_block(block_t* b) {
    return (block_t*)((uint8_t*)b + b->size);
}

// Grows the heap by at least `bytes`; the new space becomes (or extends) a free block at the end.
static bool grow(uint32_t bytes) {
    if (!heap_start) {
        // Align the first block: the initial break is only word aligned.
        uintptr_t brk = (uintptr_t)tock_brk_get();
        uint32_t pad = (uint32_t)((8u - (brk & 7u)) & 7u);
        if (pad && tock_sbrk((int)pad) == (void*)-1) return false;
        heap_start = heap_end = (block_t*)(brk + pad);
    }
    uint32_t chunk = bytes < 256 ? 256 : bytes;
    void* old = tock_sbrk((int)chunk);
    if (old == (void*)-1) return false;
    if (old != (void*)heap_end) {
        // Someone else moved the break since the heap last grew: the blocks would no longer
        // be contiguous. Give the memory back and fail rather than corrupt the list.
        tock_sbrk(-(int)chunk);
        return false;
    }
    block_t* b = heap_end;
    b->size = chunk;
    b->free = 1;
    heap_end = next_block(b);
    return true;
}

static void merge_free_neighbours(void) {
    for (block_t* b = heap_start; b && b != heap_end; b = next_block(b)) {
        while (b->free) {
            block_t* n = next_block(b);
            if (n == heap_end || !n->free) break;
            b->size += n->size;
        }
    }
}

void* malloc(size_t size) {
    if (size == 0 || size > 0x100000) return NULL;
    uint32_t need = round8(size) + (uint32_t)sizeof(block_t);
    for (int attempt = 0; attempt < 2; ++attempt) {
        for (block_t* b = heap_start; b && b != heap_end; b = next_block(b)) {
            if (!b->free || b->size < need) continue;
            if (b->size >= need + 16) {  // split off the rest
                block_t* rest = (block_t*)((uint8_t*)b + need);
                rest->size = b->size - need;
                rest->free = 1;
                b->size = need;
            }
            b->free = 0;
            return b + 1;
        }
        if (!grow(need)) return NULL;
        merge_free_neighbours();
    }
    return NULL;
}

void free(void* ptr) {
    if (!ptr) return;
    ((block_t*)ptr - 1)->free = 1;
    merge_free_neighbours();
}

void* calloc(size_t count, size_t size) {
    if (size && count > 0x100000 / size) return NULL;
    void* p = malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void* realloc(void* ptr, size_t size) {
    if (!ptr) return malloc(size);
    block_t* b = (block_t*)ptr - 1;
    size_t have = b->size - sizeof(block_t);
    if (size <= have) return ptr;
    void* p = malloc(size);
    if (p) {
        memcpy(p, ptr, have);
        free(ptr);
    }
    return p;
}
