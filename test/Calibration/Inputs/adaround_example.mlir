// The example of qnt-adaround's description (Passes.td).
func.func @main(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[3.000000e-01], [4.000000e-01]]> : tensor<2x1xf32>
  %wq = qnt.fake_quant %w bits = 4 signed scale = [1.000000e+00] zero_point = [0] : tensor<2x1xf32>
  %y = qnt.matmul %x, %wq : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
