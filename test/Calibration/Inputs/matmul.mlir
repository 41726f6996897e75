// A matmul + relu with uncalibrated quantizers on the input, the weight, the
// matmul result and the relu result; W is the W of stats.py.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %xq = qnt.fake_quant %x bits = 8 : tensor<?x4xf32>
  %w = arith.constant dense<[[1.0, -0.5, 0.0], [0.5, 0.5, -1.0], [0.0, 1.0, 0.5], [-1.0, 0.0, 1.0]]> : tensor<4x3xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric : tensor<4x3xf32>
  %y = qnt.matmul %xq, %wq : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %yq = qnt.fake_quant %y bits = 8 : tensor<?x3xf32>
  %r = qnt.relu %yq : tensor<?x3xf32> -> tensor<?x3xf32>
  %rq = qnt.fake_quant %r bits = 8 : tensor<?x3xf32>
  return %rq : tensor<?x3xf32>
}
