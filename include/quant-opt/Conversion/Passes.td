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

#endif // QUANTOPT_CONVERSION_PASSES_TD
