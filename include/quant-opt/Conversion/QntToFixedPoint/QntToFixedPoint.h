//===- QntToFixedPoint.h - quantized qnt ops to integer code ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The integer lowering of the quantized form (docs/Numerics.md section 10):
// the type converter that turns `!quant.uniform` tensors into tensors of
// their signless storage integers, and the patterns that lower quantized
// qnt ops to linalg/tensor/arith on those integers, one populate function
// per op family.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_QNTTOFIXEDPOINT_QNTTOFIXEDPOINT_H
#define QUANTOPT_CONVERSION_QNTTOFIXEDPOINT_QNTTOFIXEDPOINT_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
class ModuleOp;

namespace quantopt {

/// Converts a quantized type to its storage: `tensor<..x!quant.uniform<u8:
/// f32, ...>>` becomes `tensor<..xi8>` (signless; the signedness stays in
/// the op being lowered, which zero- or sign-extends), a scalar quantized
/// type its storage integer. Every other type is kept.
class QuantizedStorageTypeConverter : public TypeConverter {
public:
  QuantizedStorageTypeConverter();
};

/// True if `type` is or contains (as a tensor element) a quantized type.
bool hasQuantizedType(Type type);
/// True if an operand, result or block argument type of `op` is quantized.
bool hasQuantizedTypes(Operation *op);

/// qnt.conv2d and qnt.matmul on quantized operands: exact int32
/// accumulation, zero points folded into the bias where constant.
void populateQntLinearToFixedPointPatterns(const TypeConverter &typeConverter,
                                           RewritePatternSet &patterns);
/// qnt.quantize, qnt.dequantize, qnt.requantize (three rounding modes,
/// fused with a following qnt.relu/qnt.clamp on the same grid).
void populateQntRequantizeToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns);
/// qnt.relu and qnt.clamp (integer clamps), and the element-wise ops of
/// the quantized-form rule realised in float (add, sub, mul, sigmoid, ...,
/// softmax, layer_norm).
void populateQntElementwiseToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns);
/// qnt.max_pool2d (integer max), qnt.avg_pool2d, qnt.global_avg_pool and
/// qnt.reduce_mean (float realisation).
void populateQntPoolingToFixedPointPatterns(const TypeConverter &typeConverter,
                                            RewritePatternSet &patterns);
/// concat, reshape, transpose, slice on storage integers, quant.scast, and
/// the function boundary (func.func, func.return, func.call).
void populateQntDataMovementToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns);

/// All of the above.
void populateQntToFixedPointConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns);

/// The legality convert-qnt-to-fixed-point converts to: no op, block
/// argument or function signature mentions a quantized type; quant dialect
/// ops are illegal. Float-form qnt ops stay legal (convert-qnt-to-linalg
/// lowers them).
void configureQntToFixedPointTarget(ConversionTarget &target,
                                    const TypeConverter &typeConverter);

/// Emits an error on each op under `root` the integer lowering cannot
/// handle (an op of another dialect on quantized tensors, a multiplier out
/// of range, an accumulator that could exceed int32, ...); fails if any.
LogicalResult checkQntToFixedPointLowerable(Operation *root);

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_CONVERSION_QNTTOFIXEDPOINT_QNTTOFIXEDPOINT_H
