//===- QntKernelOps.cpp - qnt ops of the int8 micro-kernels -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qnt;

namespace {
/// An intrinsic the micro-kernels call: its name and signature.
struct DotIntrinsic {
  StringLiteral name;
  int64_t accLanes;
  int64_t operandLanes;
  unsigned operandWidth;
};
} // namespace

static constexpr DotIntrinsic kDotIntrinsics[] = {
    {"llvm.x86.avx512.vpdpbusd.512", 16, 64, 8},
    {"llvm.x86.avx2.pmadd.wd", 8, 16, 16},
    {"llvm.aarch64.neon.sdot.v4i32.v16i8", 4, 16, 8},
    {"llvm.aarch64.neon.udot.v4i32.v16i8", 4, 16, 8},
};

LogicalResult DotIntrinsicOp::verify() {
  const DotIntrinsic *known = nullptr;
  for (const DotIntrinsic &candidate : kDotIntrinsics)
    if (candidate.name == getIntrinsic())
      known = &candidate;
  if (!known)
    return emitOpError("unknown dot-product intrinsic '")
           << getIntrinsic() << "' (dot_intrinsic_c1)";
  auto acc = cast<VectorType>(getAcc().getType());
  auto lhs = cast<VectorType>(getLhs().getType());
  auto rhs = cast<VectorType>(getRhs().getType());
  Type element = IntegerType::get(getContext(), known->operandWidth);
  if (acc != getResult().getType() || acc.getNumElements() != known->accLanes ||
      lhs != rhs || lhs.getNumElements() != known->operandLanes ||
      lhs.getElementType() != element || acc.isScalable() || lhs.isScalable())
    return emitOpError("'")
           << getIntrinsic() << "' takes (vector<" << known->accLanes
           << "xi32>, vector<" << known->operandLanes << "xi"
           << known->operandWidth << ">, vector<" << known->operandLanes << "xi"
           << known->operandWidth << ">) -> vector<" << known->accLanes
           << "xi32> (dot_intrinsic_c2)";
  return success();
}

LogicalResult NontemporalWriteOp::verify() {
  auto vector = cast<VectorType>(getVector().getType());
  auto dest = cast<RankedTensorType>(getDest().getType());
  if (vector.getElementType() != dest.getElementType() || vector.isScalable())
    return emitOpError("the vector ")
           << vector << " must be a fixed 1-D vector of the element type of "
           << dest << " (nontemporal_write_c1)";
  if (static_cast<int64_t>(getIndices().size()) != dest.getRank())
    return emitOpError("takes one index per dim of ")
           << dest << ", got " << getIndices().size()
           << " (nontemporal_write_c2)";
  if (!llvm::isPowerOf2_64(getAlignment()))
    return emitOpError("alignment ")
           << getAlignment()
           << " must be a positive power of two (nontemporal_write_c3)";
  return success();
}

// Bufferization: a partial write of `dest` in place, like an in-bounds
// vector.transfer_write (the other elements are kept: a read of `dest`).
bool NontemporalWriteOp::bufferizesToMemoryRead(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return operand.get() == getDest();
}

bool NontemporalWriteOp::bufferizesToMemoryWrite(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return operand.get() == getDest();
}

bufferization::AliasingValueList
NontemporalWriteOp::getAliasingValues(OpOperand &operand,
                                      const bufferization::AnalysisState &) {
  if (operand.get() != getDest())
    return {};
  return {{getResult(), bufferization::BufferRelation::Equivalent}};
}

LogicalResult NontemporalWriteOp::bufferize(
    RewriterBase &rewriter, const bufferization::BufferizationOptions &options,
    bufferization::BufferizationState &state) {
  FailureOr<Value> buffer =
      bufferization::getBuffer(rewriter, getDest(), options, state);
  if (failed(buffer))
    return failure();
  auto memrefType = dyn_cast<MemRefType>(buffer->getType());
  if (!memrefType || !memrefType.isLastDimUnitStride())
    return emitOpError("needs a buffer with a unit innermost stride, got ")
           << buffer->getType();
  vector::StoreOp::create(rewriter, getLoc(), getVector(), *buffer,
                          getIndices(), /*nontemporal=*/true,
                          llvm::MaybeAlign(getAlignment()));
  bufferization::replaceOpWithBufferizedValues(rewriter, *this, *buffer);
  return success();
}
