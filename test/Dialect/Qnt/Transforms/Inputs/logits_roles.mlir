// The same statistics of 3 rows of 4 logits (one irrelevant logit at -40 per
// row) before 3-bit quantizers in different roles: returned (the logits),
// normalised by a softmax along the last dim (the logits) or along dim 0
// (not), read by a relu (not), and returned but without samples.
func.func @nosamples(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = qnt.stats %x min = -40.0 max = 4.0 count = 12 histogram = [3, 0, 0, 9] : tensor<?x4xf32>
  %q = qnt.fake_quant %s bits = 3 : tensor<?x4xf32>
  return %q : tensor<?x4xf32>
}
func.func @returned(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = qnt.stats %x min = -40.0 max = 4.0 count = 12 histogram = [3, 0, 0, 9]
         samples = dense<[[4.0, 1.0, 0.0, -40.0], [0.0, 3.0, 1.0, -40.0], [2.0, 4.0, 0.0, -40.0]]> : tensor<3x4xf32> : tensor<?x4xf32>
  %q = qnt.fake_quant %s bits = 3 : tensor<?x4xf32>
  return %q : tensor<?x4xf32>
}
func.func @softmax_last(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = qnt.stats %x min = -40.0 max = 4.0 count = 12 histogram = [3, 0, 0, 9]
         samples = dense<[[4.0, 1.0, 0.0, -40.0], [0.0, 3.0, 1.0, -40.0], [2.0, 4.0, 0.0, -40.0]]> : tensor<3x4xf32> : tensor<?x4xf32>
  %q = qnt.fake_quant %s bits = 3 : tensor<?x4xf32>
  %p = qnt.softmax %q axis = 1 : tensor<?x4xf32> -> tensor<?x4xf32>
  return %p : tensor<?x4xf32>
}
func.func @softmax_first(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = qnt.stats %x min = -40.0 max = 4.0 count = 12 histogram = [3, 0, 0, 9]
         samples = dense<[[4.0, 1.0, 0.0, -40.0], [0.0, 3.0, 1.0, -40.0], [2.0, 4.0, 0.0, -40.0]]> : tensor<3x4xf32> : tensor<?x4xf32>
  %q = qnt.fake_quant %s bits = 3 : tensor<?x4xf32>
  %p = qnt.softmax %q axis = 0 : tensor<?x4xf32> -> tensor<?x4xf32>
  return %p : tensor<?x4xf32>
}
func.func @relu(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = qnt.stats %x min = -40.0 max = 4.0 count = 12 histogram = [3, 0, 0, 9]
         samples = dense<[[4.0, 1.0, 0.0, -40.0], [0.0, 3.0, 1.0, -40.0], [2.0, 4.0, 0.0, -40.0]]> : tensor<3x4xf32> : tensor<?x4xf32>
  %q = qnt.fake_quant %s bits = 3 : tensor<?x4xf32>
  %r = qnt.relu %q : tensor<?x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
