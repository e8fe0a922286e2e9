// A small heap on top of memop sbrk (class 5, op 1): first-fit free list, blocks 8-byte aligned.
// The break only grows; freed blocks are reused and merged with free neighbours. The heap
// assumes it alone moves the break after its first allocation.
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void* malloc(size_t size);
void* calloc(size_t count, size_t size);
void* realloc(void* ptr, size_t size);
void free(void* ptr);

#ifdef __cplusplus
}
#endif
