//===- MicroKernels.h - register-blocked int8 GEMM micro-kernels -*- C++ -*-=//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The GEMM qnt-lower-int8-kernels reduces conv2d and matmul to, and the code
// of its micro-kernels (MicroKernels.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_INT8KERNELS_MICROKERNELS_H
#define QUANTOPT_LIB_CONVERSION_INT8KERNELS_MICROKERNELS_H

#include "mlir/IR/Builders.h"
#include "mlir/Support/LLVM.h"

#include <optional>

namespace mlir::quantopt::int8kernels {

enum class Target { Avx512Vnni, Avx2, Portable, ArmDotprod };

/// The shape of a target's micro-kernel: `lanes` int32 accumulators per
/// vector, each adding `group` products per step, `rows` x `vectors`
/// accumulator vectors in registers.
struct KernelShape {
  Target target;
  int64_t lanes;
  int64_t group;
  int64_t rows;
  int64_t vectors;
  /// The element type both operands are stored in (i8, or i16 for avx2).
  unsigned elementWidth;
};

KernelShape getKernelShape(Target target);
std::optional<Target> parseTarget(StringRef name);

/// How an activation of signedness `isSigned` is stored for `target`: the
/// bytes are xor-ed with 0x80 (vnni wants u8, Arm sdot s8), and then the
/// accumulator start is offset by `compensationFactor * sum_k w`.
struct ActivationEncoding {
  bool flipSignBit = false;
  int64_t compensationFactor = 0;
  /// Signedness of the stored activation (how portable extends it).
  bool isSigned = false;
};
ActivationEncoding getActivationEncoding(Target target, bool isSigned);

/// C[i][j] = C0[i][j] + sum_k A[i][k] * B[k][j] for i < rows, j < columns,
/// on tensors:
///   A       [prefix..., rows, Kp], read `group` elements at a time and
///           broadcast to every lane (stored element type);
///   B       [prefix..., ceil(columns / lanes), Kp / group, lanes * group],
///           packed (stored element type), padded with anything finite;
///   C0, C   [prefix..., rows, columns] i32, `init`;
///   compensation: nullopt, or an i32 tensor added to C0, [rows] (per row,
///           rowCompensation) or [ceil(columns / lanes) * lanes] (per column).
struct Gemm {
  Value a, b, init;
  SmallVector<Value> aPrefix, bPrefix, cPrefix;
  Value rows; // index
  int64_t columns;
  int64_t kGroups;
  /// True if the activation is A (matmul), false if it is B (conv).
  bool activationIsA;
  /// Signedness of the stored activation and weight elements (portable).
  bool activationSigned;
  Value compensation;
  bool rowCompensation = false;
  /// An element-wise epilogue (the requantization of the accumulators),
  /// applied to the accumulator vectors in registers: `body` is the block
  /// of a linalg.generic whose arguments are (accumulator, one element of
  /// each `channelInputs` tensor, output) and whose ops are element-wise
  /// mappable. The result goes to `output` ([prefix..., rows, columns] of
  /// the epilogue's element type) instead of C; `init` is only read.
  Block *epilogue = nullptr;
  /// 1-D tensors indexed by the output channel: the row (rowCompensation,
  /// conv) or the column (matmul).
  SmallVector<Value> channelInputs;
  Value output;
};

/// True if the ops of `body` can be applied lane-wise to vectors: element-
/// wise mappable ops without regions, on the block's arguments, each other's
/// results and scalars defined outside; the last argument (the output
/// element) unused.
bool isVectorizableEpilogue(Block &body);

/// The loops (blocked for the caches: row blocks, column panels, K blocks;
/// MicroKernels.cpp) and micro-kernels computing `gemm`; returns the new C
/// (or the new epilogue output). An `init` that is a linalg.fill or a
/// broadcast of a per-channel i32 vector (seen through collapse_shape) is
/// not read: the accumulators start from the scalar or the vector.
Value emitGemm(OpBuilder &b, Location loc, const KernelShape &shape,
               const Gemm &gemm);

} // namespace mlir::quantopt::int8kernels

#endif // QUANTOPT_LIB_CONVERSION_INT8KERNELS_MICROKERNELS_H
