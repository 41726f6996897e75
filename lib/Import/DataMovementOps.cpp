//===- DataMovementOps.cpp - reshapes, slices and friends -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze -> qnt.reshape; Transpose ->
// qnt.transpose; Concat -> qnt.concat; Slice, Split and Gather with constant
// indices -> qnt.slice (+ qnt.reshape, qnt.concat); Expand; Identity and
// Dropout. Every op folds when its data input is constant, so shape
// computations on integer tensors (including symbolic sizes) stay constant.
//
// qnt.slice on a dynamic dim is only emitted for the whole dim (offset 0,
// stride 1); qnt.reshape results have at most one dynamic dim.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include <climits>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

/// The product of sizes: known, a single symbol, or a fresh symbol.
static SymInt symbolicProduct(Importer &imp, ArrayRef<SymInt> dims) {
  int64_t known = 1;
  SmallVector<SymInt> symbols;
  bool overflow = false;
  for (SymInt d : dims) {
    if (d.isKnown())
      overflow |= __builtin_mul_overflow(known, d.value, &known);
    else
      symbols.push_back(d);
  }
  if (overflow)
    return imp.freshSymbol();
  if (symbols.empty())
    return SymInt::known(known);
  if (known == 0)
    return SymInt::known(0);
  if (symbols.size() == 1 && known == 1)
    return symbols.front();
  return imp.freshSymbol();
}

/// A slice of `v` (float tensor or constant) with per-dim offsets, strides
/// and result sizes; strides may be negative for constants only.
static FailureOr<OnnxValue> sliceValue(NodeImporter &n, const OnnxValue &v,
                                       ArrayRef<int64_t> offsets,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<SymInt> shape) {
  if (v.isConstant() || v.kind == OnnxValue::Kind::Other) {
    if (v.kind == OnnxValue::Kind::Other)
      return n.error() << n.opType() << ": cannot fold on "
                       << elemTypeName(v.elemType) << " constants";
    SmallVector<int64_t> inStrides = rowMajorStrides(*knownValues(v.shape));
    SmallVector<int64_t> outDims = *knownValues(shape);
    return remapConstant(
        n.imp, v, shape,
        [&](int64_t i) {
          int64_t src = 0;
          for (int64_t d = static_cast<int64_t>(outDims.size()) - 1; d >= 0;
               --d) {
            src += (offsets[d] + (i % outDims[d]) * strides[d]) * inStrides[d];
            i /= outDims[d];
          }
          return src;
        },
        n.outputName(0));
  }
  if (ArrayRef<SymInt>(shape) == ArrayRef<SymInt>(v.shape) &&
      llvm::all_of(offsets, [](int64_t o) { return o == 0; }) &&
      llvm::all_of(strides, [](int64_t s) { return s == 1; }))
    return v;
  Value result = qnt::SliceOp::create(n.builder(), n.loc, n.tensorType(shape),
                                      v.value, offsets, strides);
  return n.tensor(result, shape);
}

