/* reuse.c - calls a quant-compile'd model (one input, one output, dynamic
 * batch) repeatedly, on one thread and then on four threads at once, and
 * prints the quant-opt runtime's cached bytes after each call and whether
 * every result equals the first. For test/Tools/quant-compile/
 * caching-allocator.test.
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */
#include "model.h"

#include "quant-opt/Runtime/Runtime.h"

#include <pthread.h>
#include <stdio.h>

#define BATCH 8
#define THREADS 4
#define CALLS 5

static MODEL_INPUT0_TYPE *input;
static MODEL_OUTPUT0_TYPE *expected;
static int64_t inputCount = BATCH, outputCount = BATCH;

static long differences(const MODEL_OUTPUT0_TYPE *output) {
  long differ = 0;
  for (int64_t i = 0; i < outputCount; ++i)
    differ += memcmp(&output[i], &expected[i], sizeof(*output)) != 0;
  return differ;
}

static void *worker(void *arg) {
  long *differ = (long *)arg;
  MODEL_OUTPUT0_TYPE *output = malloc(sizeof(*output) * outputCount);
  for (int call = 0; call < CALLS; ++call) {
    model_run(BATCH, input, output);
    *differ += differences(output);
  }
  free(output);
  return NULL;
}

int main(void) {
  int64_t inDims[] = MODEL_INPUT0_DIMS, outDims[] = MODEL_OUTPUT0_DIMS;
  for (int d = 1; d < MODEL_INPUT0_RANK; ++d)
    inputCount *= inDims[d];
  for (int d = 1; d < MODEL_OUTPUT0_RANK; ++d)
    outputCount *= outDims[d];
  input = malloc(sizeof(*input) * inputCount);
  expected = malloc(sizeof(*expected) * outputCount);
  MODEL_OUTPUT0_TYPE *output = malloc(sizeof(*output) * outputCount);
  for (int64_t i = 0; i < inputCount; ++i)
    input[i] = (MODEL_INPUT0_TYPE)((i * 37) % 101) / 50;

  model_run(BATCH, input, expected);
  printf("call 1: cached %llu\n",
         (unsigned long long)quantopt_rt_cached_bytes());
  for (int call = 2; call <= 3; ++call) {
    model_run(BATCH, input, output);
    printf("call %d: cached %llu, %ld differ\n", call,
           (unsigned long long)quantopt_rt_cached_bytes(), differences(output));
  }

  pthread_t threads[THREADS];
  long differ[THREADS] = {0};
  for (int t = 0; t < THREADS; ++t)
    pthread_create(&threads[t], NULL, worker, &differ[t]);
  long total = 0;
  for (int t = 0; t < THREADS; ++t) {
    pthread_join(threads[t], NULL);
    total += differ[t];
  }
  printf("%d threads x %d calls: %ld differ\n", THREADS, CALLS, total);
  quantopt_rt_trim();
  printf("trimmed: cached %llu\n",
         (unsigned long long)quantopt_rt_cached_bytes());
  free(input);
  free(expected);
  free(output);
  return 0;
}
