//===- Passes.td - qnt transformation passes ---------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes that transform qnt IR. One pass per .cpp file under
// lib/Dialect/Qnt/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD
#define QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QntBypassQuantizersPass : Pass<"qnt-bypass-quantizers"> {
  let summary = "Replaces quantization-simulation ops by their inputs";
  let description = [{
    Steps 1 and 2 of the paper's debugging flow: with every quantizer
    bypassed the simulation model must reproduce the float model; bypassing
    only the activation quantizers shows what weight quantization costs, and
    the other way round. A quantizer is a weight quantizer when its input is
    a constant (after looking through `qnt.assume_range` and `qnt.stats`);
    every other `qnt.fake_quant` quantizes an activation.

    Before (`--qnt-bypass-quantizers="which=weights"`):

    ```mlir
    %w = arith.constant dense<0.5> : tensor<4x4xf32>
    %wq = qnt.fake_quant %w bits = 8 signed symmetric scale = [0.1] zero_point = [0] : tensor<4x4xf32>
    %y = qnt.matmul %x, %wq : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
    ```

    After:

    ```mlir
    %w = arith.constant dense<0.5> : tensor<4x4xf32>
    %y = qnt.matmul %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
    ```
  }];
  let options = [
    Option<"which", "which", "::mlir::qnt::QuantizerKind",
           "::mlir::qnt::QuantizerKind::All",
           "Which quantizers to bypass",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qnt::QuantizerKind::All, "all",
                        "every qnt.fake_quant"),
             clEnumValN(::mlir::qnt::QuantizerKind::Weights, "weights",
                        "quantizers of constants (weights, biases)"),
             clEnumValN(::mlir::qnt::QuantizerKind::Activations,
                        "activations", "every other quantizer"))}]>
  ];
  let statistics = [
    Statistic<"numBypassed", "num-bypassed", "Number of quantizers removed">
  ];
}

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD
