//===- ConvPoolOps.cpp - convolution and pooling ----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Conv -> qnt.conv2d, MaxPool -> qnt.max_pool2d, AveragePool ->
// qnt.avg_pool2d, GlobalAveragePool -> qnt.global_avg_pool. 2-D (NCHW) only.
// auto_pad is resolved into explicit pads; ceil_mode becomes extra end
// padding where that is exact, and an error where it is not.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

/// Window attributes (kernel, strides, dilations, pads) above this are
/// rejected, so that window arithmetic cannot overflow.
static constexpr int64_t kMaxWindow = int64_t(1) << 24;

namespace {
/// The window of a 2-D conv or pool: pads are [top, left, bottom, right].
struct Window {
  SmallVector<int64_t, 2> kernel, strides, dilations;
  SmallVector<int64_t, 4> pads;
  SymShape outSpatial;
};
} // namespace

/// Requires a rank-4 input.
static LogicalResult checkNCHW(NodeImporter &n, ArrayRef<SymInt> shape) {
  if (shape.size() != 4)
    return n.error() << n.opType()
                     << ": only 2-D windows over rank-4 (NCHW) inputs are "
                        "supported, the input has shape "
                     << formatShape(shape);
  return success();
}

/// A list attribute of two positive entries, `dflt` when absent.
static FailureOr<SmallVector<int64_t, 2>>
pairAttr(NodeImporter &n, StringRef name, int64_t dflt) {
  FailureOr<std::optional<SmallVector<int64_t>>> v = n.intsAttr(name);
  if (failed(v))
    return failure();
  if (!*v)
    return SmallVector<int64_t, 2>{dflt, dflt};
  if ((*v)->size() != 2 ||
      llvm::any_of(**v, [](int64_t x) { return x < 1 || x > kMaxWindow; }))
    return n.error() << n.opType() << ": " << name << " " << formatInts(**v)
                     << " must have 2 positive entries (2-D window) of at most "
                     << kMaxWindow;
  return SmallVector<int64_t, 2>((*v)->begin(), (*v)->end());
}

/// Reads strides, dilations, pads and auto_pad for `kernel` over the NCHW
/// input `in`, and computes the output size (without ceil_mode).
static FailureOr<Window> readWindow(NodeImporter &n, ArrayRef<SymInt> in,
                                    ArrayRef<int64_t> kernel) {
  if (kernel.size() != 2 ||
      llvm::any_of(kernel, [](int64_t k) { return k < 1 || k > kMaxWindow; }))
    return n.error() << n.opType() << ": kernel " << formatInts(kernel)
                     << " must have 2 positive entries of at most "
                     << kMaxWindow;
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  FailureOr<SmallVector<int64_t, 2>> strides = pairAttr(n, "strides", 1);
  FailureOr<SmallVector<int64_t, 2>> dilations = pairAttr(n, "dilations", 1);
  FailureOr<std::optional<SmallVector<int64_t>>> pads = n.intsAttr("pads");
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;
  w.pads.assign(4, 0);
  if (*pads) {
    if ((*pads)->size() != 4 ||
        llvm::any_of(**pads, [](int64_t p) { return p < 0 || p > kMaxWindow; }))
      return n.error() << n.opType() << ": pads " << formatInts(**pads)
                       << " must have 4 non-negative entries of at most "
                       << kMaxWindow;
    w.pads.assign((*pads)->begin(), (*pads)->end());
  }
  if (*autoPad != "NOTSET" && *autoPad != "VALID" && *autoPad != "SAME_UPPER" &&
      *autoPad != "SAME_LOWER")
    return n.error() << n.opType() << ": unknown auto_pad '" << *autoPad << "'";
  if (*autoPad != "NOTSET" &&
      llvm::any_of(w.pads, [](int64_t p) { return p != 0; }))
    return n.error() << n.opType() << ": auto_pad " << *autoPad
                     << " and explicit pads cannot be combined";
  for (int i = 0; i < 2; ++i) {
    int64_t extent = w.dilations[i] * (w.kernel[i] - 1) + 1;
    SymInt size = in[2 + i];
    if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
      if (!size.isKnown())
        return n.error() << n.opType() << ": auto_pad " << *autoPad
                         << " needs static spatial dims, the input has shape "
                         << formatShape(in);
      int64_t out = (size.value + w.strides[i] - 1) / w.strides[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + extent - size.value);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = *autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + 2] = *autoPad == "SAME_UPPER" ? large : small;
    }
    if (!size.isKnown()) {
      w.outSpatial.push_back(n.imp.freshSymbol());
      continue;
    }
    int64_t span = size.value + w.pads[i] + w.pads[i + 2] - extent;
    if (span < 0)
      return n.error() << n.opType() << ": the window (kernel "
                       << formatInts(w.kernel) << ", dilations "
                       << formatInts(w.dilations)
                       << ") does not fit the padded input of shape "
                       << formatShape(in) << " with pads "
                       << formatInts(w.pads);
    w.outSpatial.push_back(SymInt::known(span / w.strides[i] + 1));
  }
  return w;
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

