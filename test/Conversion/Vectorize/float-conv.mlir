// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(convert-qnt-to-linalg),canonicalize,func.func(linalg-fuse-elementwise-ops),func.func(qnt-vectorize-float-conv),canonicalize,cse)" | FileCheck %s
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(convert-qnt-to-linalg),canonicalize,func.func(linalg-fuse-elementwise-ops),func.func(qnt-vectorize-float-conv{vector-size=8 filter-block=2}),canonicalize,cse)" | FileCheck %s --check-prefix=SMALL
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-vectorize-float-conv{vector-size=0}))" 2>&1 | FileCheck %s --check-prefix=LANES
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-vectorize-float-conv{filter-block=-1}))" 2>&1 | FileCheck %s --check-prefix=BLOCK

// LANES: qnt-vectorize-float-conv: vector-size must be at least 1, got 0
// BLOCK: qnt-vectorize-float-conv: filter-block must be at least 1, got -1

/// 9 filters (two blocks of 4 in a qnt.parallel loop, then one filter) x 19
/// output columns (a tile of 16, then one of 3), 3x3, pad 1, bias: the
/// accumulators start from the bias broadcast, the channel loop carries
/// them, each tap reads the input segment once and adds its product with
/// each filter's weight, mulf then addf as in the scalar body.

// CHECK-LABEL: func.func @blocks
// CHECK: %[[PAD:.*]] = tensor.pad
// CHECK: %[[BIAS:.*]] = linalg.generic
// CHECK: scf.for %[[N:[a-z0-9_]+]] = %c0 to %{{.*}} step %c1 iter_args(%{{.*}} = %[[BIAS]])
// CHECK: scf.for %[[F:[a-z0-9_]+]] = %c0 to %c8 step %c4
// CHECK: scf.for %[[OH:[a-z0-9_]+]] = %c0 to %c13 step %c1
// CHECK: %[[A0:.*]] = vector.transfer_read %{{.*}}[%[[N]], %[[F]], %[[OH]], %c0], %cst {in_bounds = [true]} : tensor<?x9x13x19xf32>, vector<16xf32>
// CHECK: %[[F1:.*]] = affine.apply #{{.*}}(%[[F]])
// CHECK: %[[A1:.*]] = vector.transfer_read %{{.*}}[%[[N]], %[[F1]], %[[OH]], %c0]
// CHECK: %[[ACC:.*]]:4 = scf.for %[[C:[a-z0-9_]+]] = %c0 to %c3 step %c1 iter_args(%[[S0:.*]] = %[[A0]], %[[S1:.*]] = %[[A1]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-NEXT: %[[X:.*]] = vector.transfer_read %[[PAD]][%[[N]], %[[C]], %[[OH]], %c0], %cst {in_bounds = [true]} : tensor<?x3x15x21xf32>, vector<16xf32>
// CHECK-NEXT: %[[K0:.*]] = tensor.extract %{{.*}}[%[[F]], %[[C]], %c0, %c0] : tensor<9x3x3x3xf32>
// CHECK-NEXT: %[[KV0:.*]] = vector.broadcast %[[K0]] : f32 to vector<16xf32>
// CHECK-NEXT: %[[P0:.*]] = arith.mulf %[[X]], %[[KV0]] : vector<16xf32>
// CHECK-NEXT: %[[T0:.*]] = arith.addf %[[S0]], %[[P0]] : vector<16xf32>
// CHECK-NEXT: %[[K1:.*]] = tensor.extract %{{.*}}[%[[F1]], %[[C]], %c0, %c0] : tensor<9x3x3x3xf32>
// CHECK-NEXT: %[[KV1:.*]] = vector.broadcast %[[K1]] : f32 to vector<16xf32>
// CHECK-NEXT: %[[P1:.*]] = arith.mulf %[[X]], %[[KV1]] : vector<16xf32>
// CHECK-NEXT: arith.addf %[[S1]], %[[P1]] : vector<16xf32>
// The next tap (kh 0, kw 1), on the first filter's running sum:
// CHECK: %[[X2:.*]] = vector.transfer_read %[[PAD]][%[[N]], %[[C]], %[[OH]], %c1]
// CHECK: %[[K2:.*]] = tensor.extract %{{.*}}[%[[F]], %[[C]], %c0, %c1]
// CHECK: %[[KV2:.*]] = vector.broadcast %[[K2]]
// CHECK: %[[P2:.*]] = arith.mulf %[[X2]], %[[KV2]]
// CHECK: arith.addf %[[T0]], %[[P2]]
// The last tap (kh 2, kw 2):
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %[[C]], %c2, %c2]
// CHECK: scf.yield
// CHECK: vector.transfer_write %[[ACC]]#0, %{{.*}}[%[[N]], %[[F]], %[[OH]], %c0] {in_bounds = [true]} : vector<16xf32>, tensor<?x9x13x19xf32>
// The tile of the last 3 columns:
// CHECK: vector.transfer_read %{{.*}}[%[[N]], %[[F]], %[[OH]], %c16], %cst {in_bounds = [true]} : tensor<?x9x13x19xf32>, vector<3xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 {{.*}} -> (vector<3xf32>, vector<3xf32>, vector<3xf32>, vector<3xf32>)
// CHECK: } {qnt.parallel}
// The ninth filter, one accumulator:
// CHECK: scf.for %{{.*}} = %c0 to %c13 step %c1
// CHECK: vector.transfer_read %{{.*}}[%[[N]], %c8, %{{.*}}, %c0]
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<16xf32>)
// CHECK: -> (vector<3xf32>)
// CHECK: } {qnt.parallel}
// CHECK-NOT: linalg.generic
// CHECK: return

