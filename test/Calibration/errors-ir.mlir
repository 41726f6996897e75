// Calibration errors located in the IR.
// RUN: rm -rf %t.d && mkdir -p %t.d && %python %S/Inputs/make_bad.py %t.d
// RUN: quant-opt %s -split-input-file -verify-diagnostics --qnt-calibrate="calibration-data=%t.d/zeros.npy"

// A non-finite activation names the tensor and the first bad sample (0/0).
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %d = qnt.div %x, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  // expected-error@+1 {{qnt-calibrate: the result of 'qnt.div' at}}
  %dq = qnt.fake_quant %d bits = 8 : tensor<?x4xf32>
  return %dq : tensor<?x4xf32>
}

// -----

// Quantizers inside nested regions are not supported.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = scf.execute_region -> tensor<?x4xf32> {
    // expected-error@+1 {{qnt-calibrate does not support quantizers inside nested regions (this one is inside 'scf.execute_region')}}
    %q = qnt.fake_quant %x bits = 8 : tensor<?x4xf32>
    scf.yield %q : tensor<?x4xf32>
  }
  return %r : tensor<?x4xf32>
}

// -----

// Only the entry function is calibrated.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
func.func private @helper(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error@+1 {{qnt-calibrate only calibrates quantizers of the entry function @main, not of @helper}}
  %q = qnt.fake_quant %x bits = 8 : tensor<?x4xf32>
  return %q : tensor<?x4xf32>
}

// -----

// The data is the single input.
// expected-error@+1 {{qnt-calibrate: @main takes 2 inputs; calibration-data gives exactly one}}
module {
  func.func @main(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %a = qnt.add %x, %y : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
    %q = qnt.fake_quant %a bits = 8 : tensor<?x4xf32>
    return %q : tensor<?x4xf32>
  }
}

// -----

// Nothing to calibrate: weight quantizers, calibrated quantizers and
// quantizers already fed by qnt.stats are skipped; a warning, no failure.
// expected-warning@+1 {{qnt-calibrate: no uncalibrated activation quantizer to calibrate}}
module {
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %w = arith.constant dense<1.0> : tensor<4x4xf32>
    %wq = qnt.fake_quant %w bits = 8 signed symmetric : tensor<4x4xf32>
    %y = qnt.matmul %x, %wq : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
    %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<?x4xf32>
    %s = qnt.stats %yq min = 0.0 max = 1.0 count = 4 : tensor<?x4xf32>
    %sq = qnt.fake_quant %s bits = 8 : tensor<?x4xf32>
    return %sq : tensor<?x4xf32>
  }
}

// -----

// With a static batch dim, the zero-padded last batch (5 samples in batches
// of 2) needs the batch dim on every observed tensor to drop the padding.
func.func @main(%x: tensor<2x4xf32>) -> tensor<8xf32> {
  %r = qnt.reshape %x : tensor<2x4xf32> -> tensor<8xf32>
  // expected-error@+1 {{qnt-calibrate: the last batch is zero-padded to the static batch size 2, but the result of 'qnt.reshape' at}}
  %q = qnt.fake_quant %r bits = 8 : tensor<8xf32>
  return %q : tensor<8xf32>
}
