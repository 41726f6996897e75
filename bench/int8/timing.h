/* timing.h - shared timing helpers of the bench/int8 harnesses.
 *
 * Every harness measures the CPU time of its own thread
 * (CLOCK_THREAD_CPUTIME_ID): on a shared machine, time spent descheduled is
 * not counted, so the numbers describe the code rather than the load. A
 * measurement is repeated N times and reported as median and best.
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */
#ifndef QUANTOPT_BENCH_INT8_TIMING_H
#define QUANTOPT_BENCH_INT8_TIMING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline double bench_wall_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline int bench_compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Sorts `v` in place and returns its median. */
static inline double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), bench_compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static inline void bench_die(const char *tool, const char *message) {
  fprintf(stderr, "%s: error: %s\n", tool, message);
  exit(1);
}

/* Parses a positive integer option value or exits with a message. */
static inline long bench_positive(const char *tool, const char *name,
                                  const char *text) {
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v <= 0) {
    fprintf(stderr, "%s: error: %s expects a positive integer, got '%s'\n",
            tool, name, text);
    exit(1);
  }
  return v;
}

/* A deterministic generator (xorshift32) for the test matrices. */
static inline unsigned bench_next(unsigned *state) {
  unsigned x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

#endif
