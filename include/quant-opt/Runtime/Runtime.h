/*===- Runtime.h - the quant-opt runtime (caching allocator) ------*- C -*-===//
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 *
 *===----------------------------------------------------------------------===//
 *
 * The buffers of compiled models. With qnt-lower-to-llvm's
 * caching-allocator option (the default), the code allocates its memrefs
 * with quantopt_rt_aligned_alloc / quantopt_rt_alloc and frees them with
 * quantopt_rt_free (qnt-use-runtime-allocator renames the generic functions
 * of finalize-memref-to-llvm{use-generic-functions=1}). A freed block goes to
 * a cache of the freeing thread, keyed by its exact size and alignment; the
 * next request of that size on that thread takes it back, so a model called
 * repeatedly stops returning its buffers to the kernel and faulting them in
 * again (docs/Int8-kernels.md, "Buffers").
 *
 * A block is a posix_memalign'ed region with a 64-byte (or alignment-sized)
 * prefix recording its size: a result a model returns must be released with
 * quantopt_rt_free, not free.
 *
 * The cached bytes of all threads together stay below a bound (default
 * 1 GiB; the environment variable QUANTOPT_RT_CACHE_LIMIT, in bytes, read at
 * the first call, or quantopt_rt_set_cache_limit): a block freed when the
 * cache is full goes back to the C library at once. A limit of 0 disables
 * caching. A thread's cache is released when the thread exits;
 * quantopt_rt_trim releases every thread's cache.
 *
 * Built as the static library libquant-opt-runtime.a (lib/ of the build),
 * which programs linking quant-compile'd objects link too; the JIT
 * (quant-run, calibration) resolves the symbols in-process; mlir-runner
 * loads libquant-opt-runtime-shared.so (-shared-libs).
 *
 *===----------------------------------------------------------------------===*/

#ifndef QUANTOPT_RUNTIME_RUNTIME_H
#define QUANTOPT_RUNTIME_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A block of `size` bytes aligned to 64 bytes. */
void *quantopt_rt_alloc(uint64_t size);
/* A block of `size` bytes aligned to max(alignment, 64); alignment must be
 * a power of two (otherwise: NULL). NULL when out of memory. */
void *quantopt_rt_aligned_alloc(uint64_t alignment, uint64_t size);
/* Releases a block of quantopt_rt_alloc/aligned_alloc, allocated on any
 * thread, into the calling thread's cache (or to the C library when the
 * cache is full). NULL is ignored. */
void quantopt_rt_free(void *ptr);
/* Returns every thread's cached blocks to the C library. */
void quantopt_rt_trim(void);
/* Bytes (block sizes plus prefixes) held in the caches of all threads. */
uint64_t quantopt_rt_cached_bytes(void);
/* The bound on quantopt_rt_cached_bytes; 0 disables caching. Lowering it
 * does not release blocks already cached (quantopt_rt_trim does). */
void quantopt_rt_set_cache_limit(uint64_t bytes);
uint64_t quantopt_rt_cache_limit(void);

#ifdef __cplusplus
}
#endif

#endif /* QUANTOPT_RUNTIME_RUNTIME_H */
