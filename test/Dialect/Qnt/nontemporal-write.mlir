// RUN: quant-opt %s --split-input-file --verify-diagnostics | FileCheck %s
// RUN: quant-opt %s --split-input-file --verify-diagnostics --one-shot-bufferize="bufferize-function-boundaries=1 function-boundary-type-conversion=identity-layout-map" | FileCheck %s --check-prefix=BUF

// qnt.nontemporal_write: the value is an in-bounds vector.transfer_write;
// bufferization writes in place with a non-temporal vector.store of the
// given alignment.

// CHECK-LABEL: func.func @round_trip
// CHECK: %[[R:.*]] = qnt.nontemporal_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {alignment = 64 : i64} : vector<16xi32>, tensor<8x32xi32>
// CHECK: return %[[R]]
// BUF-LABEL: func.func @round_trip
// BUF-SAME: (%[[V:.*]]: vector<16xi32>, %[[T:.*]]: memref<8x32xi32>, %[[I:.*]]: index, %[[J:.*]]: index)
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: vector.store %[[V]], %[[T]][%[[I]], %[[J]]] {alignment = 64 : i64, nontemporal = true} : memref<8x32xi32>, vector<16xi32>
// BUF: return %[[T]]
func.func @round_trip(%v: vector<16xi32>, %t: tensor<8x32xi32>, %i: index, %j: index) -> tensor<8x32xi32> {
  %r = qnt.nontemporal_write %v, %t[%i, %j] {alignment = 64} : vector<16xi32>, tensor<8x32xi32>
  return %r : tensor<8x32xi32>
}

// -----

// A fresh tensor is allocated (64-byte aligned by default), then written.
// BUF-LABEL: func.func @fresh
// BUF: %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x16xf32>
// BUF: vector.store %{{.*}}, %[[A]][%{{.*}}, %{{.*}}] {alignment = 64 : i64, nontemporal = true} : memref<4x16xf32>, vector<16xf32>
func.func @fresh(%v: vector<16xf32>, %i: index) -> tensor<4x16xf32> {
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<4x16xf32>
  %r = qnt.nontemporal_write %v, %e[%i, %c0] {alignment = 64} : vector<16xf32>, tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

func.func @nontemporal_write_c1(%v: vector<16xi8>, %t: tensor<8x32xi32>, %i: index) -> tensor<8x32xi32> {
  // expected-error @+1 {{'qnt.nontemporal_write' op the vector 'vector<16xi8>' must be a fixed 1-D vector of the element type of 'tensor<8x32xi32>' (nontemporal_write_c1)}}
  %r = qnt.nontemporal_write %v, %t[%i, %i] {alignment = 64} : vector<16xi8>, tensor<8x32xi32>
  return %r : tensor<8x32xi32>
}

// -----

func.func @nontemporal_write_c2(%v: vector<16xi32>, %t: tensor<8x32xi32>, %i: index) -> tensor<8x32xi32> {
  // expected-error @+1 {{'qnt.nontemporal_write' op takes one index per dim of 'tensor<8x32xi32>', got 1 (nontemporal_write_c2)}}
  %r = qnt.nontemporal_write %v, %t[%i] {alignment = 64} : vector<16xi32>, tensor<8x32xi32>
  return %r : tensor<8x32xi32>
}

// -----

func.func @nontemporal_write_c3(%v: vector<16xi32>, %t: tensor<8x32xi32>, %i: index) -> tensor<8x32xi32> {
  // expected-error @+1 {{'qnt.nontemporal_write' op alignment 48 must be a positive power of two (nontemporal_write_c3)}}
  %r = qnt.nontemporal_write %v, %t[%i, %i] {alignment = 48} : vector<16xi32>, tensor<8x32xi32>
  return %r : tensor<8x32xi32>
}

// -----

func.func @alignment_positive(%v: vector<16xi32>, %t: tensor<8x32xi32>, %i: index) -> tensor<8x32xi32> {
  // expected-error @+1 {{'qnt.nontemporal_write' op attribute 'alignment' failed to satisfy constraint}}
  %r = qnt.nontemporal_write %v, %t[%i, %i] {alignment = 0} : vector<16xi32>, tensor<8x32xi32>
  return %r : tensor<8x32xi32>
}
