/* gemm_data.h - the operands of the bench/int8 GEMM harnesses.
 *
 * C[M, N] (int32) = A[M, K] (uint8, row-major) x B[N, K]^T (int8, row-major:
 * the weights' [out, in] layout of qnt.matmul transpose_rhs). The harnesses
 * read A, B and the expected C from raw little-endian files that
 * bench/int8_common.py writes with numpy (the expected C from an independent
 * float64 product, exact at these sizes), and compare every element.
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */
#ifndef QUANTOPT_BENCH_INT8_GEMM_DATA_H
#define QUANTOPT_BENCH_INT8_GEMM_DATA_H

#include "timing.h"

#include <stdint.h>

struct gemm_args {
  long m, n, k;
  const char *dir; /* holds a.bin, b.bin, c.bin */
  int trials;
  double min_seconds; /* per trial */
  int json;
};

static inline void gemm_usage(const char *tool) {
  fprintf(stderr,
          "usage: %s --dir DIR --m M --n N --k K [--trials N] "
          "[--min-ms MS] [--json]\n"
          "DIR holds a.bin (uint8 M x K), b.bin (int8 N x K) and c.bin "
          "(int32 M x N, the expected product).\n",
          tool);
  exit(1);
}

static inline struct gemm_args gemm_parse(const char *tool, int argc,
                                          char **argv) {
  struct gemm_args a = {0, 0, 0, NULL, 7, 0.2, 0};
  for (int i = 1; i < argc; ++i) {
    const char *o = argv[i];
    if (!strcmp(o, "--json")) {
      a.json = 1;
      continue;
    }
    if (i + 1 >= argc)
      gemm_usage(tool);
    const char *v = argv[++i];
    if (!strcmp(o, "--dir"))
      a.dir = v;
    else if (!strcmp(o, "--m"))
      a.m = bench_positive(tool, o, v);
    else if (!strcmp(o, "--n"))
      a.n = bench_positive(tool, o, v);
    else if (!strcmp(o, "--k"))
      a.k = bench_positive(tool, o, v);
    else if (!strcmp(o, "--trials"))
      a.trials = (int)bench_positive(tool, o, v);
    else if (!strcmp(o, "--min-ms"))
      a.min_seconds = 1e-3 * (double)bench_positive(tool, o, v);
    else
      gemm_usage(tool);
  }
  if (!a.dir || !a.m || !a.n || !a.k)
    gemm_usage(tool);
  return a;
}

/* Reads exactly `size` bytes of DIR/NAME into a new 64-byte aligned buffer. */
static inline void *gemm_read(const char *tool, const char *dir,
                              const char *name, size_t size) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: error: cannot open %s\n", tool, path);
    exit(1);
  }
  void *data = aligned_alloc(64, (size + 63) / 64 * 64);
  size_t got = fread(data, 1, size, f);
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (got != size || extra) {
    fprintf(stderr, "%s: error: %s: expected %zu bytes\n", tool, path, size);
    exit(1);
  }
  return data;
}

/* Number of elements of `c` that differ from `expected`; prints the first. */
static inline long gemm_mismatches(const char *tool, const int32_t *c,
                                   const int32_t *expected, long m, long n) {
  long bad = 0;
  for (long i = 0; i < m * n; ++i) {
    if (c[i] != expected[i]) {
      if (!bad)
        fprintf(stderr, "%s: C[%ld, %ld] = %d, expected %d\n", tool, i / n,
                i % n, c[i], expected[i]);
      ++bad;
    }
  }
  return bad;
}

/* Times `run(context)`: each trial repeats it until `min_seconds` of thread
 * CPU time have passed; prints GOPS (2 * M * N * K per call) as median and
 * best of the trials, and the mismatch count of the last result. */
static inline void gemm_time(const char *tool, const struct gemm_args *a,
                             void (*run)(void *), void *context,
                             long mismatches, const char *impl) {
  double *gops = (double *)malloc(sizeof(double) * (size_t)a->trials);
  double *ms = (double *)malloc(sizeof(double) * (size_t)a->trials);
  double ops = 2.0 * (double)a->m * (double)a->n * (double)a->k;
  long calls_total = 0;
  for (int t = 0; t < a->trials; ++t) {
    long calls = 0;
    double start = bench_cpu_seconds(), elapsed;
    do {
      run(context);
      ++calls;
      elapsed = bench_cpu_seconds() - start;
    } while (elapsed < a->min_seconds);
    gops[t] = ops * (double)calls / elapsed * 1e-9;
    ms[t] = 1e3 * elapsed / (double)calls;
    calls_total += calls;
  }
  double median = bench_median(gops, a->trials);
  double best = gops[a->trials - 1];
  double median_ms = bench_median(ms, a->trials);
  if (a->json)
    printf("{\"impl\": \"%s\", \"m\": %ld, \"n\": %ld, \"k\": %ld, "
           "\"trials\": %d, \"calls\": %ld, \"gops_median\": %.3f, "
           "\"gops_best\": %.3f, \"ms_median\": %.4f, \"mismatches\": %ld}\n",
           impl, a->m, a->n, a->k, a->trials, calls_total, median, best,
           median_ms, mismatches);
  else
    printf("%s: %s %ldx%ldx%ld: median %.2f GOPS (best %.2f), %.4f ms per "
           "call, %ld mismatches\n",
           tool, impl, a->m, a->n, a->k, median, best, median_ms, mismatches);
  free(gops);
  free(ms);
}

#endif
