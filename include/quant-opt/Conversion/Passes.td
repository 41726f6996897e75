//===- Passes.td - quant-opt conversion passes -------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// All conversion passes, one folder per conversion under lib/Conversion.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_PASSES_TD
#define QUANTOPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQntToLinalgPass : Pass<"convert-qnt-to-linalg"> {
  let summary = "Lowers float-form qnt ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every qnt op of the float form (float models and quantization
    simulation models) into upstream ops on tensors: convolutions and pools
    into linalg named ops on zero- or -inf-padded inputs, matmuls and
    element-wise ops into `linalg.generic` with NumPy broadcasting, softmax,
    layer norm and means into reductions, data movement into `tensor` ops,
    `qnt.fake_quant` into its quantize-dequantize arithmetic
    (docs/Numerics.md), and drops `qnt.assume_range` and `qnt.stats`.

    The pass fails with a diagnostic on ops it cannot lower: qnt ops on
    quantized tensors (the integer lowering handles those), an uncalibrated
    `qnt.fake_quant`, or an average pool that excludes padding on a dynamic
    spatial size. Afterwards no qnt op is left.

    With a requantization rounding mode (the `rounding` option, or a
    `qnt.rounding = #qnt.rounding<...>` attribute on the function or the
    module) the quantization simulation computes exactly what the integer
    code of that mode computes (docs/Numerics.md section 11): conv2d and
    matmul between fake-quantized operands accumulate in int32, and the
    quantizers after them requantize in that mode. Without one, it is the
    plain float simulation.

    Before:

    ```mlir
    %y = qnt.add %a, %b : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
    ```

    After:

    ```mlir
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x8xf32>
    %init = tensor.empty(%n) : tensor<?x8xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%a, %b : tensor<?x8xf32>, tensor<8xf32>) outs(%init : tensor<?x8xf32>) {
      ^bb0(%x: f32, %z: f32, %out: f32):
        %s = arith.addf %x, %z : f32
        linalg.yield %s : f32
    } -> tensor<?x8xf32>
    ```
  }];
  let options = [
    Option<"rounding", "rounding", "std::string", "\"\"",
           "Simulate integer code with this requantization rounding: "
           "float (plain simulation), half_to_even, single_round or "
           "double_round; empty: the qnt.rounding attribute, else float">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertMemRefCopyToLinalgPass : Pass<"convert-memref-copy-to-linalg"> {
  let summary = "Rewrites memref.copy as linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between non-contiguous
    memrefs (the copy of an input into the interior of a padded buffer, for
    example) to a call of the `memrefCopy` runtime function, which lives in
    `libmlir_c_runner_utils` and walks the elements one index computation at
    a time. As `linalg.copy` the copy becomes loops that LLVM vectorizes,
    and the generated code needs no runtime library.

    ```mlir
    memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32, strided<[10, 1], offset: 11>>
    // becomes
    linalg.copy ins(%a : memref<?x8xf32>) outs(%b : memref<?x8xf32, strided<[10, 1], offset: 11>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ConvertSmallResourcesToDensePass : Pass<"convert-small-resources-to-dense"> {
  let summary = "Rewrites small dense_resource constants as dense constants";
  let description = [{
    Weights live in `dense_resource` blobs, which keep large models cheap.
    For tiny constants (scalars such as a Gemm's beta, per-tensor parameters)
    a blob buys nothing, and some upstream lowerings cannot read one: in
    LLVM 22, `finalize-memref-to-llvm` aborts on a rank-0 `memref.global`
    initialised from a `dense_resource`. This pass rewrites every
    `arith.constant` holding a `dense_resource` of at most `max-elements`
    elements as a `dense` constant with the same values.

    ```mlir
    %b = arith.constant dense_resource<beta> : tensor<f32>
    // becomes (for a blob holding 1.0)
    %b = arith.constant dense<1.000000e+00> : tensor<f32>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "16",
           "Rewrite resources with at most this many elements">
  ];
}


