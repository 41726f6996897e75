/* classify.c - classify Fashion-MNIST images with an ahead-of-time compiled
 * quant-opt model.
 *
 *   quant-compile model.mlir -o model.o --header model.h
 *   cc -O2 -I. classify.c model.o -Lbuild/lib -lquant-opt-runtime -lm -o classify
 *   ./classify images labels [--limit N] [--output scores.npy]
 *
 * images: a uint8 .npy array N x 1 x 28 x 28 (scripts/fashion_mnist.py
 *         writes them) or an uncompressed IDX3 file (t10k-images-idx3-ubyte);
 * labels: an integer .npy array of N labels or an IDX1 file.
 *
 * The model (compiled with the default --name model) takes one input of
 * shape [N, 1, 28, 28] or [N, 784]: float (x = byte / 255, the convention of
 * the example models) or uint8 (the bytes). Its one output holds the class
 * scores, float or quantized integers (for one grid, the order of the stored
 * integers is the order of the real values). It prints the top-1 accuracy;
 * --output writes the scores of all images as .npy.
 *
 * Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
 */

#include "model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if MODEL_NUM_INPUTS != 1 || MODEL_NUM_OUTPUTS != 1
#error "classify.c needs a model with one input and one output (class scores)"
#endif

static const int64_t kInputDims[] = MODEL_INPUT0_DIMS;
static const int64_t kOutputDims[] = MODEL_OUTPUT0_DIMS;

static void die(const char *message, const char *path) {
  fprintf(stderr, "classify: error: %s%s%s\n", message, path ? ": " : "",
          path ? path : "");
  exit(1);
}

static unsigned char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    die("cannot open", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *data = malloc(n > 0 ? (size_t)n : 1);
  if (!data || fread(data, 1, (size_t)n, f) != (size_t)n)
    die("cannot read", path);
  fclose(f);
  *size = (size_t)n;
  return data;
}

static uint32_t big_endian32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

/* A loaded array: its elements widened to int64 (labels) or kept as bytes
 * (images). */
struct array {
  unsigned char *file;
  const unsigned char *data;
  char descr[8];
  int64_t shape[4];
  int rank;
};

/* Parses an .npy (version 1 to 3, C order) or an IDX file. */
static struct array load(const char *path) {
  struct array a;
  size_t size;
  memset(&a, 0, sizeof(a));
  a.file = read_file(path, &size);
  if (size >= 10 && memcmp(a.file, "\x93NUMPY", 6) == 0) {
    size_t header_len, offset;
    if (a.file[6] == 1) {
      header_len = a.file[8] | (size_t)a.file[9] << 8;
      offset = 10;
    } else {
      header_len = a.file[8] | (size_t)a.file[9] << 8 |
                   (size_t)a.file[10] << 16 | (size_t)a.file[11] << 24;
      offset = 12;
    }
    if (offset + header_len > size)
      die("truncated .npy header", path);
    char *header = malloc(header_len + 1);
    memcpy(header, a.file + offset, header_len);
    header[header_len] = 0;
    const char *d = strstr(header, "'descr':");
    const char *o = strstr(header, "'fortran_order':");
    const char *s = strstr(header, "'shape':");
    if (!d || !o || !s || strstr(o, "True") == o + 17)
      die("unsupported .npy header", path);
    d = strchr(d + 8, '\'');
    if (!d || sscanf(d + 1, "%7[^']", a.descr) != 1)
      die("unsupported .npy descr", path);
    s = strchr(s, '(');
    for (s = s ? s + 1 : s; s && *s && *s != ')' && a.rank < 4;) {
      char *end;
      long long v = strtoll(s, &end, 10);
      if (end == s)
        break;
      a.shape[a.rank++] = v;
      s = end;
      while (*s == ',' || *s == ' ')
        ++s;
    }
    free(header);
    a.data = a.file + offset + header_len;
    return a;
  }
  if (size >= 8 && a.file[0] == 0 && a.file[1] == 0 && a.file[2] == 8) {
    a.rank = a.file[3];
    if (a.rank < 1 || a.rank > 4 || size < 4 + 4 * (size_t)a.rank)
      die("bad IDX header", path);
    for (int i = 0; i < a.rank; ++i)
      a.shape[i] = big_endian32(a.file + 4 + 4 * i);
    strcpy(a.descr, "|u1");
    a.data = a.file + 4 + 4 * a.rank;
    return a;
  }
  die("not an .npy or uncompressed IDX file", path);
  return a;
}

static int64_t label_at(const struct array *labels, int64_t i) {
  if (!strcmp(labels->descr, "<i8")) {
    int64_t v;
    memcpy(&v, labels->data + 8 * i, 8);
    return v;
  }
  if (!strcmp(labels->descr, "<i4")) {
    int32_t v;
    memcpy(&v, labels->data + 4 * i, 4);
    return v;
  }
  if (!strcmp(labels->descr, "|u1"))
    return labels->data[i];
  die("labels must be uint8, int32 or int64", labels->descr);
  return -1;
}

