// Output #0 is the sum of each image's pixels and its negation: label 0 wins
// for a positive sum. Output #1 is the input, unchanged.
func.func @main(%x: tensor<?x1x4x4xf32>) -> (tensor<?x2xf32>, tensor<?x1x4x4xf32>) {
  %s = qnt.reduce_mean %x axes = [1, 2, 3] : tensor<?x1x4x4xf32> -> tensor<?xf32>
  %r = qnt.reshape %s : tensor<?xf32> -> tensor<?x1xf32>
  %n = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %o = qnt.mul %r, %n : (tensor<?x1xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %c = qnt.relu %x : tensor<?x1x4x4xf32> -> tensor<?x1x4x4xf32>
  return %o, %c : tensor<?x2xf32>, tensor<?x1x4x4xf32>
}
