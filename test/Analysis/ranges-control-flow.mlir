// RUN: quant-opt %s --allow-unregistered-dialect --test-print-ranges | FileCheck %s

// The analysis runs on MLIR's sparse data-flow framework, so it follows
// region control flow and calls like any sparse analysis.

// Both branches of an scf.if may run: the join of [0, 1] and [2, 3].
// CHECK-LABEL: func.func @if
// CHECK: range = "[0, 3]"
func.func @if(%cond: i1, %x: tensor<4xf32>) {
  %r = scf.if %cond -> tensor<4xf32> {
    %a = qnt.clamp %x min = 0.0 max = 1.0 : tensor<4xf32> -> tensor<4xf32>
    scf.yield %a : tensor<4xf32>
  } else {
    %b = qnt.clamp %x min = 2.0 max = 3.0 : tensor<4xf32> -> tensor<4xf32>
    scf.yield %b : tensor<4xf32>
  }
  "test.probe"(%r) : (tensor<4xf32>) -> ()
  return
}

// A loop-carried sum grows on every iteration: the lattice widens to
// unknown, and the analysis terminates. A clamp inside bounds it again.
// CHECK-LABEL: func.func @loop
// CHECK: range = "unknown"
// CHECK: range = "[0, 6]"
func.func @loop(%x: tensor<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %init = arith.constant dense<0.0> : tensor<4xf32>
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %init) -> tensor<4xf32> {
    %n = qnt.add %acc, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %n : tensor<4xf32>
  }
  %clamped = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %init) -> tensor<4xf32> {
    %n = qnt.add %acc, %one : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %k = qnt.clamp %n min = 0.0 max = 6.0 : tensor<4xf32> -> tensor<4xf32>
    scf.yield %k : tensor<4xf32>
  }
  "test.probe"(%sum) : (tensor<4xf32>) -> ()
  "test.probe"(%clamped) : (tensor<4xf32>) -> ()
  return
}

// A private function with known callers gets its arguments from them:
// relu of [-1, 2] is [0, 2]. A public one may be called from anywhere: its
// argument stays unknown.
// CHECK-LABEL: func.func @call
// CHECK: range = "[0, 2]"
// CHECK: range = "[0, +inf]"
func.func private @callee(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = qnt.relu %a : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @public_callee(%a: tensor<4xf32>) -> tensor<4xf32> {
  %r = qnt.relu %a : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}
func.func @call(%x: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 2.0 : tensor<4xf32>
  %y = func.call @callee(%x1) : (tensor<4xf32>) -> tensor<4xf32>
  %z = func.call @public_callee(%x1) : (tensor<4xf32>) -> tensor<4xf32>
  "test.probe"(%y) : (tensor<4xf32>) -> ()
  "test.probe"(%z) : (tensor<4xf32>) -> ()
  return
}