// SMALL-LABEL: func.func @blocks
// SMALL: scf.for %{{.*}} = %c0 to %c8 step %c2
// SMALL: scf.for %{{.*}} = %c0 to %c16 step %c8
// SMALL: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>)
// SMALL: -> (vector<3xf32>, vector<3xf32>)
// SMALL: } {qnt.parallel}
// SMALL: -> (vector<8xf32>)
// SMALL: } {qnt.parallel}
func.func @blocks(%x: tensor<?x3x13x19xf32>, %w: tensor<9x3x3x3xf32>, %b: tensor<9xf32>) -> tensor<?x9x13x19xf32> {
  %y = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
         : (tensor<?x3x13x19xf32>, tensor<9x3x3x3xf32>, tensor<9xf32>) -> tensor<?x9x13x19xf32>
  return %y : tensor<?x9x13x19xf32>
}

// -----

/// Stride 2, dilation (1, 2), no bias: the accumulators start from zeros;
/// each tap reads the 19 elements covering 10 strided columns and picks
/// every second one.

// CHECK-LABEL: func.func @strided_dilated
// CHECK: %[[PAD:.*]] = tensor.pad
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: scf.for %[[N:[a-z0-9_]+]] = {{.*}} iter_args(%{{.*}} = %[[ZERO]])
// CHECK: scf.for %[[OH:[a-z0-9_]+]] = %c0 to %c7 step %c1
// CHECK: scf.for %[[C:[a-z0-9_]+]] = %c0 to %c3 step %c1 {{.*}} -> (vector<10xf32>, vector<10xf32>)
// CHECK: %[[IH:.*]] = affine.apply #{{.*}}(%[[OH]])
// CHECK: %[[R:.*]] = vector.transfer_read %[[PAD]][%[[N]], %[[C]], %[[IH]], %c0], %cst {in_bounds = [true]} : tensor<?x3x15x23xf32>, vector<19xf32>
// CHECK: vector.shuffle %[[R]], %[[R]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18] : vector<19xf32>, vector<19xf32>
// CHECK: vector.transfer_read %[[PAD]][%[[N]], %[[C]], %[[IH]], %c2], %cst {in_bounds = [true]} : tensor<?x3x15x23xf32>, vector<19xf32>
// CHECK: vector.transfer_read %[[PAD]][%[[N]], %[[C]], %[[IH]], %c4], %cst {in_bounds = [true]} : tensor<?x3x15x23xf32>, vector<19xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @strided_dilated(%x: tensor<?x3x13x19xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<?x2x7x10xf32> {
  %y = qnt.conv2d %x, %w strides = [2, 2] pads = [1, 2, 1, 2] dilations = [1, 2] groups = 1
         : (tensor<?x3x13x19xf32>, tensor<2x3x3x3xf32>) -> tensor<?x2x7x10xf32>
  return %y : tensor<?x2x7x10xf32>
}

// -----

/// A 7x7 window (49 taps): a loop over kh inside the channel loop, the 7
/// kw taps unrolled.

// CHECK-LABEL: func.func @large_window
// CHECK: scf.for %[[C:[a-z0-9_]+]] = %c0 to %c3 step %c1 {{.*}} -> (vector<10xf32>, vector<10xf32>)
// CHECK-NEXT: scf.for %[[KH:[a-z0-9_]+]] = %c0 to %c7 step %c1 {{.*}} -> (vector<10xf32>, vector<10xf32>)
// CHECK-COUNT-7: vector.shuffle
// CHECK-NOT: vector.shuffle
// CHECK: scf.yield
func.func @large_window(%x: tensor<?x3x13x19xf32>, %w: tensor<2x3x7x7xf32>) -> tensor<?x2x7x10xf32> {
  %y = qnt.conv2d %x, %w strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1
         : (tensor<?x3x13x19xf32>, tensor<2x3x7x7xf32>) -> tensor<?x2x7x10xf32>
  return %y : tensor<?x2x7x10xf32>
}

// -----

/// A batch norm that linalg-fuse-elementwise-ops fused into an unpadded 1x1
/// conv (the float MobileNetV2): the fused body recomputes it per filter;
/// here it is computed once, by an element-wise generic over the input
/// shape, whose result the conv tiles read.

