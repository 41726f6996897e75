// RUN: quant-opt %s --split-input-file --verify-diagnostics --qnt-check-no-quantized

// The contract after convert-qnt-to-fixed-point: no !quant type, no quant op.

!q = !quant.uniform<i8:f32, 0.5>

// expected-error@+1 {{'func.func' op still has the quantized type '!quant.uniform<i8:f32, 5.000000e-01>' after the integer lowering (convert-qnt-to-fixed-point)}}
func.func private @signature(tensor<4x!q>)

// -----

!q = !quant.uniform<i8:f32, 0.5>

func.func @cast(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{'quant.scast' op is left after the integer lowering; the quant dialect does not reach LLVM}}
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!q>
  // expected-error@+1 {{'quant.scast' op is left after the integer lowering; the quant dialect does not reach LLVM}}
  %i = quant.scast %q : tensor<4x!q> to tensor<4xi8>
  return %i : tensor<4xi8>
}

// -----

// Integers and floats pass.

func.func @clean(%x: tensor<4xi8>) -> tensor<4xf32> {
  %f = arith.sitofp %x : tensor<4xi8> to tensor<4xf32>
  return %f : tensor<4xf32>
}
