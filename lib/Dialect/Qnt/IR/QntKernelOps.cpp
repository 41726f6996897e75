//===- QntKernelOps.cpp - qnt ops of the int8 micro-kernels -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

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
