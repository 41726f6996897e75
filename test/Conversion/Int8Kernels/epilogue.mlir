// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx512-vnni | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx2 | FileCheck %s

// The fused epilogue of a float requantization, clamp to integral bounds
// then fptosi: the kernels clamp the unrounded product and round it with
// llvm.intr.lrint (vcvtps2dq: round to nearest even), the same integer as
// fptosi(clamp(roundeven(p))) since the clamp commutes with the rounding.

#x = affine_map<(d0, d1, d2) -> (d0, d1)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#o = affine_map<(d0, d1, d2) -> (d0, d2)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @integral_bounds
// CHECK-NOT: math.roundeven
// CHECK: %[[P:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<{{(16|8)}}xf32>
// CHECK: %[[LO:.*]] = arith.maximumf %[[P]], %{{.*}} : vector<{{(16|8)}}xf32>
// CHECK: %[[HI:.*]] = arith.minimumf %[[LO]], %{{.*}} : vector<{{(16|8)}}xf32>
// CHECK-NEXT: %[[R:.*]] = llvm.intr.lrint(%[[HI]]) : (vector<{{(16|8)}}xf32>) -> vector<{{(16|8)}}xi32>
// CHECK-NEXT: arith.trunci %[[R]]
// CHECK-NOT: math.roundeven
// CHECK: return
func.func @integral_bounds(%x: tensor<?x8xi8>) -> tensor<?x10xi8> {
  %w = arith.constant dense<3> : tensor<8x10xi8>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<?x10xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<?x10xi32>) -> tensor<?x10xi32>
  %acc = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x8xi8>, tensor<8x10xi8>) outs(%init : tensor<?x10xi32>) {
    ^bb0(%a: i8, %b: i8, %c: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %c, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x10xi32>
  %m = arith.constant 0.5 : f32
  %lo = arith.constant -128.0 : f32
  %hi = arith.constant 127.0 : f32
  %eo = tensor.empty(%n) : tensor<?x10xi8>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc : tensor<?x10xi32>) outs(%eo : tensor<?x10xi8>) {
    ^bb0(%a: i32, %o: i8):
      %0 = arith.sitofp %a : i32 to f32
      %1 = arith.mulf %0, %m : f32
      %2 = math.roundeven %1 : f32
      %3 = arith.maximumf %2, %lo : f32
      %4 = arith.minimumf %3, %hi : f32
      %5 = arith.fptosi %4 : f32 to i32
      %6 = arith.trunci %5 : i32 to i8
      linalg.yield %6 : i8
  } -> tensor<?x10xi8>
  return %y : tensor<?x10xi8>
}

// -----

// A bound that is not an integer (0.5): the clamp does not commute with
// the rounding, the ops are kept as they are.

#x = affine_map<(d0, d1, d2) -> (d0, d1)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#o = affine_map<(d0, d1, d2) -> (d0, d2)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @fractional_bound
// CHECK-NOT: llvm.intr.lrint
// CHECK: math.roundeven %{{.*}} : vector<{{(16|8)}}xf32>
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.fptosi
// CHECK-NOT: llvm.intr.lrint
// CHECK: return
func.func @fractional_bound(%x: tensor<?x8xi8>) -> tensor<?x10xi8> {
  %w = arith.constant dense<3> : tensor<8x10xi8>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xi8>
  %zero = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<?x10xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<?x10xi32>) -> tensor<?x10xi32>
  %acc = linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x8xi8>, tensor<8x10xi8>) outs(%init : tensor<?x10xi32>) {
    ^bb0(%a: i8, %b: i8, %c: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %c, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x10xi32>
  %m = arith.constant 0.5 : f32
  %lo = arith.constant 0.5 : f32
  %hi = arith.constant 127.0 : f32
  %eo = tensor.empty(%n) : tensor<?x10xi8>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc : tensor<?x10xi32>) outs(%eo : tensor<?x10xi8>) {
    ^bb0(%a: i32, %o: i8):
      %0 = arith.sitofp %a : i32 to f32
      %1 = arith.mulf %0, %m : f32
      %2 = math.roundeven %1 : f32
      %3 = arith.maximumf %2, %lo : f32
      %4 = arith.minimumf %3, %hi : f32
      %5 = arith.fptosi %4 : f32 to i32
      %6 = arith.trunci %5 : i32 to i8
      linalg.yield %6 : i8
  } -> tensor<?x10xi8>
  return %y : tensor<?x10xi8>
}