//===----------------------------------------------------------------------===//
// The integer lowering (lib/Conversion/QntToFixedPoint)
//===----------------------------------------------------------------------===//

def ConvertQntToFixedPointPass
    : Pass<"convert-qnt-to-fixed-point", "::mlir::ModuleOp"> {
  let summary = "Lowers quantized-form qnt ops to integer arithmetic on "
                "storage tensors";
  let description = [{
    The integer lowering of the quantized form (docs/Numerics.md section
    10). Every `!quant.uniform` tensor becomes a tensor of its signless
    storage integers, also in function signatures, and every qnt op on
    quantized tensors becomes linalg/tensor/arith code on them:

    - `qnt.conv2d`, `qnt.matmul`: exact int32 multiply-accumulate; with
      constant weights the zero-point term `-z_x * sum(w - z_w)` is folded
      into the int32 bias at compile time;
    - `qnt.requantize`: the int32 multiplier and shift of
      `quantizeMultiplier` (per channel for per-axis types) in the
      `single_round` and `double_round` modes, f32 in `half_to_even`,
      bit-exact with `FixedPointMath`; a `qnt.relu`/`qnt.clamp` that
      directly follows on the same grid becomes the clamp of the
      requantization;
    - `qnt.quantize`, `qnt.dequantize`, `qnt.relu`/`qnt.clamp` (integer
      clamps), `qnt.max_pool2d` and data movement on stored integers;
    - the other ops of the quantized-form rule (add, mul, average pools,
      softmax, layer norm, ...) in float: dequantize, the float-form qnt op,
      quantize. `convert-qnt-to-linalg` lowers the float op afterwards.

    The pass first checks what it cannot lower and fails with an error on
    each such op: ops of other dialects on quantized tensors, multipliers
    `M >= 2^29`, and accumulators whose worst case (from the bit widths,
    the reduction length and constant weights) could exceed int32.

    ```mlir
    %acc = qnt.conv2d %x, %w ... -> tensor<1x4x6x6x!quant.uniform<i32:f32, 0.125>>
    %y = qnt.requantize %acc rounding = <single_round> : ... -> tensor<1x4x6x6x!quant.uniform<u8:f32, 0.5:3>>
    // becomes a linalg.generic accumulating ext(x) * ext(w) into i32, and one
    // computing (i64(acc) * 1073741824 + 2^29) >> 30, clamped, + 3, as i8.
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def CheckNoQuantizedPass : Pass<"qnt-check-no-quantized", "::mlir::ModuleOp"> {
  let summary = "Fails if a quantized type or quant op is left";
  let description = [{
    The contract between the integer lowering and the rest of
    `qnt-lower-to-llvm` (in the manner of IREE's check of the IR before LLVM
    conversion): after `convert-qnt-to-fixed-point` no operand, result,
    block argument, function signature or type attribute mentions a
    `!quant` type, and no `quant` dialect op is left. Each violation is an
    error on the op that holds it.
  }];
}

def CheckAccumulatorBoundsPass : Pass<"qnt-check-accumulator-bounds"> {
  let summary = "Checks that quantized conv2d/matmul accumulators fit int32";
  let description = [{
    Runs the accumulator-bound analysis (lib/Analysis/AccumulatorBounds.cpp)
    on every quantized `qnt.conv2d` and `qnt.matmul`: the worst-case
    |accumulator| from the stored ranges of the operands (bit widths,
    constant weights channel by channel, clamps), the reduction length and
    the bias. An op whose bound exceeds int32 is an error, as in
    `convert-qnt-to-fixed-point`; with `remarks`, every op gets a remark
    with its bound and the realisation the lowering will use.
  }];
  let options = [
    Option<"remarks", "remarks", "bool", "false",
           "Emit a remark with the bound of every op">
  ];
}

#endif // QUANTOPT_CONVERSION_PASSES_TD
