//===- Evaluate.cpp - run a model over a data set ---------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Execution/Evaluate.h"

#include "mlir/IR/BuiltinTypes.h"

#include <chrono>
#include <cstring>

using namespace mlir;
using namespace mlir::quantopt;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
  return s + "]";
}

llvm::Expected<HostArray>
mlir::quantopt::prepareInput(HostArray data, const TensorSignature &sig,
                             llvm::StringRef what, bool sampleDim) {
  if (data.shape.size() != sig.shape.size())
    return makeError(what + " has shape " + shapeString(data.shape) +
                     ", but the model input has shape " +
                     shapeString(sig.shape));
  for (size_t d = sampleDim ? 1 : 0; d < sig.shape.size(); ++d)
    if (!ShapedType::isDynamic(sig.shape[d]) && sig.shape[d] != data.shape[d])
      return makeError(what + " has shape " + shapeString(data.shape) +
                       ", but the model input has shape " +
                       shapeString(sig.shape) + " (dim 0 is the sample dim)");
  if (data.kind == sig.kind)
    return data;
  if (sig.kind == ElementKind::F32 &&
      (data.kind == ElementKind::U8 || data.kind == ElementKind::F64)) {
    HostArray converted = HostArray::zeros(ElementKind::F32, data.shape);
    float *out = converted.data<float>();
    int64_t n = data.numElements();
    if (data.kind == ElementKind::U8) {
      const uint8_t *in = data.data<uint8_t>();
      for (int64_t i = 0; i < n; ++i)
        out[i] = static_cast<float>(in[i]) / 255.0f;
    } else {
      const double *in = data.data<double>();
      for (int64_t i = 0; i < n; ++i)
        out[i] = static_cast<float>(in[i]);
    }
    return converted;
  }
  return makeError(what + " holds " + npyDescr(data.kind) +
                   " elements, but the model input takes " +
                   npyDescr(sig.kind));
}

/// The label of sample `i` (any integer kind).
static int64_t labelAt(const HostArray &labels, int64_t i) {
  switch (labels.kind) {
  case ElementKind::I64:
    return labels.data<int64_t>()[i];
  case ElementKind::I32:
    return labels.data<int32_t>()[i];
  case ElementKind::I16:
    return labels.data<int16_t>()[i];
  case ElementKind::I8:
    return labels.data<int8_t>()[i];
  case ElementKind::U8:
    return labels.data<uint8_t>()[i];
  default:
    return -1;
  }
}

/// Element `i` of a float or integer output, as a double (exact for the
/// integers of quantized outputs).
static double scoreAt(const HostArray &output, int64_t i) {
  switch (output.kind) {
  case ElementKind::F64:
    return output.data<double>()[i];
  case ElementKind::F32:
    return output.data<float>()[i];
  case ElementKind::I8:
    return output.data<int8_t>()[i];
  case ElementKind::U8:
    return output.data<uint8_t>()[i];
  case ElementKind::I16:
    return output.data<int16_t>()[i];
  case ElementKind::I32:
    return output.data<int32_t>()[i];
  default:
    return 0;
  }
}

/// True if top-1 can be read from an output of this kind: floats, and the
/// stored integers of a quantized output (on one grid, their order is the
/// order of the real values).
static bool isScoreKind(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
  case ElementKind::F64:
  case ElementKind::I8:
  case ElementKind::U8:
  case ElementKind::I16:
  case ElementKind::I32:
    return true;
  default:
    return false;
  }
}

/// The argmax of each row (last dim) of an output.
static void argmaxRows(const HostArray &output, int64_t rows,
                       llvm::SmallVectorImpl<int64_t> &result) {
  int64_t classes = output.shape.back();
  for (int64_t r = 0; r < rows; ++r) {
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (scoreAt(output, r * classes + c) >
          scoreAt(output, r * classes + best))
        best = c;
    result.push_back(best);
  }
}

