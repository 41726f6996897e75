// peak.cpp - the machine's vpdpbusd peak, single-threaded.
//
//   c++ -O2 -mavx512f -mavx512vnni bench/int8/peak.cpp -o peak
//   ./peak [--trials N] [--iterations N] [--width 512|256] [--json]
//
// Runs CHAINS independent accumulation chains of vpdpbusd (u8 x s8 dot
// products of 4 pairs into int32 lanes, via the _mm512_dpbusd_epi32 /
// _mm256_dpbusd_epi32 intrinsics), enough to hide the instruction's latency.
// One zmm vpdpbusd is 64 multiply-accumulates: GOPS = 2 * MACs / s.
//
// The CPU frequency moves under a hypervisor and other load, so the probe
// also times a chain of dependent integer adds (one cycle each) around every
// trial: `ghz` estimates the core clock during the trial, and `per_cycle` is
// the number of vpdpbusd instructions per core cycle, which does not depend
// on the clock. Times are thread CPU time; the median and the best of the
// trials are reported, with the spread of the clock estimates.
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "timing.h"

#include <immintrin.h>

#include <cstdint>
#include <vector>

namespace {

constexpr int kChains = 24;
const char *kTool = "peak";

// Dependent adds: each depends on the previous one, so the loop runs at one
// add per cycle. The asm keeps the compiler from folding the chain.
double clockGhz(long adds) {
  double start = bench_cpu_seconds();
  uint64_t x = 0;
  for (long i = 0; i < adds; i += 8) {
    asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                 : "+r"(x));
  }
  double seconds = bench_cpu_seconds() - start;
  // The loop overhead (increment, compare, branch) runs in parallel with the
  // add chain on an out-of-order core.
  return (double)adds / seconds * 1e-9;
}

template <typename Vec, Vec (*Dp)(Vec, Vec, Vec), Vec (*Set1)(int),
          Vec (*Add)(Vec, Vec)>
int64_t runChains(long iterations, int32_t seed) {
  Vec acc[kChains];
  for (int c = 0; c < kChains; ++c)
    acc[c] = Set1(seed + c);
  Vec a = Set1(0x01020304 ^ seed), b = Set1(0x7f80ff01 ^ seed);
  for (long i = 0; i < iterations; ++i) {
    // The empty asm makes the compiler keep a and b in registers but forget
    // their values, so it cannot hoist or fold the dot products.
    asm volatile("" : "+v"(a), "+v"(b));
    // Unrolled, so that every accumulator lives in its own register.
#pragma GCC unroll 32
    for (int c = 0; c < kChains; ++c)
      acc[c] = Dp(acc[c], a, b);
  }
  Vec sum = acc[0];
  for (int c = 1; c < kChains; ++c)
    sum = Add(sum, acc[c]);
  alignas(64) int32_t lanes[16] = {0};
  memcpy(lanes, &sum, sizeof(Vec));
  int64_t total = 0;
  for (int i = 0; i < 16; ++i)
    total += lanes[i];
  return total;
}

__m512i dp512(__m512i s, __m512i a, __m512i b) {
  return _mm512_dpbusd_epi32(s, a, b);
}
__m512i set512(int v) { return _mm512_set1_epi32(v); }
__m512i add512(__m512i a, __m512i b) { return _mm512_add_epi32(a, b); }
__m256i dp256(__m256i s, __m256i a, __m256i b) {
  return _mm256_dpbusd_epi32(s, a, b);
}
__m256i set256(int v) { return _mm256_set1_epi32(v); }
__m256i add256(__m256i a, __m256i b) { return _mm256_add_epi32(a, b); }

} // namespace

int main(int argc, char **argv) {
  int trials = 15, width = 512, json = 0;
  long iterations = 2000000;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--trials") && i + 1 < argc)
      trials = (int)bench_positive(kTool, "--trials", argv[++i]);
    else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
      iterations = bench_positive(kTool, "--iterations", argv[++i]);
    else if (!strcmp(argv[i], "--width") && i + 1 < argc)
      width = (int)bench_positive(kTool, "--width", argv[++i]);
    else if (!strcmp(argv[i], "--json"))
      json = 1;
    else {
      fprintf(stderr,
              "usage: peak [--trials N] [--iterations N] [--width 512|256] "
              "[--json]\n");
      return 1;
    }
  }
  if (width != 512 && width != 256)
    bench_die(kTool, "--width must be 512 or 256");
  if (!__builtin_cpu_supports("avx512vnni") ||
      !__builtin_cpu_supports("avx512vl"))
    bench_die(kTool, "this CPU has no AVX-512 VNNI (vpdpbusd)");

  const double macsPerInstr = width / 8;
  const double instrs = (double)iterations * kChains;
  std::vector<double> gops(trials), ghz(trials), perCycle(trials);
  int64_t check = 0;
  for (int t = 0; t < trials; ++t) {
    double before = clockGhz(20000000);
    double start = bench_cpu_seconds();
    check += width == 512
                 ? runChains<__m512i, dp512, set512, add512>(iterations, t)
                 : runChains<__m256i, dp256, set256, add256>(iterations, t);
    double seconds = bench_cpu_seconds() - start;
    double after = clockGhz(20000000);
    gops[t] = 2.0 * macsPerInstr * instrs / seconds * 1e-9;
    ghz[t] = 0.5 * (before + after);
    perCycle[t] = instrs / seconds * 1e-9 / ghz[t];
  }
  std::vector<double> sorted = gops;
  double medianGops = bench_median(sorted.data(), trials);
  double bestGops = sorted[trials - 1], worstGops = sorted[0];
  sorted = ghz;
  double medianGhz = bench_median(sorted.data(), trials);
  double minGhz = sorted[0], maxGhz = sorted[trials - 1];
  sorted = perCycle;
  double medianPerCycle = bench_median(sorted.data(), trials);
  if (json) {
    printf("{\"width\": %d, \"chains\": %d, \"trials\": %d, "
           "\"gops_median\": %.2f, \"gops_best\": %.2f, \"gops_worst\": %.2f, "
           "\"ghz_median\": %.3f, \"ghz_min\": %.3f, \"ghz_max\": %.3f, "
           "\"vpdpbusd_per_cycle_median\": %.3f, \"checksum\": %lld}\n",
           width, kChains, trials, medianGops, bestGops, worstGops, medianGhz,
           minGhz, maxGhz, medianPerCycle, (long long)check);
  } else {
    printf("vpdpbusd %s, %d chains, %d trials of %ld iterations "
           "(thread CPU time)\n",
           width == 512 ? "zmm" : "ymm", kChains, trials, iterations);
    printf("GOPS (2*MACs/s): median %.1f, best %.1f, worst %.1f\n", medianGops,
           bestGops, worstGops);
    printf("core clock (dependent adds): median %.2f GHz, range %.2f-%.2f\n",
           medianGhz, minGhz, maxGhz);
    printf("vpdpbusd per cycle: median %.2f (checksum %lld)\n", medianPerCycle,
           (long long)check);
  }
  return 0;
}
