/* ours_gemm.c - times quant-opt's int8 GEMM, compiled ahead of time.
 *
 *   quant-compile gemm.mlir -o model.o --header model.h [tool args]
 *   cc -O2 -I. -Ibench/int8 bench/int8/ours_gemm.c model.o -Lbuild/lib
 * -lquant-opt-runtime -o ours_gemm
 *   ./ours_gemm --dir DIR --m M --n N --k K [--trials N] [--min-ms MS]
 *
 * gemm.mlir (bench/int8_common.py writes it) is one qnt.matmul of a u8
 * activation [M, K] argument and constant s8 weights [N, K] (transpose_rhs)
 * into the int32 accumulator [M, N], the same product as oneDNN's
 * dnnl_gemm_u8s8s32 in onednn_gemm.cpp. The harness checks every element of
 * the result against DIR/c.bin, then times _mlir_ciface_model (including the
 * model's allocation of its result, freed after each call).
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */

#include "model.h"

#include "gemm_data.h"

#if MODEL_NUM_INPUTS != 1 || MODEL_NUM_OUTPUTS != 1 ||                         \
    MODEL_INPUT0_RANK != 2 || MODEL_OUTPUT0_RANK != 2
#error "ours_gemm.c needs a model with one 2-D input and one 2-D output"
#endif

static const char *kTool = "ours_gemm";

static void run(void *context) {
  model_memref2_t result;
  _mlir_ciface_model(&result, (model_memref2_t *)context);
  if (result.allocated != (void *)0xdeadbeef)
    model_free(result.allocated);
}

int main(int argc, char **argv) {
  static const int64_t in_dims[] = MODEL_INPUT0_DIMS;
  static const int64_t out_dims[] = MODEL_OUTPUT0_DIMS;
  struct gemm_args args = gemm_parse(kTool, argc, argv);
  if (in_dims[0] != args.m || in_dims[1] != args.k || out_dims[0] != args.m ||
      out_dims[1] != args.n)
    bench_die(kTool, "--m/--n/--k differ from the compiled model's shapes");
  const MODEL_INPUT0_TYPE *a = (const MODEL_INPUT0_TYPE *)gemm_read(
      kTool, args.dir, "a.bin", (size_t)(args.m * args.k));
  const int32_t *expected = (const int32_t *)gemm_read(
      kTool, args.dir, "c.bin", sizeof(int32_t) * (size_t)(args.m * args.n));
  model_memref2_t in = {(void *)a, (void *)a, 0, {args.m, args.k}, {args.k, 1}};

  /* One checked call: copy the (possibly strided) result out densely. */
  model_memref2_t result;
  _mlir_ciface_model(&result, &in);
  int32_t *c = (int32_t *)malloc(sizeof(int32_t) * (size_t)(args.m * args.n));
  const MODEL_OUTPUT0_TYPE *base =
      (const MODEL_OUTPUT0_TYPE *)result.aligned + result.offset;
  if (result.sizes[0] != args.m || result.sizes[1] != args.n)
    bench_die(kTool, "the result has an unexpected shape");
  for (long i = 0; i < args.m; ++i)
    for (long j = 0; j < args.n; ++j)
      c[i * args.n + j] =
          (int32_t)base[i * result.strides[0] + j * result.strides[1]];
  if (result.allocated != (void *)0xdeadbeef)
    model_free(result.allocated);
  long mismatches = gemm_mismatches(kTool, c, expected, args.m, args.n);

  gemm_time(kTool, &args, run, &in, mismatches, "quant-opt");
  return mismatches ? 2 : 0;
}
