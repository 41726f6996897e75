// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-fuse-elementwise))" | FileCheck %s
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(linalg-fuse-elementwise-ops))" | FileCheck %s --check-prefix=UPSTREAM

/// A requantization feeding a matmul's reduction through (b, i, k), a map
/// without the output column j: fusing it would run the division once per
/// multiply-accumulate. qnt-fuse-elementwise keeps the two ops; upstream
/// fuses them (the division moves into the reduction).

#p = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#lhs = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#rhs = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @into_matmul
// CHECK: %[[Q:.*]] = linalg.generic
// CHECK: arith.divf
// CHECK: linalg.yield %{{.*}} : i8
// CHECK: linalg.generic {{.*}} ins(%[[Q]], %{{.*}} : tensor<2x5x7xi8>, tensor<2x7x3xi32>)
// CHECK-NOT: arith.divf
// CHECK: return
// UPSTREAM-LABEL: func.func @into_matmul
// UPSTREAM: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x5x7xf32>, tensor<2x7x3xi32>)
// UPSTREAM: arith.divf
// UPSTREAM-NOT: linalg.generic
// UPSTREAM: return
func.func @into_matmul(%x: tensor<2x5x7xf32>, %v: tensor<2x7x3xi32>, %s: f32) -> tensor<2x5x3xi32> {
  %e = tensor.empty() : tensor<2x5x7xi8>
  %q = linalg.generic {indexing_maps = [#p, #p], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x5x7xf32>) outs(%e : tensor<2x5x7xi8>) {
  ^bb0(%a: f32, %o: i8):
    %d = arith.divf %a, %s : f32
    %r = math.roundeven %d : f32
    %i = arith.fptosi %r : f32 to i8
    linalg.yield %i : i8
  } -> tensor<2x5x7xi8>
  %c0 = arith.constant 0 : i32
  %ea = tensor.empty() : tensor<2x5x3xi32>
  %z = linalg.fill ins(%c0 : i32) outs(%ea : tensor<2x5x3xi32>) -> tensor<2x5x3xi32>
  %mm = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%q, %v : tensor<2x5x7xi8>, tensor<2x7x3xi32>) outs(%z : tensor<2x5x3xi32>) {
  ^bb0(%a: i8, %b: i32, %acc: i32):
    %w = arith.extui %a : i8 to i32
    %m = arith.muli %w, %b : i32
    %s2 = arith.addi %acc, %m : i32
    linalg.yield %s2 : i32
  } -> tensor<2x5x3xi32>
  return %mm : tensor<2x5x3xi32>
}

// -----

/// A dequantization feeding a row sum through the identity (every element
/// read once): fused, as upstream does.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @into_row_sum
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<4x64xi8>)
// CHECK: arith.sitofp
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @into_row_sum(%x: tensor<4x64xi8>, %s: f32) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4x64xf32>
  %d = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi8>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%a: i8, %o: f32):
    %f = arith.sitofp %a : i8 to f32
    %m = arith.mulf %f, %s : f32
    linalg.yield %m : f32
  } -> tensor<4x64xf32>
  %zero = arith.constant 0.0 : f32
  %er = tensor.empty() : tensor<4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%er : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%d : tensor<4x64xf32>) outs(%z : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.addf %a, %acc : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %sum : tensor<4xf32>
}

// -----

/// A broadcast (a plain copy) read by a matmul's reduction through
/// (d0, d2), a map without the output column d1: fused although the map is
/// not a permutation (recomputing a copy is a load).

#bcast = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#o = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @broadcast_copy
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<8xi32>, tensor<8x5xi32>)
// CHECK: arith.muli
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @broadcast_copy(%b: tensor<8xi32>, %x: tensor<8x5xi32>, %init: tensor<3x5xi32>) -> tensor<3x5xi32> {
  %e = tensor.empty() : tensor<3x8xi32>
  %bb = linalg.generic {indexing_maps = [#bcast, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<8xi32>) outs(%e : tensor<3x8xi32>) {
  ^bb0(%v: i32, %o: i32):
    linalg.yield %v : i32
  } -> tensor<3x8xi32>
  %mm = linalg.generic {indexing_maps = [#a, #b, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%bb, %x : tensor<3x8xi32>, tensor<8x5xi32>) outs(%init : tensor<3x5xi32>) {
  ^bb0(%p: i32, %q: i32, %acc: i32):
    %m = arith.muli %p, %q : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<3x5xi32>
  return %mm : tensor<3x5xi32>
}
