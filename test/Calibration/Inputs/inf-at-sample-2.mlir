// x / (x - 2.5): finite on the samples of make_bad.py's good.npy except
// sample 2, whose third value is 2.5 (+inf there).
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c = arith.constant dense<2.5> : tensor<4xf32>
  %s = qnt.sub %x, %c : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %d = qnt.div %x, %s : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %dq = qnt.fake_quant %d bits = 8 : tensor<?x4xf32>
  return %dq : tensor<?x4xf32>
}
