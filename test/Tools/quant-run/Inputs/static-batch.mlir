func.func @main(%x: tensor<4x1x4x4xf32>) -> tensor<4x2xf32> {
  %s = qnt.reduce_mean %x axes = [1, 2, 3] : tensor<4x1x4x4xf32> -> tensor<4xf32>
  %r = qnt.reshape %s : tensor<4xf32> -> tensor<4x1xf32>
  %n = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %o = qnt.mul %r, %n : (tensor<4x1xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %o : tensor<4x2xf32>
}
