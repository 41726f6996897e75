/*===- CachingAllocator.c - per-thread caches of model buffers ----*- C -*-===//
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 *
 *===----------------------------------------------------------------------===//
 *
 * The allocator behind quantopt_rt_alloc/aligned_alloc/free
 * (include/quant-opt/Runtime/Runtime.h). Block layout:
 *
 *   raw (aligned to A) | A-byte prefix, ending with a BlockInfo | user data
 *
 * with A = max(requested alignment, 64). The BlockInfo records the size and
 * A (the free-list key) and links the block into a free list while cached.
 *
 * Every thread owns a Cache: an open-addressing table of bins, one per
 * (size, A), each the head of a singly linked free list. A thread allocates
 * from and frees into its own cache, so a block freed on another thread
 * (an OpenMP worker, a caller thread) simply joins that thread's cache. A
 * cache's mutex is only contended by quantopt_rt_trim; the global counter
 * cached_bytes bounds all caches together. Caches are listed in a registry
 * for quantopt_rt_trim and released by a pthread key destructor at thread
 * exit.
 *
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200112L

#include "quant-opt/Runtime/Runtime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum {
  kMinAlign = 64,
  kInitialBins = 64,
  /* A cache keeps at most this many distinct (size, alignment) bins; a
   * block of a new size past it goes straight back to the C library. */
  kMaxBins = 4096,
};
static const uint64_t kDefaultLimit = 1ull << 30;

typedef struct BlockInfo {
  uint64_t size;
  uint64_t align;
  struct BlockInfo *next;
} BlockInfo;

typedef struct Bin {
  uint64_t size;
  uint64_t align; /* 0: an empty slot */
  BlockInfo *head;
} Bin;

typedef struct Cache {
  pthread_mutex_t lock;
  Bin *bins;
  size_t capacity; /* a power of two */
  size_t used;
  struct Cache *prev, *next; /* the registry */
} Cache;

static pthread_once_t initOnce = PTHREAD_ONCE_INIT;
static pthread_key_t cacheKey;
static int haveCacheKey;
static pthread_mutex_t registryLock = PTHREAD_MUTEX_INITIALIZER;
static Cache *registry;
static _Atomic uint64_t cachedBytes;
static _Atomic uint64_t cacheLimit = kDefaultLimit;
static _Thread_local Cache *threadCache;

static void *userOf(BlockInfo *info) { return (void *)(info + 1); }
static BlockInfo *infoOf(void *ptr) { return (BlockInfo *)ptr - 1; }
static void *rawOf(BlockInfo *info) {
  return (char *)userOf(info) - info->align;
}

/* Frees every cached block of `cache`; the caller holds its lock. */
static void drain(Cache *cache) {
  for (size_t i = 0; i < cache->capacity; ++i) {
    Bin *bin = &cache->bins[i];
    while (bin->head) {
      BlockInfo *info = bin->head;
      bin->head = info->next;
      atomic_fetch_sub(&cachedBytes, info->size + info->align);
      free(rawOf(info));
    }
  }
}

static void releaseThreadCache(void *p) {
  Cache *cache = (Cache *)p;
  pthread_mutex_lock(&registryLock);
  if (cache->prev)
    cache->prev->next = cache->next;
  else
    registry = cache->next;
  if (cache->next)
    cache->next->prev = cache->prev;
  pthread_mutex_unlock(&registryLock);
  pthread_mutex_lock(&cache->lock);
  drain(cache);
  pthread_mutex_unlock(&cache->lock);
  pthread_mutex_destroy(&cache->lock);
  free(cache->bins);
  free(cache);
  threadCache = NULL;
}

static void initialize(void) {
  haveCacheKey = pthread_key_create(&cacheKey, releaseThreadCache) == 0;
  const char *env = getenv("QUANTOPT_RT_CACHE_LIMIT");
  if (env && *env) {
    char *end;
    unsigned long long value = strtoull(env, &end, 10);
    if (*end == '\0' && *env != '-')
      atomic_store(&cacheLimit, (uint64_t)value);
    else
      fprintf(stderr,
              "quant-opt runtime: warning: QUANTOPT_RT_CACHE_LIMIT='%s' is "
              "not a number of bytes; caching up to the default %llu bytes\n",
              env, (unsigned long long)kDefaultLimit);
  }
}

/* The calling thread's cache, created on first use; NULL when out of memory
 * (the caller then bypasses the cache). */
static Cache *getCache(void) {
  if (threadCache)
    return threadCache;
  pthread_once(&initOnce, initialize);
  if (!haveCacheKey)
    return NULL;
  Cache *cache = (Cache *)calloc(1, sizeof(Cache));
  if (!cache)
    return NULL;
  cache->bins = (Bin *)calloc(kInitialBins, sizeof(Bin));
  if (!cache->bins) {
    free(cache);
    return NULL;
  }
  cache->capacity = kInitialBins;
  pthread_mutex_init(&cache->lock, NULL);
  if (pthread_setspecific(cacheKey, cache) != 0) {
    pthread_mutex_destroy(&cache->lock);
    free(cache->bins);
    free(cache);
    return NULL;
  }
  pthread_mutex_lock(&registryLock);
  cache->next = registry;
  if (registry)
    registry->prev = cache;
  registry = cache;
  pthread_mutex_unlock(&registryLock);
  threadCache = cache;
  return cache;
}

