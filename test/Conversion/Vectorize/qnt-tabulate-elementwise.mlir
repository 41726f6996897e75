// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-tabulate-elementwise))" | FileCheck %s
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-tabulate-elementwise{min-elements=100000}))" | FileCheck %s --check-prefix=BIG
// RUN: not quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-tabulate-elementwise{min-elements=-1}))" 2>&1 | FileCheck %s --check-prefix=INVALID

// INVALID: qnt-tabulate-elementwise: min-elements must be at least 0, got -1

/// A quantized GELU (u8 -> u8 through erf): its body runs once per bit
/// pattern in a table of 256 entries, and the op reads the table. With
/// min-elements=100000, its 8704 elements are too few.

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gelu
// CHECK: %[[KEYS:.*]] = arith.constant dense<"0x000102030405{{[0-9A-F]*}}7D7E7F808182{{[0-9A-F]*}}FDFEFF"> : tensor<256xi8>
// CHECK: %[[T:.*]] = tensor.empty() : tensor<256xi8>
// CHECK: %[[TABLE:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[KEYS]] : tensor<256xi8>) outs(%[[T]] : tensor<256xi8>)
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: math.erf
// CHECK: linalg.yield %{{.*}} : i8
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<4x17x128xi8>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[W:.*]] = arith.extui %[[IN]] : i8 to i32
// CHECK-NEXT: %[[I:.*]] = arith.index_castui %[[W]] : i32 to index
// CHECK-NEXT: %[[V:.*]] = tensor.extract %[[TABLE]][%[[I]]] : tensor<256xi8>
// CHECK-NEXT: linalg.yield %[[V]] : i8
// CHECK-NOT: math.erf
// CHECK: return
// BIG-LABEL: func.func @gelu
// BIG-NOT: tensor<256xi8>
// BIG: math.erf
// BIG-NOT: tensor.extract
// BIG: return
func.func @gelu(%x: tensor<4x17x128xi8>) -> tensor<4x17x128xi8> {
  %zp = arith.constant 148 : i32
  %s = arith.constant 0.027 : f32
  %r2 = arith.constant 1.41421354 : f32
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %so = arith.constant 0.0129 : f32
  %lo = arith.constant 0.0 : f32
  %hi = arith.constant 255.0 : f32
  %e = tensor.empty() : tensor<4x17x128xi8>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<4x17x128xi8>) outs(%e : tensor<4x17x128xi8>) {
  ^bb0(%in: i8, %out: i8):
    %w = arith.extui %in : i8 to i32
    %c = arith.subi %w, %zp : i32
    %f = arith.sitofp %c : i32 to f32
    %v = arith.mulf %f, %s : f32
    %d = arith.divf %v, %r2 : f32
    %erf = math.erf %d : f32
    %p = arith.addf %erf, %one : f32
    %m = arith.mulf %v, %p : f32
    %h = arith.mulf %m, %half : f32
    %q = arith.divf %h, %so : f32
    %rq = math.roundeven %q : f32
    %cl = arith.maximumf %rq, %lo : f32
    %ch = arith.minimumf %cl, %hi : f32
    %i = arith.fptoui %ch : f32 to i8
    linalg.yield %i : i8
  } -> tensor<4x17x128xi8>
  return %g : tensor<4x17x128xi8>
}

// -----

/// Left alone: a body without an expensive math op (a requantization of
/// stored integers: vector code is faster than a look-up per element), an
/// op of 64 elements (fewer than min-elements), an op of two inputs, and
/// an op whose body reads its output.

#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @not_tabulated
// CHECK-NOT: tensor<256xi8>
// CHECK-NOT: tensor.extract
// CHECK: return
func.func @not_tabulated(%x: tensor<32x32xi8>, %y: tensor<32x32xi8>, %small: tensor<8x8xi8>) -> (tensor<32x32xi8>, tensor<8x8xf32>, tensor<32x32xf32>, tensor<32x32xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<32x32xi8>
  %cheap = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x32xi8>) outs(%e : tensor<32x32xi8>) {
  ^bb0(%in: i8, %out: i8):
    %f = arith.uitofp %in : i8 to f32
    %m = arith.mulf %f, %s : f32
    %r = math.roundeven %m : f32
    %i = arith.fptoui %r : f32 to i8
    linalg.yield %i : i8
  } -> tensor<32x32xi8>
  %es = tensor.empty() : tensor<8x8xf32>
  %few = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%small : tensor<8x8xi8>) outs(%es : tensor<8x8xf32>) {
  ^bb0(%in: i8, %out: f32):
    %f = arith.uitofp %in : i8 to f32
    %x2 = math.exp %f : f32
    linalg.yield %x2 : f32
  } -> tensor<8x8xf32>
  %ef = tensor.empty() : tensor<32x32xf32>
  %two = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<32x32xi8>, tensor<32x32xi8>) outs(%ef : tensor<32x32xf32>) {
  ^bb0(%a: i8, %b: i8, %out: f32):
    %fa = arith.uitofp %a : i8 to f32
    %fb = arith.uitofp %b : i8 to f32
    %d = arith.subf %fa, %fb : f32
    %x2 = math.exp %d : f32
    linalg.yield %x2 : f32
  } -> tensor<32x32xf32>
  %init = arith.constant dense<1.0> : tensor<32x32xf32>
  %reads = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x32xi8>) outs(%init : tensor<32x32xf32>) {
  ^bb0(%in: i8, %out: f32):
    %f = arith.uitofp %in : i8 to f32
    %x2 = math.exp %f : f32
    %a = arith.addf %x2, %out : f32
    linalg.yield %a : f32
  } -> tensor<32x32xf32>
  return %cheap, %few, %two, %reads : tensor<32x32xi8>, tensor<8x8xf32>, tensor<32x32xf32>, tensor<32x32xf32>
}