/// Joins float tensors or same-kind constants along `axis`.
static FailureOr<OnnxValue>
concatValues(NodeImporter &n, ArrayRef<const OnnxValue *> ins, int64_t axis) {
  if (llvm::all_of(ins, [&](const OnnxValue *v) {
        return v->isConstant() && v->kind == ins.front()->kind;
      })) {
    for (const OnnxValue *v : ins)
      for (int64_t d = 0, e = v->rank(); d < e; ++d)
        if (d != axis && v->shape[d] != ins.front()->shape[d])
          return n.error() << n.opType() << ": input shapes "
                           << formatShape(ins.front()->shape) << " and "
                           << formatShape(v->shape) << " differ outside axis "
                           << axis;
    return concatConstants(n.imp, ins, axis, n.outputName(0));
  }
  SymShape shape = ins.front()->shape;
  SmallVector<SymInt> sizes;
  SmallVector<Value> operands;
  for (const OnnxValue *v : ins) {
    if (!v->isFloat())
      return n.error() << n.opType() << ": cannot join "
                       << elemTypeName(v->elemType)
                       << " constants with run-time tensors";
    for (size_t d = 0; d < shape.size(); ++d) {
      if (static_cast<int64_t>(d) == axis)
        continue;
      SymInt a = shape[d], b = v->shape[d];
      if (a.isKnown() && b.isKnown() && a != b)
        return n.error() << n.opType() << ": input shapes "
                         << formatShape(ins.front()->shape) << " and "
                         << formatShape(v->shape) << " differ outside axis "
                         << axis;
      if (!a.isKnown() && b.isKnown())
        shape[d] = b;
    }
    sizes.push_back(v->shape[axis]);
    operands.push_back(n.imp.materialize(*v, n.loc));
  }
  shape[axis] =
      llvm::all_of(sizes, [](SymInt s) { return s.isKnown(); })
          ? SymInt::known(llvm::accumulate(
                llvm::map_range(sizes, [](SymInt s) { return s.value; }),
                int64_t(0)))
          : n.imp.freshSymbol();
  if (operands.size() == 1)
    return *ins.front();
  Value result = qnt::ConcatOp::create(n.builder(), n.loc, n.tensorType(shape),
                                       operands, axis);
  return n.tensor(result, shape);
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// The result shape of ONNX Reshape of `in` to `spec` (0 copies a dim unless
/// `allowZero`, -1 is inferred, symbols cancel).
static FailureOr<SymShape> reshapeTarget(NodeImporter &n, ArrayRef<SymInt> in,
                                         ArrayRef<SymInt> spec,
                                         bool allowZero) {
  SymShape out;
  int inferAt = -1;
  for (auto [i, s] : llvm::enumerate(spec)) {
    if (!s.isKnown() || s.value > 0 || (s.value == 0 && allowZero)) {
      out.push_back(s);
    } else if (s.value == 0) {
      if (i >= in.size())
        return n.error() << "Reshape: shape entry " << i
                         << " is 0 but the input has rank " << in.size();
      out.push_back(in[i]);
    } else if (s.value == -1 && inferAt < 0) {
      inferAt = i;
      out.push_back(SymInt::known(1));
    } else {
      return n.error() << "Reshape: invalid shape entry " << s.value
                       << " (a second -1, or below -1)";
    }
  }
  // Cancel the symbols both sides share; compare the known products.
  SmallVector<SymInt> inSyms, outSyms;
  int64_t inKnown = 1, outKnown = 1;
  bool overflow = false;
  for (SymInt d : in) {
    if (d.isKnown())
      overflow |= __builtin_mul_overflow(inKnown, d.value, &inKnown);
    else
      inSyms.push_back(d);
  }
  for (SymInt d : out) {
    if (d.isKnown())
      overflow |= __builtin_mul_overflow(outKnown, d.value, &outKnown);
    else if (auto *it = llvm::find(inSyms, d); it != inSyms.end())
      inSyms.erase(it);
    else
      outSyms.push_back(d);
  }
  if (overflow)
    return n.error() << "Reshape: the shapes " << formatShape(in) << " and "
                     << formatShape(spec) << " are too large";
  if (inferAt >= 0) {
    if (!outSyms.empty() || outKnown == 0)
      out[inferAt] = n.imp.freshSymbol();
    else if (inSyms.empty() && inKnown % outKnown != 0)
      return n.error() << "Reshape: cannot reshape " << formatShape(in)
                       << " to " << formatShape(spec);
    else if (inSyms.empty())
      out[inferAt] = SymInt::known(inKnown / outKnown);
    else if (inSyms.size() == 1 && inKnown == outKnown)
      out[inferAt] = inSyms.front();
    else
      out[inferAt] = n.imp.freshSymbol();
  } else if (inSyms.empty() && outSyms.empty() && inKnown != outKnown) {
    return n.error() << "Reshape: cannot reshape " << formatShape(in) << " ("
                     << inKnown << " elements) to " << formatShape(out) << " ("
                     << outKnown << " elements)";
  }
  return out;
}

static LogicalResult importReshape(NodeImporter &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  FailureOr<const OnnxValue *> spec = n.intInput(1, "shape");
  FailureOr<bool> allowZero = n.boolAttr("allowzero", false);
  if (failed(spec) || failed(allowZero))
    return failure();
  if ((*spec)->rank() != 1)
    return n.error() << "Reshape: the shape must be 1-D";
  FailureOr<SymShape> shape =
      reshapeTarget(n, n.input(0).shape, (*spec)->intValues(), *allowZero);
  if (failed(shape))
    return failure();
  FailureOr<OnnxValue> v = n.reshape(n.input(0), *shape);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

static LogicalResult importFlatten(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  const OnnxValue &in = n.input(0);
  FailureOr<int64_t> axis = n.intAttr("axis", 1);
  if (failed(axis))
    return failure();
  int64_t rank = in.rank();
  if (*axis < -rank || *axis > rank)
    return n.error() << "Flatten: axis " << *axis
                     << " is out of range for rank " << rank;
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  ArrayRef<SymInt> dims = in.shape;
  SymShape shape = {symbolicProduct(n.imp, dims.take_front(a)),
                    symbolicProduct(n.imp, dims.drop_front(a))};
  FailureOr<OnnxValue> v = n.reshape(in, shape);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

/// Squeeze and Unsqueeze: axes from the input (opset 13).
static LogicalResult importSqueeze(NodeImporter &n) {
  bool unsqueeze = n.opType() == "Unsqueeze";
  if (failed(n.checkInputs(unsqueeze ? 2 : 1, 2)))
    return failure();
  const OnnxValue &in = n.input(0);
  SmallVector<int64_t> axes;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = n.intConstInput(1, "axes");
    if (failed(v))
      return failure();
    axes = *v;
  }
  int64_t rank = in.rank() + (unsqueeze ? axes.size() : 0);
  for (int64_t &axis : axes) {
    FailureOr<int64_t> a = n.normalizeAxis(axis, rank, "axis");
    if (failed(a))
      return failure();
    axis = *a;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return n.error() << n.opType() << ": axes " << formatInts(axes)
                     << " repeat an axis";
  SymShape shape;
  if (unsqueeze) {
    auto it = in.shape.begin();
    for (int64_t d = 0; d < rank; ++d)
      shape.push_back(llvm::is_contained(axes, d) ? SymInt::known(1) : *it++);
  } else {
    for (auto [d, size] : llvm::enumerate(in.shape)) {
      bool listed = llvm::is_contained(axes, static_cast<int64_t>(d));
      if ((listed || axes.empty()) && !size.isKnown())
        return n.error() << "Squeeze: dim " << d << " of "
                         << formatShape(in.shape)
                         << " is dynamic; it cannot be squeezed";
      if (listed && size.value != 1)
        return n.error() << "Squeeze: dim " << d << " of "
                         << formatShape(in.shape) << " is not 1";
      if (!listed && !(axes.empty() && size.value == 1))
        shape.push_back(size);
    }
  }
  FailureOr<OnnxValue> v = n.reshape(in, shape);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

static LogicalResult importTranspose(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  const OnnxValue &in = n.input(0);
  FailureOr<std::optional<SmallVector<int64_t>>> permAttr = n.intsAttr("perm");
  if (failed(permAttr))
    return failure();
  int64_t rank = in.rank();
  SmallVector<int64_t> perm;
  if (*permAttr)
    perm = **permAttr;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  SmallVector<int64_t> sorted = perm;
  llvm::sort(sorted);
  if (static_cast<int64_t>(perm.size()) != rank ||
      llvm::any_of(llvm::enumerate(sorted), [](auto p) {
        return p.value() != static_cast<int64_t>(p.index());
      }))
    return n.error() << "Transpose: perm " << formatInts(perm)
                     << " is not a permutation of the " << rank << " dims";
  if (llvm::equal(perm, sorted)) {
    n.setOutput(0, in);
    return success();
  }
  SymShape shape;
  for (int64_t p : perm)
    shape.push_back(in.shape[p]);
  if (in.isConstant()) {
    n.setOutput(0, transposeConstant(n.imp, in, perm, n.outputName(0)));
    return success();
  }
  FailureOr<Value> x = n.tensorInput(0, "input");
  if (failed(x))
    return failure();
  Value result = qnt::TransposeOp::create(n.builder(), n.loc,
                                          n.tensorType(shape), *x, perm);
  n.setOutput(0, n.tensor(result, shape));
  return success();
}

static LogicalResult importConcat(NodeImporter &n) {
  if (n.numInputs() < 1)
    return n.error() << "Concat: needs at least one input";
  FailureOr<int64_t> axis = n.intAttr("axis", 0);
  if (failed(axis))
    return failure();
  SmallVector<const OnnxValue *> ins;
  for (unsigned i = 0; i < n.numInputs(); ++i) {
    if (!n.hasInput(i))
      return n.error() << "Concat: input #" << i << " is missing";
    ins.push_back(&n.input(i));
    if (ins.back()->rank() != ins.front()->rank())
      return n.error() << "Concat: inputs have different ranks ("
                       << formatShape(ins.front()->shape) << " and "
                       << formatShape(ins.back()->shape) << ")";
  }
  FailureOr<int64_t> a = n.normalizeAxis(*axis, ins.front()->rank(), "axis");
  if (failed(a))
    return failure();
  FailureOr<OnnxValue> v = concatValues(n, ins, *a);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

//===----------------------------------------------------------------------===//
// Slices
//===----------------------------------------------------------------------===//

static LogicalResult importSlice(NodeImporter &n) {
  if (failed(n.checkInputs(3, 5)))
    return failure();
  const OnnxValue &in = n.input(0);
  int64_t rank = in.rank();
  FailureOr<SmallVector<int64_t>> starts = n.intConstInput(1, "starts");
  FailureOr<SmallVector<int64_t>> ends = n.intConstInput(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  for (size_t i = 0; i < starts->size(); ++i)
    axes.push_back(i);
  if (n.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> v = n.intConstInput(3, "axes");
    if (failed(v))
      return failure();
    axes = *v;
  }
  if (n.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> v = n.intConstInput(4, "steps");
    if (failed(v))
      return failure();
    steps = *v;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return n.error() << "Slice: starts, ends, axes and steps must have one "
                        "length";
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  SymShape shape = in.shape;
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = n.normalizeAxis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.error() << "Slice: axis " << *axis << " is sliced twice";
    seen[*axis] = true;
    int64_t start = (*starts)[i], end = (*ends)[i], step = steps[i];
    if (step == 0)
      return n.error() << "Slice: step 0";
    SymInt dim = in.shape[*axis];
    if (!dim.isKnown()) {
      if (start == 0 && step == 1 && end >= INT_MAX)
        continue; // the whole dynamic dim
      return n.error() << "Slice: dim " << *axis << " of "
                       << formatShape(in.shape)
                       << " is dynamic; only the whole dim can be taken";
    }
    int64_t size = dim.value;
    if (start < 0)
      start += size;
    if (end < 0)
      end += size;
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, size);
      end = std::clamp<int64_t>(end, 0, size);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, size - 1);
      end = std::clamp<int64_t>(end, -1, size - 1);
      count = start > end ? (start - end - step - 1) / -step : 0;
    }
    offsets[*axis] = start;
    strides[*axis] = step;
    shape[*axis] = SymInt::known(count);
  }
  if (!in.isConstant()) {
    if (llvm::any_of(strides, [](int64_t s) { return s < 0; }))
      return n.error() << "Slice: negative steps are not supported on "
                          "run-time tensors (qnt.slice strides are positive)";
    if (llvm::any_of(shape, [](SymInt d) { return d == SymInt::known(0); }))
      return n.error() << "Slice: the result " << formatShape(shape)
                       << " is empty";
    if (failed(n.floatInput(0, "data")))
      return failure();
  }
  FailureOr<OnnxValue> v = sliceValue(n, in, offsets, strides, shape);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

static LogicalResult importSplit(NodeImporter &n) {
  if (failed(n.checkInputs(1, 2)))
    return failure();
  const OnnxValue &in = n.input(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  FailureOr<int64_t> numOutputs = n.intAttr("num_outputs", 0);
  if (failed(axisAttr) || failed(numOutputs))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, in.rank(), "axis");
  if (failed(axis))
    return failure();
  SymInt dim = in.shape[*axis];
  if (!dim.isKnown())
    return n.error() << "Split: dim " << *axis << " of "
                     << formatShape(in.shape) << " is dynamic";
  int64_t outputs = n.numOutputs();
  SmallVector<int64_t> sizes;
  if (n.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = n.intConstInput(1, "split");
    if (failed(v))
      return failure();
    sizes = *v;
  } else if (n.attr("num_outputs")) {
    if (n.opset() < 18)
      return n.error() << "Split: num_outputs needs opset 18";
    if (*numOutputs != outputs || outputs < 1)
      return n.error() << "Split: num_outputs " << *numOutputs << " but "
                       << outputs << " outputs";
    int64_t chunk = (dim.value + outputs - 1) / outputs;
    for (int64_t i = 0; i < outputs; ++i)
      sizes.push_back(std::min(chunk, dim.value - i * chunk));
  } else {
    if (dim.value % outputs != 0)
      return n.error() << "Split: dim " << *axis << " of size " << dim.value
                       << " does not split evenly into " << outputs;
    sizes.assign(outputs, dim.value / outputs);
  }
  if (static_cast<int64_t>(sizes.size()) != outputs ||
      llvm::any_of(sizes, [](int64_t s) { return s < 0; }) ||
      llvm::accumulate(sizes, int64_t(0)) != dim.value)
    return n.error() << "Split: sizes " << formatInts(sizes)
                     << " do not split dim " << *axis << " of size "
                     << dim.value << " into " << outputs << " outputs";
  if (!in.isConstant() && failed(n.floatInput(0, "input")))
    return failure();
  SmallVector<int64_t> offsets(in.rank(), 0), strides(in.rank(), 1);
  for (int64_t i = 0; i < outputs; ++i) {
    SymShape shape = in.shape;
    shape[*axis] = SymInt::known(sizes[i]);
    if (n.outputUsed(i)) {
      if (sizes[i] == 0 && !in.isConstant())
        return n.error() << "Split: output #" << i << " is empty";
      FailureOr<OnnxValue> v = sliceValue(n, in, offsets, strides, shape);
      if (failed(v))
        return failure();
      n.setOutput(i, std::move(*v));
    }
    offsets[*axis] += sizes[i];
  }
  return success();
}

static LogicalResult importGather(NodeImporter &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  const OnnxValue &in = n.input(0);
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 0);
  FailureOr<SmallVector<int64_t>> indices = n.intConstInput(1, "indices");
  if (failed(axisAttr) || failed(indices))
    return failure();
  FailureOr<int64_t> axis = n.normalizeAxis(*axisAttr, in.rank(), "axis");
  if (failed(axis))
    return failure();
  SymInt dim = in.shape[*axis];
  if (!dim.isKnown())
    return n.error() << "Gather: dim " << *axis << " of "
                     << formatShape(in.shape) << " is dynamic";
  for (int64_t &i : *indices) {
    if (i < -dim.value || i >= dim.value)
      return n.error() << "Gather: index " << i << " is out of range for dim "
                       << *axis << " of size " << dim.value;
    if (i < 0)
      i += dim.value;
  }
  const SymShape &idxShape = n.input(1).shape;
  SymShape shape(in.shape.begin(), in.shape.begin() + *axis);
  shape.append(idxShape.begin(), idxShape.end());
  shape.append(in.shape.begin() + *axis + 1, in.shape.end());

  if (in.isConstant()) {
    int64_t inner =
        *knownProduct(ArrayRef<SymInt>(in.shape).drop_front(*axis + 1));
    int64_t count = indices->size();
    n.setOutput(0, remapConstant(
                       n.imp, in, shape,
                       [&](int64_t i) {
                         int64_t innerIdx = i % inner, rest = i / inner;
                         int64_t j = rest % count, outer = rest / count;
                         return (outer * dim.value + (*indices)[j]) * inner +
                                innerIdx;
                       },
                       n.outputName(0)));
    return success();
  }
  if (failed(n.floatInput(0, "data")))
    return failure();
  if (indices->empty())
    return n.error() << "Gather: no indices (the result would be empty)";
  // One strided slice if the indices step evenly forward, else one slice
  // per index joined by qnt.concat; then a reshape to the index shape.
  int64_t step = indices->size() > 1 ? (*indices)[1] - (*indices)[0] : 1;
  bool progression = step > 0;
  for (size_t i = 1; i < indices->size() && progression; ++i)
    progression = (*indices)[i] - (*indices)[i - 1] == step;
  SmallVector<int64_t> offsets(in.rank(), 0), strides(in.rank(), 1);
  SymShape sliceShape = in.shape;
  FailureOr<OnnxValue> joined = failure();
  if (progression) {
    offsets[*axis] = indices->front();
    strides[*axis] = step;
    sliceShape[*axis] = SymInt::known(indices->size());
    joined = sliceValue(n, in, offsets, strides, sliceShape);
  } else {
    SmallVector<OnnxValue> parts;
    sliceShape[*axis] = SymInt::known(1);
    for (int64_t i : *indices) {
      offsets[*axis] = i;
      FailureOr<OnnxValue> part =
          sliceValue(n, in, offsets, strides, sliceShape);
      if (failed(part))
        return failure();
      parts.push_back(std::move(*part));
    }
    SmallVector<const OnnxValue *> ptrs =
        llvm::map_to_vector(parts, [](const OnnxValue &v) { return &v; });
    joined = concatValues(n, ptrs, *axis);
  }
  if (failed(joined))
    return failure();
  FailureOr<OnnxValue> v = n.reshape(*joined, shape);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

//===----------------------------------------------------------------------===//
// Expand, Identity, Dropout
//===----------------------------------------------------------------------===//

FailureOr<OnnxValue> NodeImporter::broadcastTo(const OnnxValue &v,
                                               ArrayRef<SymInt> shape) {
  if (ArrayRef<SymInt>(v.shape) == shape)
    return v;
  if (v.isConstant())
    if (std::optional<SmallVector<int64_t>> dims = knownValues(shape))
      return broadcastConstant(imp, v, *dims, outputName(0));
  if (!v.isFloat())
    return error() << opType() << ": cannot broadcast "
                   << elemTypeName(v.elemType)
                   << " values that depend on a dynamic dimension";
  // qnt has no broadcast op: add zeros of the target shape, a splat of
  // the static dims. A dynamic target dim has no constant to come from:
  // reject it rather than manufacture zeros from a run-time tensor (0 * x is
  // not 0 for an infinite x).
  Value acc = imp.materialize(v, loc);
  SymShape accShape = v.shape;
  size_t rank = shape.size();
  for (size_t d = 0; d < rank; ++d) {
    size_t offset = rank - accShape.size();
    if (!shape[d].isKnown() && !(d >= offset && accShape[d - offset] == shape[d]))
      return error() << opType() << ": cannot broadcast " << formatShape(v.shape)
                     << " to " << formatShape(shape)
                     << ": qnt has no broadcast to a dynamic dimension";
  }
  std::optional<SymShape> grown = broadcastShapes(imp, accShape, shape);
  if (grown && ArrayRef<SymInt>(*grown) != ArrayRef<SymInt>(accShape)) {
    SymShape staticShape = llvm::map_to_vector<4>(
        shape, [](SymInt d) { return d.isKnown() ? d : SymInt::known(1); });
    SymShape s = *broadcastShapes(imp, accShape, staticShape);
    acc = qnt::AddOp::create(builder(), loc, tensorType(s), acc,
                             zeros(staticShape));
    accShape = s;
  }
  return tensor(acc, accShape);
}

static LogicalResult importExpand(NodeImporter &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  FailureOr<const OnnxValue *> spec = n.intInput(1, "shape");
  if (failed(spec))
    return failure();
  if ((*spec)->rank() != 1)
    return n.error() << "Expand: the shape must be 1-D";
  ArrayRef<SymInt> target = (*spec)->intValues();
  if (llvm::any_of(target, [](SymInt d) { return d.isKnown() && d.value < 0; }))
    return n.error() << "Expand: the shape " << formatShape(target)
                     << " has a negative entry";
  const OnnxValue &in = n.input(0);
  std::optional<SymShape> shape = broadcastShapes(n.imp, in.shape, target);
  if (!shape)
    return n.error() << "Expand: " << formatShape(in.shape)
                     << " does not broadcast to " << formatShape(target);
  FailureOr<OnnxValue> v = n.broadcastTo(in, *shape);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

static LogicalResult importIdentity(NodeImporter &n) {
  if (failed(n.checkInputs(1, n.opType() == "Dropout" ? 3 : 1)))
    return failure();
  if (n.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> training =
        n.intConstInput(2, "training_mode");
    if (failed(training))
      return failure();
    if (llvm::any_of(*training, [](int64_t t) { return t != 0; }))
      return n.error() << "Dropout: training_mode is not supported";
  }
  n.setOutput(0, n.input(0));
  return success();
}

void onnx_import::registerDataMovementOps(OpTable &table) {
  table["Reshape"] = {importReshape, 13, {"allowzero"}};
  table["Flatten"] = {importFlatten, 13, {"axis"}};
  table["Squeeze"] = {importSqueeze, 13, {}};
  table["Unsqueeze"] = {importSqueeze, 13, {}};
  table["Transpose"] = {importTranspose, 13, {"perm"}};
  table["Concat"] = {importConcat, 13, {"axis"}};
  table["Slice"] = {importSlice, 13, {}};
  table["Split"] = {importSplit, 13, {"axis", "num_outputs"}};
  table["Gather"] = {importGather, 13, {"axis"}};
  table["Expand"] = {importExpand, 13, {}};
  table["Identity"] = {importIdentity, 13, {}};
  table["Dropout"] = {importIdentity, 13, {"seed"}};
}