int main(int argc, char **argv) {
  const char *output_path = NULL;
  int64_t limit = 0;
  const char *paths[2] = {NULL, NULL};
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--limit") && i + 1 < argc)
      limit = atoll(argv[++i]);
    else if (!strcmp(argv[i], "--output") && i + 1 < argc)
      output_path = argv[++i];
    else if (positional < 2)
      paths[positional++] = argv[i];
    else
      die("usage: classify images labels [--limit N] [--output out.npy]", NULL);
  }
  if (positional != 2)
    die("usage: classify images labels [--limit N] [--output out.npy]", NULL);

  struct array images = load(paths[0]);
  struct array labels = load(paths[1]);
  if (strcmp(images.descr, "|u1"))
    die("images must be uint8", paths[0]);
  int64_t total = images.shape[0];
  int64_t pixels = 1;
  for (int i = 1; i < images.rank; ++i)
    pixels *= images.shape[i];
  int64_t per_sample_in = 1;
  for (int i = 1; i < MODEL_INPUT0_RANK; ++i)
    per_sample_in *= kInputDims[i];
  if (pixels != per_sample_in)
    die("the images do not have the model's input size", paths[0]);
  if (labels.shape[0] < total)
    die("fewer labels than images", paths[1]);
  if (limit > 0 && limit < total)
    total = limit;

  int64_t classes = kOutputDims[MODEL_OUTPUT0_RANK - 1];
  int64_t per_sample_out = 1;
  for (int i = 1; i < MODEL_OUTPUT0_RANK; ++i)
    per_sample_out *= kOutputDims[i];
  /* The batch: any size for a dynamic batch dim, else the model's. */
  int64_t batch = kInputDims[0] > 0 ? kInputDims[0] : 64;

  MODEL_INPUT0_TYPE *input =
      calloc((size_t)(batch * per_sample_in), sizeof(MODEL_INPUT0_TYPE));
  MODEL_OUTPUT0_TYPE *scores =
      malloc((size_t)(total * per_sample_out) * sizeof(MODEL_OUTPUT0_TYPE));
  MODEL_OUTPUT0_TYPE *padded =
      malloc((size_t)(batch * per_sample_out) * sizeof(MODEL_OUTPUT0_TYPE));
  if (!input || !scores || !padded)
    die("out of memory", NULL);
  int64_t correct = 0;
  for (int64_t start = 0; start < total; start += batch) {
    int64_t count = total - start < batch ? total - start : batch;
    for (int64_t i = 0; i < count * per_sample_in; ++i) {
      unsigned char byte = images.data[start * per_sample_in + i];
#if MODEL_INPUT0_IS_FLOAT
      input[i] = (MODEL_INPUT0_TYPE)byte / (MODEL_INPUT0_TYPE)255;
#else
      input[i] = (MODEL_INPUT0_TYPE)byte;
#endif
    }
    int64_t n = kInputDims[0] > 0 ? batch : count;
    model_run(n, input, padded);
    memcpy(scores + start * per_sample_out, padded,
           (size_t)(count * per_sample_out) * sizeof(MODEL_OUTPUT0_TYPE));
    for (int64_t s = 0; s < count; ++s) {
      const MODEL_OUTPUT0_TYPE *row = padded + s * per_sample_out;
      int64_t best = 0;
      for (int64_t c = 1; c < classes; ++c)
        if (row[c] > row[best])
          best = c;
      correct += best == label_at(&labels, start + s);
    }
  }
  printf("images %lld, correct %lld, accuracy %.2f%%\n", (long long)total,
         (long long)correct, total ? 100.0 * correct / total : 0.0);

  if (output_path) {
    FILE *f = fopen(output_path, "wb");
    if (!f)
      die("cannot write", output_path);
    char header[128];
    int len = snprintf(header, sizeof(header),
                       "{'descr': '%s', 'fortran_order': False, 'shape': "
                       "(%lld, ",
                       MODEL_OUTPUT0_NPY_DESCR, (long long)total);
    for (int i = 1; i < MODEL_OUTPUT0_RANK; ++i)
      len += snprintf(header + len, sizeof(header) - len, "%lld, ",
                      (long long)kOutputDims[i]);
    len += snprintf(header + len, sizeof(header) - len, "), }");
    int padding = 64 - (10 + len + 1) % 64;
    unsigned short header_len = (unsigned short)(len + padding + 1);
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(header_len & 0xff, f);
    fputc(header_len >> 8, f);
    fwrite(header, 1, (size_t)len, f);
    for (int i = 0; i < padding; ++i)
      fputc(' ', f);
    fputc('\n', f);
    fwrite(scores, sizeof(MODEL_OUTPUT0_TYPE), (size_t)(total * per_sample_out),
           f);
    fclose(f);
  }
  free(input);
  free(scores);
  free(padded);
  free(images.file);
  free(labels.file);
  return 0;
}
