//===- Im2col.h - conv input rearrangement for the int8 GEMM ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The run-time rearrangement of one image of a convolution's input into the
// packed B operand of the GEMM (MicroKernels.h) that qnt-lower-int8-kernels
// reduces the convolution to (Im2col.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_INT8KERNELS_IM2COL_H
#define QUANTOPT_LIB_CONVERSION_INT8KERNELS_IM2COL_H

#include "MicroKernels.h"

namespace mlir::quantopt::int8kernels {

/// A conv2d (groups = 1, NCHW) as the rearrangement sees it. The input is
/// `source` [N, C, H, W] of stored activations (i8), read as if it were
/// padded by `padTop` rows and `padLeft` columns (and as many as needed at
/// the bottom and right) of `padValue`.
struct ConvGeometry {
  Value source;
  /// The padding element (the input zero point); null if padTop, padLeft
  /// and the bottom/right padding are all 0.
  Value padValue;
  int64_t padTop = 0, padLeft = 0;
  int64_t channels, height, width;
  int64_t kernelH, kernelW;
  int64_t strideH, strideW;
  int64_t dilationH, dilationW;
  int64_t outH, outW;
  /// Signedness of the stored activation (for the s16 widening of avx2).
  bool isSigned;

  int64_t k() const { return channels * kernelH * kernelW; }
  int64_t pixels() const { return outH * outW; }
  /// True if the input already is the [K][M] matrix of the GEMM: a 1x1
  /// kernel, stride 1, no padding.
  bool isPointwise() const;
};

/// The packed B of the output rows [firstRow, firstRow + rows) of image
/// `image`, M = rows * outW pixels ([ceil(M / L)][Kp / G][L * G] of the
/// stored element type; k = (c, ky, kx) row-major, m = (oy - firstRow, ox)):
/// element (mb, kg, l * G + g) is the encoded input element of pixel
/// mb * L + l and k = kg * G + g. The lanes past M and the k past K are 0
/// before the encoding.
Value emitIm2col(OpBuilder &b, Location loc, const KernelShape &shape,
                 const ActivationEncoding &encoding, const ConvGeometry &conv,
                 Value image, Value firstRow, int64_t rows);

/// The output rows of one band: the GEMM runs band by band, so that the
/// rearranged input of a band stays in the L1 cache between its two passes
/// and the GEMM (about 16 KiB), with band pixels a multiple of L when the
/// output has enough rows.
int64_t chooseBandRows(const ConvGeometry &conv, const KernelShape &shape);

} // namespace mlir::quantopt::int8kernels

#endif // QUANTOPT_LIB_CONVERSION_INT8KERNELS_IM2COL_H