static LogicalResult importConv(NodeImporter &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  FailureOr<const OnnxValue *> x = n.floatInput(0, "input");
  FailureOr<const OnnxValue *> w = n.floatInput(1, "weight");
  if (failed(x) || failed(w) || failed(checkNCHW(n, (*x)->shape)))
    return failure();
  const SymShape &in = (*x)->shape;
  std::optional<SmallVector<int64_t>> wShape = knownValues((*w)->shape);
  if (!wShape || wShape->size() != 4)
    return n.error() << "Conv: the weight must have a static rank-4 shape "
                        "(C_out x C_in/group x kH x kW), it has shape "
                     << formatShape((*w)->shape);
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<std::optional<SmallVector<int64_t>>> kernelAttr =
      n.intsAttr("kernel_shape");
  if (failed(group) || failed(kernelAttr))
    return failure();
  ArrayRef<int64_t> kernel = ArrayRef<int64_t>(*wShape).drop_front(2);
  if (*kernelAttr && ArrayRef<int64_t>(**kernelAttr) != kernel)
    return n.error() << "Conv: kernel_shape " << formatInts(**kernelAttr)
                     << " does not match the weight shape "
                     << formatInts(*wShape);
  int64_t cOut = (*wShape)[0];
  if (*group < 1 || cOut % *group != 0)
    return n.error() << "Conv: group " << *group
                     << " must be positive and divide the " << cOut
                     << " output channels";
  if (in[1].isKnown() && in[1].value != (*wShape)[1] * *group)
    return n.error() << "Conv: the input has " << in[1].value
                     << " channels, but the weight shape "
                     << formatInts(*wShape) << " with group " << *group
                     << " needs " << (*wShape)[1] * *group;
  Value bias;
  if (n.hasInput(2)) {
    FailureOr<const OnnxValue *> b = n.floatInput(2, "bias");
    if (failed(b))
      return failure();
    const SymShape &bs = (*b)->shape;
    if (bs.size() != 1 || (bs[0].isKnown() && bs[0].value != cOut))
      return n.error() << "Conv: the bias must be 1-D with " << cOut
                       << " elements, it has shape " << formatShape(bs);
    bias = n.imp.materialize(**b, n.loc);
  }
  FailureOr<Window> win = readWindow(n, in, kernel);
  if (failed(win))
    return failure();
  SymShape outShape = {in[0], SymInt::known(cOut), win->outSpatial[0],
                       win->outSpatial[1]};
  Value input = n.imp.materialize(**x, n.loc);
  Value weight = n.imp.materialize(**w, n.loc);
  Value result = qnt::Conv2DOp::create(
      n.builder(), n.loc, n.tensorType(outShape), input, weight, bias,
      win->strides, win->pads, win->dilations, *group);
  n.setOutput(0, n.tensor(result, outShape));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Folds ceil_mode into extra end padding where exact. As in the ONNX
/// reference implementation, PyTorch and ONNX Runtime, a last window that
/// would start in the end padding is dropped. Average pools that count the
/// padding (`countIncludePad`) cannot absorb extra padding: their partial
/// windows divide by less than the kernel size.
static LogicalResult applyCeilMode(NodeImporter &n, ArrayRef<SymInt> in,
                                   Window &w, bool countIncludePad) {
  for (int i = 0; i < 2; ++i) {
    if (!in[2 + i].isKnown())
      return n.error() << n.opType()
                       << ": ceil_mode needs static spatial dims, the input "
                          "has shape "
                       << formatShape(in);
    int64_t size = in[2 + i].value, s = w.strides[i];
    int64_t extent = w.dilations[i] * (w.kernel[i] - 1) + 1;
    int64_t padded = size + w.pads[i] + w.pads[i + 2];
    int64_t span = padded - extent;
    int64_t outFloor = span / s + 1, out = (span + s - 1) / s + 1;
    if (out > outFloor && (out - 1) * s >= size + w.pads[i])
      --out;
    if (out == outFloor)
      continue;
    if (countIncludePad)
      return n.error() << n.opType()
                       << ": ceil_mode adds a partial window that "
                          "count_include_pad = 1 cannot express exactly";
    w.pads[i + 2] += (out - 1) * s + extent - padded;
    w.outSpatial[i] = SymInt::known(out);
  }
  return success();
}

/// pool_c3: no window may lie entirely in the padding.
static LogicalResult checkPoolPads(NodeImporter &n, const Window &w) {
  for (int i = 0; i < 2; ++i) {
    int64_t extent = w.dilations[i] * (w.kernel[i] - 1) + 1;
    if (w.pads[i] >= extent || w.pads[i + 2] >= extent)
      return n.error() << n.opType() << ": pads " << formatInts(w.pads)
                       << " must be smaller than the window extent " << extent;
  }
  return success();
}

static LogicalResult importPool(NodeImporter &n) {
  bool isMax = n.opType() == "MaxPool";
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<const OnnxValue *> x = n.floatInput(0, "input");
  if (failed(x) || failed(checkNCHW(n, (*x)->shape)))
    return failure();
  const SymShape &in = (*x)->shape;
  FailureOr<std::optional<SmallVector<int64_t>>> kernel =
      n.intsAttr("kernel_shape");
  FailureOr<bool> ceilMode = n.boolAttr("ceil_mode", false);
  FailureOr<bool> countIncludePad = n.boolAttr("count_include_pad", false);
  if (failed(kernel) || failed(ceilMode) || failed(countIncludePad))
    return failure();
  if (!*kernel || (*kernel)->size() != 2 ||
      llvm::any_of(**kernel, [](int64_t k) { return k < 1 || k > kMaxWindow; }))
    return n.error()
           << n.opType()
           << ": kernel_shape must have 2 positive entries of at most "
           << kMaxWindow;
  FailureOr<Window> w = readWindow(n, in, **kernel);
  if (failed(w))
    return failure();
  if (!isMax && llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    return n.error() << "AveragePool: dilations " << formatInts(w->dilations)
                     << " are not supported (qnt.avg_pool2d has none)";
  if (*ceilMode && failed(applyCeilMode(n, in, *w, !isMax && *countIncludePad)))
    return failure();
  if (failed(checkPoolPads(n, *w)))
    return failure();
  SymShape outShape = {in[0], in[1], w->outSpatial[0], w->outSpatial[1]};
  Value input = n.imp.materialize(**x, n.loc);
  Value result;
  if (isMax)
    result = qnt::MaxPool2DOp::create(n.builder(), n.loc,
                                      n.tensorType(outShape), input, w->kernel,
                                      w->strides, w->pads, w->dilations);
  else
    result = qnt::AvgPool2DOp::create(n.builder(), n.loc,
                                      n.tensorType(outShape), input, w->kernel,
                                      w->strides, w->pads, *countIncludePad);
  n.setOutput(0, n.tensor(result, outShape));
  return success();
}

static LogicalResult importGlobalAveragePool(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<const OnnxValue *> x = n.floatInput(0, "input");
  if (failed(x))
    return failure();
  const SymShape &in = (*x)->shape;
  if (in.size() < 3)
    return n.error() << "GlobalAveragePool: the input must have rank >= 3 "
                        "(N x C x spatial...), it has shape "
                     << formatShape(in);
  SymShape outShape(in.size(), SymInt::known(1));
  outShape[0] = in[0];
  outShape[1] = in[1];
  Value result =
      qnt::GlobalAvgPoolOp::create(n.builder(), n.loc, n.tensorType(outShape),
                                   n.imp.materialize(**x, n.loc));
  n.setOutput(0, n.tensor(result, outShape));
  return success();
}

void onnx_import::registerConvPoolOps(OpTable &table) {
  table["Conv"] = {
      importConv,
      11,
      {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}};
  table["MaxPool"] = {importPool,
                      12,
                      {"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                       "pads", "storage_order", "strides"}};
  table["AveragePool"] = {importPool,
                          11,
                          {"auto_pad", "ceil_mode", "count_include_pad",
                           "dilations", "kernel_shape", "pads", "strides"}};
  table["GlobalAveragePool"] = {importGlobalAveragePool, 1, {}};
}
