// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-vectorize),canonicalize,cse)" | FileCheck %s
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-vectorize{vector-size=8}),canonicalize)" | FileCheck %s --check-prefix=L8
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-vectorize{vector-size=0}))" 2>&1 | FileCheck %s --check-prefix=INVALID

// INVALID: qnt-vectorize: vector-size must be at least 1, got 0

/// [Family: element-wise] A per-channel requantization of NCHW
/// accumulators: the 14 x 14 pixels are collapsed into one dim of 196 (the
/// per-channel operand keeps them contiguous), tiled by 16 lanes, the last
/// tile of 4 masked.

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @requantize
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x8x196xi32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %c0 to %c196 step %c16
// CHECK: %[[MASK:.*]] = vector.create_mask %{{.*}} : vector<16xi1>
// CHECK: %[[ACC:.*]] = vector.transfer_read %{{.*}}, %[[MASK]] {{.*}} : tensor<1x1x?xi32>, vector<16xi32>
// CHECK: %[[F:.*]] = arith.sitofp %[[ACC]] : vector<16xi32> to vector<16xf32>
// CHECK: math.roundeven %{{.*}} : vector<16xf32>
// CHECK: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %{{.*}}, %[[MASK]] {{.*}} : vector<16xi8>, tensor<1x1x?xi8>
// CHECK: tensor.expand_shape {{.*}} into tensor<?x8x14x14xi8>
// CHECK-NOT: linalg.generic
// L8-LABEL: func.func @requantize
// L8: scf.for %{{.*}} = %c0 to %c196 step %c8
// L8: math.roundeven %{{.*}} : vector<8xf32>
func.func @requantize(%acc: tensor<?x8x14x14xi32>, %m: tensor<8xf32>) -> tensor<?x8x14x14xi8> {
  %c0 = arith.constant 0 : index
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  %n = tensor.dim %acc, %c0 : tensor<?x8x14x14xi32>
  %e = tensor.empty(%n) : tensor<?x8x14x14xi8>
  %r = linalg.generic {indexing_maps = [#id, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %m : tensor<?x8x14x14xi32>, tensor<8xf32>) outs(%e : tensor<?x8x14x14xi8>) {
  ^bb0(%a: i32, %s: f32, %o: i8):
    %f = arith.sitofp %a : i32 to f32
    %p = arith.mulf %f, %s : f32
    %q = math.roundeven %p : f32
    %x = arith.maximumf %q, %lo : f32
    %y = arith.minimumf %x, %hi : f32
    %i = arith.fptosi %y : f32 to i32
    %t = arith.trunci %i : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x8x14x14xi8>
  return %r : tensor<?x8x14x14xi8>
}

// -----

/// [Family: element-wise] An addition whose second operand is broadcast
/// along dim 1: the dims cannot be collapsed, and the innermost dim of 7 is
/// one vector of 7 lanes, unmasked.

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#last = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @add_short_rows
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: vector.create_mask
// CHECK: %[[A:.*]] = vector.transfer_read {{.*}} : tensor<1x1x7xi32>, vector<7xi32>
// CHECK: %[[B:.*]] = vector.transfer_read {{.*}} : tensor<1x7xi32>, vector<7xi32>
// CHECK: arith.addi %[[A]], %[[B]] : vector<7xi32>
// CHECK-NOT: linalg.generic
func.func @add_short_rows(%a: tensor<2x5x7xi32>, %b: tensor<2x7xi32>) -> tensor<2x5x7xi32> {
  %e = tensor.empty() : tensor<2x5x7xi32>
  %r = linalg.generic {indexing_maps = [#id3, #last, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%a, %b : tensor<2x5x7xi32>, tensor<2x7xi32>) outs(%e : tensor<2x5x7xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %s = arith.addi %x, %y : i32
    linalg.yield %s : i32
  } -> tensor<2x5x7xi32>
  return %r : tensor<2x5x7xi32>
}

// -----

/// [Family: window] A depthwise conv (stride 1, 3x3 taps, 19 output
/// pixels) whose accumulator starts from the broadcast bias and whose only
/// consumer is its requantization: a tile of 16 pixels and one of 3, the
/// nine taps unrolled on one register accumulator, the requantization
/// applied to it, i8 stored; the i32 tensor is gone.

#in = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh + kh, ow + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (c, 0, kh, kw)>
#out = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @depthwise_requantize
// CHECK: scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[C:.*]] = %c0 to %c3 step %c1
// CHECK: scf.for %[[OH:.*]] = %c0 to %c4 step %c1
// CHECK: %[[B:.*]] = tensor.extract %{{.*}}[%[[C]]] : tensor<3xi32>
// CHECK: %[[ACC0:.*]] = vector.broadcast %[[B]] : i32 to vector<16xi32>
// CHECK: %[[X0:.*]] = vector.transfer_read %{{.*}}[%[[N]], %[[C]], %[[OH]], %c0]{{.*}} : tensor<?x3x6x21xi8>, vector<16xi8>
// CHECK: %[[W0:.*]] = tensor.extract %{{.*}}[%[[C]], %c0, %c0, %c0] : tensor<3x1x3x3xi8>
// CHECK: %[[XE:.*]] = arith.extui %[[X0]] : vector<16xi8> to vector<16xi32>
// CHECK: %[[WE:.*]] = arith.extsi %[[W0]] : i8 to i32
// CHECK: %[[WB:.*]] = vector.broadcast %[[WE]] : i32 to vector<16xi32>
// CHECK: %[[P:.*]] = arith.muli %[[XE]], %[[WB]] : vector<16xi32>
// CHECK: arith.addi %[[ACC0]], %[[P]] : vector<16xi32>
// CHECK-COUNT-8: arith.muli %{{.*}} : vector<16xi32>
// CHECK: math.roundeven %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write %{{.*}}[%[[N]], %[[C]], %[[OH]], %c0] {{.*}} : vector<16xi8>, tensor<?x3x4x19xi8>
// CHECK-COUNT-9: arith.muli %{{.*}} : vector<3xi32>
// CHECK: math.roundeven %{{.*}} : vector<3xf32>
// CHECK: vector.transfer_write %{{.*}}[%[[N]], %[[C]], %[[OH]], %c16] {{.*}} : vector<3xi8>, tensor<?x3x4x19xi8>
// CHECK-NOT: linalg.generic
// CHECK-NOT: xi32>, vector<16xi32>
func.func @depthwise_requantize(%x: tensor<?x3x6x21xi8>, %w: tensor<3x1x3x3xi8>, %bias: tensor<3xi32>, %m: tensor<3xf32>) -> tensor<?x3x4x19xi8> {
  %c0 = arith.constant 0 : index
  %lo = arith.constant 0.0 : f32
  %hi = arith.constant 255.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x3x6x21xi8>
  %e = tensor.empty(%n) : tensor<?x3x4x19xi32>
  %init = linalg.generic {indexing_maps = [#chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : tensor<3xi32>) outs(%e : tensor<?x3x4x19xi32>) {
  ^bb0(%b: i32, %o: i32):
    linalg.yield %b : i32
  } -> tensor<?x3x4x19xi32>
  %conv = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<?x3x6x21xi8>, tensor<3x1x3x3xi8>) outs(%init : tensor<?x3x4x19xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extui %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<?x3x4x19xi32>
  %e8 = tensor.empty(%n) : tensor<?x3x4x19xi8>
  %r = linalg.generic {indexing_maps = [#id, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %m : tensor<?x3x4x19xi32>, tensor<3xf32>) outs(%e8 : tensor<?x3x4x19xi8>) {
  ^bb0(%a: i32, %s: f32, %o: i8):
    %f = arith.sitofp %a : i32 to f32
    %p = arith.mulf %f, %s : f32
    %q = math.roundeven %p : f32
    %u = arith.maximumf %q, %lo : f32
    %v = arith.minimumf %u, %hi : f32
    %i = arith.fptoui %v : f32 to i32
    %t = arith.trunci %i : i32 to i8
    linalg.yield %t : i8
  } -> tensor<?x3x4x19xi8>
  return %r : tensor<?x3x4x19xi8>
}

// -----

/// [Family: window] Stride 2 and dilation 2 along the width: each tap reads
/// the covering segment (2 * 9 + 1 = 19 bytes for 10 pixels) and keeps every
/// second byte; the accumulator comes from the operand (no broadcast to
/// look through) and the result, returned, stays i32.

#in = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw * 2)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (c, 0, kh, kw)>
#out = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
// CHECK-LABEL: func.func @depthwise_strided
// CHECK: %[[ACC:.*]] = vector.transfer_read %arg2{{.*}} : tensor<1x2x3x10xi32>, vector<10xi32>
// CHECK: %[[SEG:.*]] = vector.transfer_read %arg0{{.*}} : tensor<1x2x7x23xi8>, vector<19xi8>
// CHECK: vector.shuffle %[[SEG]], %[[SEG]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18] : vector<19xi8>, vector<19xi8>
// CHECK-COUNT-8: vector.shuffle
// CHECK: vector.transfer_write %{{.*}} : vector<10xi32>, tensor<1x2x3x10xi32>
// CHECK-NOT: linalg.generic
func.func @depthwise_strided(%x: tensor<1x2x7x23xi8>, %w: tensor<2x1x3x3xi8>, %init: tensor<1x2x3x10xi32>) -> tensor<1x2x3x10xi32> {
  %conv = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<1x2x7x23xi8>, tensor<2x1x3x3xi8>) outs(%init : tensor<1x2x3x10xi32>) {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extsi %b : i8 to i32
    %p = arith.muli %ae, %be : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<1x2x3x10xi32>
  return %conv : tensor<1x2x3x10xi32>
}

// -----

/// [Family: window] A max pool (the window operand only gives the shape):
/// the accumulator starts from the fill value (3), every tap is a vector
/// max.

#in = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#k = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#out = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[LOW:.*]] = arith.constant dense<3> : vector<5xi8>
// CHECK-NOT: tensor.extract
// CHECK: vector.shuffle
// CHECK: arith.maxui {{.*}}%[[LOW]]{{.*}} : vector<5xi8>
// CHECK-COUNT-8: arith.maxui %{{.*}} : vector<5xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<5xi8>, tensor<?x4x5x5xi8>
// CHECK-NOT: linalg
func.func @max_pool(%x: tensor<?x4x11x11xi8>) -> tensor<?x4x5x5xi8> {
  %c0 = arith.constant 0 : index
  %low = arith.constant 3 : i8
  %n = tensor.dim %x, %c0 : tensor<?x4x11x11xi8>
  %e = tensor.empty(%n) : tensor<?x4x5x5xi8>
  %init = linalg.fill ins(%low : i8) outs(%e : tensor<?x4x5x5xi8>) -> tensor<?x4x5x5xi8>
  %win = tensor.empty() : tensor<3x3xi8>
  %m = linalg.generic {indexing_maps = [#in, #k, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %win : tensor<?x4x11x11xi8>, tensor<3x3xi8>) outs(%init : tensor<?x4x5x5xi8>) {
  ^bb0(%a: i8, %b: i8, %o: i8):
    %r = arith.maxui %o, %a : i8
    linalg.yield %r : i8
  } -> tensor<?x4x5x5xi8>
  return %m : tensor<?x4x5x5xi8>
}

// -----

/// [Negative] A reduction that is not a window (a global sum) and a gather
/// (tensor.extract with linalg.index) stay linalg.generic.

#in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#red = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @negative_reduction_and_gather
// CHECK: linalg.generic
// CHECK-SAME: "reduction"
// CHECK: linalg.generic
// CHECK: linalg.index
// CHECK: tensor.extract
// CHECK-NOT: vector.
func.func @negative_reduction_and_gather(%x: tensor<2x4x7x7xf32>, %t: tensor<64xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = linalg.generic {indexing_maps = [#in, #red], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<2x4x7x7xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %g = linalg.generic {indexing_maps = [#id2], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<2x4xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 1 : index
    %v = tensor.extract %t[%i] : tensor<64xf32>
    linalg.yield %v : f32
  } -> tensor<2x4xf32>
  return %s, %g : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

/// [Family: element-wise] A layer norm's normalization: the row statistics
/// (`?x17x1`) and a position embedding (`1x17x64`) broadcast their unit
/// dims through a constant 0 in their maps. They are read as rank-reduced
/// slices through projected permutations, and the op is vectorized.

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#row = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#pos = affine_map<(d0, d1, d2) -> (0, d1, d2)>
// CHECK-LABEL: func.func @unit_broadcast
// CHECK-DAG: tensor.extract_slice %{{.*}}[0, 0, 0] [%{{.*}}, 17, 1] [1, 1, 1] : tensor<?x17x1xf32> to tensor<?x17xf32>
// CHECK-DAG: tensor.extract_slice %{{.*}}[0, 0, 0] [1, 17, 64] [1, 1, 1] : tensor<1x17x64xf32> to tensor<17x64xf32>
// CHECK: scf.for
// CHECK: arith.subf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @unit_broadcast(%x: tensor<?x17x64xf32>, %mean: tensor<?x17x1xf32>, %pos: tensor<1x17x64xf32>) -> tensor<?x17x64xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x17x64xf32>
  %e = tensor.empty(%n) : tensor<?x17x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #pos, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %mean, %pos : tensor<?x17x64xf32>, tensor<?x17x1xf32>, tensor<1x17x64xf32>) outs(%e : tensor<?x17x64xf32>) {
  ^bb0(%a: f32, %m: f32, %p: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %s = arith.addf %d, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x17x64xf32>
  return %r : tensor<?x17x64xf32>
}

// -----

/// [Family: inner-parallel reduction] The attention's scores, a matmul of
/// two activations with its output column j innermost: per (b, h, i), one
/// accumulator of 17 lanes, the k loop adding the broadcast element of x
/// times a row of y, as the scalar loops do per output element.

#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#y = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func.func @scores
// CHECK: scf.for %[[B:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[H:.*]] = %c0 to %c4 step %c1
// CHECK: scf.for %[[I:.*]] = %c0 to %c17 step %c1
// CHECK: %[[ACC0:.*]] = vector.transfer_read %{{.*}}[%[[B]], %[[H]], %[[I]], %c0], %{{.*}} {in_bounds = [true]} : tensor<?x4x17x17xi32>, vector<17xi32>
// CHECK: scf.for %[[K:.*]] = %c0 to %c16 step %c1 iter_args(%[[ACC:.*]] = %[[ACC0]]) -> (vector<17xi32>)
// CHECK: %[[X:.*]] = tensor.extract %{{.*}}[%[[B]], %[[H]], %[[I]], %[[K]]] : tensor<?x4x17x16xi8>
// CHECK: %[[Y:.*]] = vector.transfer_read %{{.*}}[%[[B]], %[[H]], %[[K]], %c0], %{{.*}} {in_bounds = [true]} : tensor<?x4x16x17xi32>, vector<17xi32>
// CHECK: %[[XW:.*]] = arith.extui %[[X]] : i8 to i32
// CHECK: %[[XS:.*]] = arith.subi %[[XW]], %{{.*}} : i32
// CHECK: %[[XV:.*]] = vector.broadcast %[[XS]] : i32 to vector<17xi32>
// CHECK: %[[P:.*]] = arith.muli %[[XV]], %[[Y]] : vector<17xi32>
// CHECK: %[[S:.*]] = arith.addi %[[ACC]], %[[P]] : vector<17xi32>
// CHECK: scf.yield %[[S]] : vector<17xi32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%[[B]], %[[H]], %[[I]], %c0] {in_bounds = [true]} : vector<17xi32>, tensor<?x4x17x17xi32>
// CHECK-NOT: linalg.generic
// CHECK: return
// L8-LABEL: func.func @scores
// L8: vector<17xi32>
// L8-LABEL: func.func @row_sum
func.func @scores(%x: tensor<?x4x17x16xi8>, %y: tensor<?x4x16x17xi32>, %init: tensor<?x4x17x17xi32>) -> tensor<?x4x17x17xi32> {
  %zp = arith.constant 130 : i32
  %r = linalg.generic {indexing_maps = [#x, #y, #o], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %y : tensor<?x4x17x16xi8>, tensor<?x4x16x17xi32>) outs(%init : tensor<?x4x17x17xi32>) {
  ^bb0(%a: i8, %b: i32, %acc: i32):
    %w = arith.extui %a : i8 to i32
    %s = arith.subi %w, %zp : i32
    %m = arith.muli %s, %b : i32
    %t = arith.addi %acc, %m : i32
    linalg.yield %t : i32
  } -> tensor<?x4x17x17xi32>
  return %r : tensor<?x4x17x17xi32>
}

// -----

/// [Family: inner-parallel reduction] A mean over tokens whose output is a
/// linalg.fill of 0.0: the accumulator starts from the fill value (no read
/// of the filled tensor, the fill is gone), and float adds keep the scalar
/// order (t ascending) in every lane.

#in = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @token_sum
// CHECK-NOT: linalg.fill
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<64xf32>
// CHECK: scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 iter_args(%[[DEST:.*]] = %{{.*}}) -> (tensor<?x64xf32>)
// CHECK: scf.for %[[T:.*]] = %c0 to %c16 step %c1 iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<64xf32>)
// CHECK: %[[X:.*]] = vector.transfer_read %{{.*}}[%[[N]], %[[T]], %c0], %{{.*}} {in_bounds = [true]} : tensor<?x16x64xf32>, vector<64xf32>
// CHECK: arith.addf %[[X]], %[[ACC]] : vector<64xf32>
// CHECK: vector.transfer_write %{{.*}}, %[[DEST]][%[[N]], %c0] {in_bounds = [true]} : vector<64xf32>, tensor<?x64xf32>
// CHECK: return
func.func @token_sum(%x: tensor<?x16x64xf32>) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x16x64xf32>
  %e = tensor.empty(%n) : tensor<?x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x64xf32>) -> tensor<?x64xf32>
  %r = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : tensor<?x16x64xf32>) outs(%f : tensor<?x64xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// -----

/// Left alone: a reduction along the innermost loop (a row sum: its
/// adds would have to be reassociated or the rows gathered).

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_sum
// CHECK: linalg.generic
// CHECK-NOT: vector
// CHECK: return
func.func @row_sum(%x: tensor<?x64xf32>, %init: tensor<?xf32>) -> tensor<?xf32> {
  %r = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<?x64xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
