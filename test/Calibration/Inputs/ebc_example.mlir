// The IR example of qnt-empirical-bias-correction (Passes.td), run by
// empirical-bias-correction.test.
func.func @main(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %w = arith.constant dense<[[3.000000e-01], [4.000000e-01]]> : tensor<2x1xf32>
  %wq = qnt.fake_quant %w bits = 4 signed scale = [5.000000e-01] zero_point = [0] : tensor<2x1xf32>
  %b = arith.constant dense<1.000000e+00> : tensor<1xf32>
  %y = qnt.matmul %x, %wq, %b : (tensor<?x2xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
