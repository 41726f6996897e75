/* ours_model.c - times a quant-opt model compiled ahead of time on one batch.
 *
 *   quant-compile model.mlir -o model.o --header model.h [tool args]
 *   cc -O2 -I. -Ibench/int8 bench/int8/ours_model.c model.o -Lbuild/lib
 * -lquant-opt-runtime -o ours_model
 *   ./ours_model --input x.bin --batch N [--output y.bin] [--trials N]
 *                [--min-ms MS] [--wall] [--json]
 *
 * The model has one input and one output; a dynamic dim 0 is the batch N.
 * x.bin holds the dense input (N times the other dims, of the input's C type)
 * for one call. The harness makes one call and writes its output densely to
 * --output (for checking by the caller), then times the call as thread CPU
 * time: each trial repeats it for at least --min-ms (default 200 ms); it
 * reports the median and best milliseconds per call over --trials (default 7).
 * --wall times wall-clock time instead (multi-threaded models: the CPU time of
 * the calling thread would leave out the other threads' work).
 * Used by bench/int8_layers.py (one quantized conv layer) and
 * bench/int8_models.py (whole example models).
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */

#include "model.h"

#include "timing.h"

#include <stdint.h>

#if MODEL_NUM_INPUTS != 1 || MODEL_NUM_OUTPUTS != 1
#error "ours_model.c needs a model with one input and one output"
#endif

#define MEMREF_(r) model_memref##r##_t
#define MEMREF(r) MEMREF_(r)
typedef MEMREF(MODEL_INPUT0_RANK) in_t;
typedef MEMREF(MODEL_OUTPUT0_RANK) out_t;

static const char *kTool = "ours_model";
static in_t input;

static void call(out_t *result) { _mlir_ciface_model(result, &input); }

static void release(out_t *result) {
  if (result->allocated != (void *)0xdeadbeef &&
      result->allocated != input.allocated)
    model_free(result->allocated);
}

static void usage(void) {
  fprintf(stderr, "usage: ours_model --input x.bin --batch N [--output y.bin] "
                  "[--trials N] [--min-ms MS] [--wall] [--json]\n");
  exit(1);
}

int main(int argc, char **argv) {
  const char *in_path = NULL, *out_path = NULL;
  long batch = 0;
  int trials = 7, json = 0, wall = 0;
  double min_seconds = 0.2;
  for (int i = 1; i < argc; ++i) {
    const char *o = argv[i];
    if (!strcmp(o, "--json")) {
      json = 1;
      continue;
    }
    if (!strcmp(o, "--wall")) {
      wall = 1;
      continue;
    }
    if (i + 1 >= argc)
      usage();
    const char *v = argv[++i];
    if (!strcmp(o, "--input"))
      in_path = v;
    else if (!strcmp(o, "--output"))
      out_path = v;
    else if (!strcmp(o, "--batch"))
      batch = bench_positive(kTool, o, v);
    else if (!strcmp(o, "--trials"))
      trials = (int)bench_positive(kTool, o, v);
    else if (!strcmp(o, "--min-ms"))
      min_seconds = 1e-3 * (double)bench_positive(kTool, o, v);
    else
      usage();
  }
  if (!in_path || !batch)
    usage();

  static const int64_t in_dims[] = MODEL_INPUT0_DIMS;
  const int rank = MODEL_INPUT0_RANK;
  int64_t count = 1;
  for (int d = rank - 1; d >= 0; --d) {
    int64_t size = in_dims[d] < 0 ? batch : in_dims[d];
    if (in_dims[d] < 0 && d != 0)
      bench_die(kTool, "only dim 0 of the input may be dynamic");
    if (d == 0 && in_dims[0] >= 0 && in_dims[0] != batch)
      bench_die(kTool, "--batch differs from the model's static batch");
    input.sizes[d] = size;
    input.strides[d] = count;
    count *= size;
  }
  size_t bytes = sizeof(MODEL_INPUT0_TYPE) * (size_t)count;
  FILE *f = fopen(in_path, "rb");
  if (!f)
    bench_die(kTool, "cannot open the --input file");
  void *data = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (fread(data, 1, bytes, f) != bytes || fgetc(f) != EOF)
    bench_die(kTool, "the --input file does not hold exactly one batch");
  fclose(f);
  input.allocated = input.aligned = data;
  input.offset = 0;

  /* One call whose output is written out densely. */
  out_t result;
  call(&result);
  if (out_path) {
    int64_t n = 1;
    for (int d = 0; d < MODEL_OUTPUT0_RANK; ++d)
      n *= result.sizes[d];
    MODEL_OUTPUT0_TYPE *dense =
        (MODEL_OUTPUT0_TYPE *)malloc(sizeof(MODEL_OUTPUT0_TYPE) * (size_t)n);
    const MODEL_OUTPUT0_TYPE *base =
        (const MODEL_OUTPUT0_TYPE *)result.aligned + result.offset;
    for (int64_t flat = 0; flat < n; ++flat) {
      int64_t rest = flat, offset = 0;
      for (int d = MODEL_OUTPUT0_RANK - 1; d >= 0; --d) {
        offset += rest % result.sizes[d] * result.strides[d];
        rest /= result.sizes[d];
      }
      dense[flat] = base[offset];
    }
    FILE *o = fopen(out_path, "wb");
    if (!o ||
        fwrite(dense, sizeof(MODEL_OUTPUT0_TYPE), (size_t)n, o) != (size_t)n ||
        fclose(o))
      bench_die(kTool, "cannot write the --output file");
    free(dense);
  }
  release(&result);

  double *ms = (double *)malloc(sizeof(double) * (size_t)trials);
  long calls_total = 0;
  for (int t = 0; t < trials; ++t) {
    long calls = 0;
    double (*clock)(void) = wall ? bench_wall_seconds : bench_cpu_seconds;
    double start = clock(), elapsed;
    do {
      call(&result);
      release(&result);
      ++calls;
      elapsed = clock() - start;
    } while (elapsed < min_seconds);
    ms[t] = 1e3 * elapsed / (double)calls;
    calls_total += calls;
  }
  double median = bench_median(ms, trials);
  if (json)
    printf("{\"impl\": \"quant-opt\", \"batch\": %ld, \"trials\": %d, "
           "\"calls\": %ld, \"ms_median\": %.5f, \"ms_best\": %.5f}\n",
           batch, trials, calls_total, median, ms[0]);
  else
    printf("ours_model: batch %ld: median %.4f ms per call (best %.4f), "
           "%ld calls\n",
           batch, median, ms[0], calls_total);
  free(ms);
  return 0;
}