// CHECK-LABEL: func.func @fused_batch_norm
// CHECK: %[[NORM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0, %arg1, %arg2, %arg3, %arg4 : tensor<?x8x6x6xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: -> tensor<?x8x6x6xf32>
// CHECK: scf.for %[[N:[a-z0-9_]+]] =
// CHECK: scf.for %[[C:[a-z0-9_]+]] = %c0 to %c8 step %c1 {{.*}} -> (vector<6xf32>, vector<6xf32>, vector<6xf32>, vector<6xf32>)
// CHECK-NEXT: vector.transfer_read %[[NORM]][%[[N]], %[[C]], %{{.*}}, %c0], %cst {in_bounds = [true]} : tensor<?x8x6x6xf32>, vector<6xf32>
// CHECK-NOT: math.sqrt
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @fused_batch_norm(%x: tensor<?x8x6x6xf32>, %s: tensor<8xf32>, %o: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>, %w: tensor<4x8x1x1xf32>) -> tensor<?x4x6x6xf32> {
  %n = qnt.batch_norm %x, %s, %o, %m, %v epsilon = 1.0e-5 : (tensor<?x8x6x6xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x6x6xf32>
  %y = qnt.conv2d %n, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x8x6x6xf32>, tensor<4x8x1x1xf32>) -> tensor<?x4x6x6xf32>
  return %y : tensor<?x4x6x6xf32>
}

// -----

/// Left alone: a grouped conv (groups 2 of 4 channels), and a conv whose
/// addf may be contracted (fast-math flags: the scalar order is not
/// guaranteed).

// CHECK-LABEL: func.func @grouped
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK-NOT: vector.transfer_read
// CHECK: return
func.func @grouped(%x: tensor<?x4x6x6xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<?x4x4x4xf32> {
  %y = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2
         : (tensor<?x4x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<?x4x4x4xf32>
  return %y : tensor<?x4x4x4xf32>
}

// CHECK-LABEL: func.func @fast_math
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK: arith.addf {{.*}} fastmath<contract>
// CHECK-NOT: vector.transfer_read
// CHECK: return
#in = affine_map<(n, f, c, kh, kw, oh, ow) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, f, c, kh, kw, oh, ow) -> (f, c, kh, kw)>
#out = affine_map<(n, f, c, kh, kw, oh, ow) -> (n, f, oh, ow)>
func.func @fast_math(%x: tensor<1x2x6x6xf32>, %w: tensor<3x2x3x3xf32>, %init: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %r = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) outs(%init : tensor<1x3x4x4xf32>) {
  ^bb0(%a: f32, %k: f32, %o: f32):
    %p = arith.mulf %a, %k : f32
    %s = arith.addf %o, %p fastmath<contract> : f32
    linalg.yield %s : f32
  } -> tensor<1x3x4x4xf32>
  return %r : tensor<1x3x4x4xf32>
}

// -----

/// A depthwise conv whose input and weight are computed in its body
/// (fused fake quantizers of a simulation model): both are computed first,
/// by element-wise generics, and the window generic left reads them only
/// (qnt-vectorize's window reduction), mulf and addf in the body's operand
/// order.

// CHECK-LABEL: func.func @fused_depthwise
// CHECK: %[[X:.*]] = linalg.generic {indexing_maps = [#[[ID:.*]], #[[CH:.*]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0, %arg2 : tensor<?x3x8x8xf32>, tensor<3xf32>) outs(%{{.*}} : tensor<?x3x8x8xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[A]], %[[S]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
// CHECK: %[[K:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<3x1x3x3xf32>) outs(%{{.*}} : tensor<3x1x3x3xf32>)
// CHECK: math.roundeven
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]} ins(%[[X]], %[[K]] : tensor<?x3x8x8xf32>, tensor<3x1x3x3xf32>) outs(%arg3 : tensor<?x3x6x6xf32>)
// CHECK-NEXT: ^bb0(%[[I:.*]]: f32, %[[W:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[W]], %[[I]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.addf %[[P]], %[[O]] : f32
// CHECK-NEXT: linalg.yield %[[T]] : f32
#din = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh + kh, ow + kw)>
#dw = affine_map<(n, c, kh, kw, oh, ow) -> (c, 0, kh, kw)>
#dch = affine_map<(n, c, kh, kw, oh, ow) -> (c)>
#dout = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @fused_depthwise(%x: tensor<?x3x8x8xf32>, %w: tensor<3x1x3x3xf32>, %s: tensor<3xf32>, %init: tensor<?x3x6x6xf32>) -> tensor<?x3x6x6xf32> {
  %r = linalg.generic {indexing_maps = [#din, #dw, #dch, #dout], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w, %s : tensor<?x3x8x8xf32>, tensor<3x1x3x3xf32>, tensor<3xf32>) outs(%init : tensor<?x3x6x6xf32>) {
  ^bb0(%a: f32, %k: f32, %sc: f32, %o: f32):
    %xs = arith.mulf %a, %sc : f32
    %kr = math.roundeven %k : f32
    %p = arith.mulf %kr, %xs : f32
    %t = arith.addf %p, %o : f32
    linalg.yield %t : f32
  } -> tensor<?x3x6x6xf32>
  return %r : tensor<?x3x6x6xf32>
}