static size_t slotOf(uint64_t size, uint64_t align, size_t capacity) {
  uint64_t h = (size ^ (align << 40)) * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & (capacity - 1);
}

static Bin *probe(Bin *bins, size_t capacity, uint64_t size, uint64_t align) {
  for (size_t i = slotOf(size, align, capacity);; i = (i + 1) & (capacity - 1))
    if (bins[i].align == 0 || (bins[i].size == size && bins[i].align == align))
      return &bins[i];
}

/* The bin of (size, align) in `cache` (its lock held); with `create`, adds
 * it if missing. NULL when missing and not created. */
static Bin *findBin(Cache *cache, uint64_t size, uint64_t align, int create) {
  Bin *bin = probe(cache->bins, cache->capacity, size, align);
  if (bin->align != 0 || !create)
    return bin->align != 0 ? bin : NULL;
  if (cache->used >= kMaxBins)
    return NULL;
  if (2 * (cache->used + 1) > cache->capacity) {
    size_t capacity = 2 * cache->capacity;
    Bin *bins = (Bin *)calloc(capacity, sizeof(Bin));
    if (!bins)
      return NULL;
    for (size_t i = 0; i < cache->capacity; ++i)
      if (cache->bins[i].align != 0)
        *probe(bins, capacity, cache->bins[i].size, cache->bins[i].align) =
            cache->bins[i];
    free(cache->bins);
    cache->bins = bins;
    cache->capacity = capacity;
    bin = probe(bins, capacity, size, align);
  }
  bin->size = size;
  bin->align = align;
  bin->head = NULL;
  ++cache->used;
  return bin;
}

/* Counts `bytes` into cachedBytes unless that passes the limit. */
static int reserve(uint64_t bytes) {
  uint64_t limit = atomic_load(&cacheLimit);
  uint64_t current = atomic_load(&cachedBytes);
  do {
    if (bytes > limit || current > limit - bytes)
      return 0;
  } while (
      !atomic_compare_exchange_weak(&cachedBytes, &current, current + bytes));
  return 1;
}

void *quantopt_rt_aligned_alloc(uint64_t alignment, uint64_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    return NULL;
  uint64_t align = alignment < kMinAlign ? kMinAlign : alignment;
  if (size > UINT64_MAX - align)
    return NULL;
  Cache *cache = getCache();
  if (cache) {
    pthread_mutex_lock(&cache->lock);
    Bin *bin = findBin(cache, size, align, /*create=*/0);
    BlockInfo *info = bin ? bin->head : NULL;
    if (info)
      bin->head = info->next;
    pthread_mutex_unlock(&cache->lock);
    if (info) {
      atomic_fetch_sub(&cachedBytes, size + align);
      info->next = NULL;
      return userOf(info);
    }
  }
  void *raw = NULL;
  if (posix_memalign(&raw, (size_t)align, (size_t)(align + size)) != 0)
    return NULL;
  BlockInfo *info = (BlockInfo *)((char *)raw + align) - 1;
  info->size = size;
  info->align = align;
  info->next = NULL;
  return userOf(info);
}

void *quantopt_rt_alloc(uint64_t size) {
  return quantopt_rt_aligned_alloc(kMinAlign, size);
}

void quantopt_rt_free(void *ptr) {
  if (!ptr)
    return;
  BlockInfo *info = infoOf(ptr);
  uint64_t bytes = info->size + info->align;
  Cache *cache = getCache();
  if (cache && reserve(bytes)) {
    pthread_mutex_lock(&cache->lock);
    Bin *bin = findBin(cache, info->size, info->align, /*create=*/1);
    if (bin) {
      info->next = bin->head;
      bin->head = info;
    }
    pthread_mutex_unlock(&cache->lock);
    if (bin)
      return;
    atomic_fetch_sub(&cachedBytes, bytes);
  }
  free(rawOf(info));
}

void quantopt_rt_trim(void) {
  pthread_mutex_lock(&registryLock);
  for (Cache *cache = registry; cache; cache = cache->next) {
    pthread_mutex_lock(&cache->lock);
    drain(cache);
    pthread_mutex_unlock(&cache->lock);
  }
  pthread_mutex_unlock(&registryLock);
}

uint64_t quantopt_rt_cached_bytes(void) { return atomic_load(&cachedBytes); }

void quantopt_rt_set_cache_limit(uint64_t bytes) {
  pthread_once(&initOnce, initialize);
  atomic_store(&cacheLimit, bytes);
}

uint64_t quantopt_rt_cache_limit(void) {
  pthread_once(&initOnce, initialize);
  return atomic_load(&cacheLimit);
}
