// onednn_gemm.cpp - times oneDNN's dnnl_gemm_u8s8s32 on one shape.
//
//   c++ -O2 bench/int8/onednn_gemm.cpp -ldnnl -lgomp -o onednn_gemm
//   ./onednn_gemm --dir DIR --m M --n N --k K [--trials N] [--min-ms MS]
//
// C[M, N] = A[M, K] (u8) x B[N, K]^T (s8), int32, zero offsets, on one
// thread (omp_set_num_threads(1); Debian's libdnnl uses OpenMP). Checks
// every element of C against DIR/c.bin, then reports GOPS (gemm_data.h).
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

#include "gemm_data.h"

#include <dnnl.h>

extern "C" void omp_set_num_threads(int);

namespace {

const char *kTool = "onednn_gemm";

struct Gemm {
  long m, n, k;
  const uint8_t *a;
  const int8_t *b;
  int32_t *c;
};

void run(void *context) {
  const Gemm &g = *static_cast<const Gemm *>(context);
  const int32_t zero = 0;
  dnnl_status_t status =
      dnnl_gemm_u8s8s32('N', 'T', 'F', g.m, g.n, g.k, 1.0f, g.a, g.k, 0, g.b,
                        g.k, 0, 0.0f, g.c, g.n, &zero);
  if (status != dnnl_success)
    bench_die(kTool, "dnnl_gemm_u8s8s32 failed");
}

} // namespace

int main(int argc, char **argv) {
  gemm_args args = gemm_parse(kTool, argc, argv);
  omp_set_num_threads(1);
  Gemm g{args.m, args.n, args.k, nullptr, nullptr, nullptr};
  g.a = static_cast<const uint8_t *>(
      gemm_read(kTool, args.dir, "a.bin", (size_t)(g.m * g.k)));
  g.b = static_cast<const int8_t *>(
      gemm_read(kTool, args.dir, "b.bin", (size_t)(g.n * g.k)));
  auto *expected = static_cast<const int32_t *>(
      gemm_read(kTool, args.dir, "c.bin", sizeof(int32_t) * g.m * g.n));
  g.c = static_cast<int32_t *>(
      aligned_alloc(64, (sizeof(int32_t) * g.m * g.n + 63) / 64 * 64));
  run(&g);
  long mismatches = gemm_mismatches(kTool, g.c, expected, g.m, g.n);
  const dnnl_version_t *v = dnnl_version();
  char impl[64];
  snprintf(impl, sizeof(impl), "onednn-%d.%d.%d", v->major, v->minor, v->patch);
  gemm_time(kTool, &args, run, &g, mismatches, impl);
  return mismatches ? 2 : 0;
}
