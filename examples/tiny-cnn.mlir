// A tiny Fashion-MNIST-shaped CNN in the three forms quant-opt works with.
// Weights live in dense_resource blobs (bottom of the file), as the ONNX
// importer writes them.
//
//   @float_model  the float network: conv -> batch_norm -> relu -> max pool
//                 -> global average pool -> fully connected -> softmax
//   @qsim_model   the quantization-simulation form: qnt.fake_quant ops where
//                 int8 hardware quantizes (weights, input, layer outputs)
//   @int8_model   the quantized form of the first block: u8 activations, i8
//                 per-tensor weights, an int32 accumulator, requantization
//
// Try: quant-opt examples/tiny-cnn.mlir
//      quant-opt examples/tiny-cnn.mlir --qnt-bypass-quantizers=which=activations

func.func @float_model(%image: tensor<?x1x28x28xf32>) -> tensor<?x10xf32> {
  %w = arith.constant dense_resource<conv1_weight> : tensor<4x1x3x3xf32>
  %gamma = arith.constant dense_resource<bn_gamma> : tensor<4xf32>
  %beta = arith.constant dense_resource<bn_beta> : tensor<4xf32>
  %mean = arith.constant dense_resource<bn_mean> : tensor<4xf32>
  %var = arith.constant dense_resource<bn_var> : tensor<4xf32>
  %fc_w = arith.constant dense_resource<fc_weight> : tensor<10x4xf32>
  %fc_b = arith.constant dense_resource<fc_bias> : tensor<10xf32>
  %conv = qnt.conv2d %image, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
          : (tensor<?x1x28x28xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x28x28xf32>
  %bn = qnt.batch_norm %conv, %gamma, %beta, %mean, %var epsilon = 1.0e-5
        : (tensor<?x4x28x28xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4x28x28xf32>
  %relu = qnt.relu %bn : tensor<?x4x28x28xf32> -> tensor<?x4x28x28xf32>
  %pool = qnt.max_pool2d %relu kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
          : tensor<?x4x28x28xf32> -> tensor<?x4x14x14xf32>
  %gap = qnt.global_avg_pool %pool : tensor<?x4x14x14xf32> -> tensor<?x4x1x1xf32>
  %flat = qnt.reshape %gap : tensor<?x4x1x1xf32> -> tensor<?x4xf32>
  %logits = qnt.matmul %flat, %fc_w, %fc_b transpose_rhs
            : (tensor<?x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %probs = qnt.softmax %logits axis = 1 : tensor<?x10xf32> -> tensor<?x10xf32>
  return %probs : tensor<?x10xf32>
}

func.func @qsim_model(%image: tensor<?x1x28x28xf32>) -> tensor<?x10xf32> {
  %w = arith.constant dense_resource<conv1_weight> : tensor<4x1x3x3xf32>
  %fc_w = arith.constant dense_resource<fc_weight> : tensor<10x4xf32>
  %fc_b = arith.constant dense_resource<fc_bias> : tensor<10xf32>
  %x = qnt.assume_range %image min = 0.0 max = 1.0 : tensor<?x1x28x28xf32>
  %xq = qnt.fake_quant %x bits = 8 scale = [0.003921568627] zero_point = [0] : tensor<?x1x28x28xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0
          scale = [0.0064, 0.0091, 0.0052, 0.0071] zero_point = [0, 0, 0, 0] : tensor<4x1x3x3xf32>
  %conv = qnt.conv2d %xq, %wq strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
          : (tensor<?x1x28x28xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x28x28xf32>
  %relu = qnt.relu %conv : tensor<?x4x28x28xf32> -> tensor<?x4x28x28xf32>
  %rq = qnt.fake_quant %relu bits = 8 scale = [0.02] zero_point = [0] : tensor<?x4x28x28xf32>
  %pool = qnt.max_pool2d %rq kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
          : tensor<?x4x28x28xf32> -> tensor<?x4x14x14xf32>
  %gap = qnt.global_avg_pool %pool : tensor<?x4x14x14xf32> -> tensor<?x4x1x1xf32>
  %gq = qnt.fake_quant %gap bits = 8 scale = [0.01] zero_point = [0] : tensor<?x4x1x1xf32>
  %flat = qnt.reshape %gq : tensor<?x4x1x1xf32> -> tensor<?x4xf32>
  // Not yet calibrated: range setting fills in scale and zero_point.
  %fc_wq = qnt.fake_quant %fc_w bits = 8 signed symmetric narrow_range axis = 0 : tensor<10x4xf32>
  %logits = qnt.matmul %flat, %fc_wq, %fc_b transpose_rhs
            : (tensor<?x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %lq = qnt.fake_quant %logits bits = 8 scale = [0.05] zero_point = [128] : tensor<?x10xf32>
  %probs = qnt.softmax %lq axis = 1 : tensor<?x10xf32> -> tensor<?x10xf32>
  return %probs : tensor<?x10xf32>
}

!u8_input = !quant.uniform<u8:f32, 0.0039215686274509803>
!i8_weight = !quant.uniform<i8<-127:127>:f32, 0.00915748031496063>
!i32_acc = !quant.uniform<i32:f32, 3.5911687509649534e-05>
!u8_act = !quant.uniform<u8:f32, 0.02>
!u8_pool = !quant.uniform<u8:f32, 0.01>

func.func @int8_model(%image: tensor<?x1x28x28xf32>) -> tensor<?x4x1x1xf32> {
  %w_int = arith.constant dense<[[[[7, -7, 35], [6, -29, 20], [71, 52, -38]]],
                                 [[[-69, -34, 2], [-127, -12, -68], [-40, -30, -17]]],
                                 [[[22, 57, -7], [75, -36, 19], [49, 5, -41]]],
                                 [[[-50, -25, 12], [-55, -11, -9], [29, 12, 19]]]]> : tensor<4x1x3x3xi8>
  %w = quant.scast %w_int : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!i8_weight>
  %x = qnt.quantize %image : tensor<?x1x28x28xf32> -> tensor<?x1x28x28x!u8_input>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
         : (tensor<?x1x28x28x!u8_input>, tensor<4x1x3x3x!i8_weight>) -> tensor<?x4x28x28x!i32_acc>
  %y = qnt.requantize %acc rounding = <double_round> : tensor<?x4x28x28x!i32_acc> -> tensor<?x4x28x28x!u8_act>
  %relu = qnt.relu %y : tensor<?x4x28x28x!u8_act> -> tensor<?x4x28x28x!u8_act>
  %pool = qnt.max_pool2d %relu kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
          : tensor<?x4x28x28x!u8_act> -> tensor<?x4x14x14x!u8_act>
  %gap = qnt.global_avg_pool %pool : tensor<?x4x14x14x!u8_act> -> tensor<?x4x1x1x!u8_pool>
  %out = qnt.dequantize %gap : tensor<?x4x1x1x!u8_pool> -> tensor<?x4x1x1xf32>
  return %out : tensor<?x4x1x1xf32>
}

{-#
  dialect_resources: {
    builtin: {
      conv1_weight: "0x040000002506813D022B87BD0AD7A33EF4FD543D4C3789BE1058393E79E9263F21B0F23E5839B4BE4A0C22BF77BE9FBE3108AC3C2FDD94BF643BDFBDEE7C1FBF5A64BBBE96438BBEC1CA21BEAAF1523E4260053F6F1283BD17D92E3FFA7EAABE5839343E8B6CE73E1283403DC976BEBE3108ECBEFA7E6ABEAE47E13DAE4701BF3D0AD7BD0AD7A3BD713D8A3ED122DB3DA245363E",
      fc_weight: "0x040000008B6CA7BEB81E85BD39B4C83E643B3F3FAE4721BFC1CA413FBA492C3F2731C83E022B073E9CC420BEBE9F3A3F48E17A3FF0A7663FB072283FC74B373EBE9F1ABF6F1203BB9EEFA73E2FDD24BF83C04A3EF6285C3E0E2DB23E508D17BFD578A9BE643B5FBE8FC215BF52B85E3FB6F37DBE9EEF273E931804BE83C04A3FC3F5283FD34DA23E560E8DBFF4FDD43CA01AAF3E1283003F3F359EBE4C37693FC3F528BF",
      fc_bias: "0x04000000022B87BD1283C03D0AD7A33BCDCC4C3EE3A59B3C250681BDE3A51BBD643BDFBD6F1203BE2506813D",
      bn_gamma: "0x040000000000803F6666663FCDCC8C3F9A99993F",
      bn_beta: "0x04000000CDCCCC3D00000000CDCCCCBDCDCC4C3E",
      bn_mean: "0x04000000CDCC4C3D0AD7A3BC00000000CDCCCC3D",
      bn_var: "0x040000006666663FCDCC8C3F0000803FCDCC4C3F"
    }
  }
#-}