llvm::Expected<EvaluateResult>
mlir::quantopt::evaluate(JitModel &model, llvm::ArrayRef<HostArray> inputs,
                         const HostArray *labels,
                         const EvaluateOptions &options) {
  llvm::ArrayRef<TensorSignature> sigs = model.inputs();
  if (inputs.size() != sigs.size())
    return makeError("the model takes " + llvm::Twine(sigs.size()) +
                     " inputs, but " + llvm::Twine(inputs.size()) +
                     " were given");
  if (options.whole) {
    if (labels)
      return makeError("labels need a sample dim");
    llvm::SmallVector<HostArrayView> views;
    for (const HostArray &input : inputs)
      views.push_back(input.view());
    for (int64_t w = 0; w < options.warmup; ++w)
      if (auto outputs = model.run(views); !outputs)
        return outputs.takeError();
    auto begin = std::chrono::steady_clock::now();
    auto outputs = model.run(views);
    if (!outputs)
      return outputs.takeError();
    EvaluateResult result;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
            .count();
    result.callSeconds.push_back(result.seconds);
    result.samples = 1;
    result.batch = 1;
    if (options.keepOutputs)
      result.outputs = std::move(*outputs);
    return result;
  }
  if (sigs.empty() || sigs[0].shape.empty())
    return makeError("the model's first input has no sample dim");
  int64_t total = inputs[0].shape[0];
  for (const HostArray &input : inputs)
    if (input.shape.empty() || input.shape[0] != total)
      return makeError("the inputs hold different numbers of samples");
  if (options.limit > 0)
    total = std::min(total, options.limit);
  if (labels) {
    if (labels->shape.empty() || labels->shape[0] < total ||
        labels->numElements() != labels->shape[0] || labelAt(*labels, 0) < 0)
      return makeError("labels must be a 1-D integer array with one label "
                       "per sample");
  }
  bool classify = labels && !model.outputs().empty() &&
                  model.outputs()[0].shape.size() >= 1 &&
                  isScoreKind(model.outputs()[0].kind);
  if (labels && !classify)
    return makeError("labels need an output #0 of class scores (float, or "
                     "quantized on one grid)");

  EvaluateResult result;
  int64_t staticBatch = sigs[0].shape[0];
  result.batch = ShapedType::isDynamic(staticBatch)
                     ? std::max<int64_t>(1, std::min(options.batch, total))
                     : staticBatch;
  int64_t batch = result.batch;

  // Batch views into the inputs; the last, partial batch of a static-batch
  // model is zero-padded.
  llvm::SmallVector<HostArray> padded(inputs.size());
  auto runBatch =
      [&](int64_t start,
          bool timed) -> llvm::Expected<llvm::SmallVector<HostArray>> {
    int64_t count = std::min(batch, total - start);
    llvm::SmallVector<HostArrayView> views;
    llvm::SmallVector<llvm::SmallVector<int64_t>> shapes(inputs.size());
    for (auto [i, input] : llvm::enumerate(inputs)) {
      size_t rowBytes = input.bytes.size() / input.shape[0];
      shapes[i].assign(input.shape.begin(), input.shape.end());
      const uint8_t *rows = input.bytes.data() + start * rowBytes;
      if (count < batch && !ShapedType::isDynamic(staticBatch)) {
        shapes[i][0] = batch;
        padded[i] = HostArray::zeros(input.kind, shapes[i]);
        std::memcpy(padded[i].bytes.data(), rows, count * rowBytes);
        rows = padded[i].bytes.data();
      } else {
        shapes[i][0] = count;
      }
      views.push_back({input.kind, shapes[i], rows});
    }
    auto begin = std::chrono::steady_clock::now();
    auto outputs = model.run(views);
    if (timed) {
      double seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - begin)
                           .count();
      result.callSeconds.push_back(seconds);
      result.seconds += seconds;
    }
    return outputs;
  };

  for (int64_t w = 0; w < options.warmup && total > 0; ++w)
    if (auto outputs = runBatch(0, /*timed=*/false); !outputs)
      return outputs.takeError();

  int64_t correct = 0;
  llvm::SmallVector<int64_t> predictions;
  for (int64_t start = 0; start < total; start += batch) {
    int64_t count = std::min(batch, total - start);
    auto outputs = runBatch(start, /*timed=*/true);
    if (!outputs)
      return outputs.takeError();
    if (classify) {
      predictions.clear();
      argmaxRows((*outputs)[0], count, predictions);
      for (int64_t i = 0; i < count; ++i)
        correct += predictions[i] == labelAt(*labels, start + i);
    }
    if (options.keepOutputs) {
      if (result.outputs.empty())
        for (const HostArray &out : *outputs) {
          llvm::SmallVector<int64_t> shape(out.shape);
          shape[0] = total;
          result.outputs.push_back(HostArray::zeros(out.kind, shape));
        }
      for (auto [i, out] : llvm::enumerate(*outputs)) {
        size_t rowBytes = out.bytes.size() / out.shape[0];
        std::memcpy(result.outputs[i].bytes.data() + start * rowBytes,
                    out.bytes.data(), count * rowBytes);
      }
    }
    if (options.progress)
      options.progress(start + count, total);
  }
  result.samples = total;
  if (classify)
    result.correct = correct;
  return result;
}
