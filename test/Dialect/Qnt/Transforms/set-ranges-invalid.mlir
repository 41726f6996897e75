// RUN: quant-opt %s -split-input-file -qnt-set-ranges -verify-diagnostics

func.func @no_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{no statistics or range for the quantizer of block argument #0; run qnt-calibrate or qnt-propagate-ranges (an input has a range only if stated: qnt-insert-quantizers{input-range=lo,hi} or a qnt.assume_range)}}
  %q = qnt.fake_quant %x bits = 8 : tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

func.func @no_range_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = qnt.sigmoid %x : tensor<4xf32> -> tensor<4xf32>
  // expected-error @+1 {{no statistics or range for the quantizer of result #0 of 'qnt.sigmoid'}}
  %q = qnt.fake_quant %s bits = 8 : tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

// MSE (the default) needs a histogram.
func.func @no_histogram(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = qnt.stats %x min = 0.0 max = 1.0 count = 4 : tensor<4xf32>
  // expected-error @+1 {{the statistics of result #0 of 'qnt.stats' have no histogram, which act-range=mse needs (act-range=minmax needs only min and max)}}
  %q = qnt.fake_quant %s bits = 8 : tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

func.func @group_mismatch(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<8xf32> {
  %a = qnt.fake_quant %x bits = 8 {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.0, 1.0>} : tensor<4xf32>
  // expected-error @+1 {{the quantizers of grid group 0 must share one grid but have different bits, signedness, symmetry, narrow range or axis}}
  %b = qnt.fake_quant %y bits = 4 {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.0, 1.0>} : tensor<4xf32>
  %r = qnt.concat %a, %b axis = 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A symmetric unsigned grid cannot hold negative data.
func.func @negative_unsigned(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{range setting failed for the quantizer of block argument #0, range [-1.000000e+00, 1.000000e+00]: no valid grid}}
  %q = qnt.fake_quant %x bits = 8 symmetric {qnt.range = array<f64: -1.0, 1.0>} : tensor<4xf32>
  return %q : tensor<4xf32>
}

// -----

func.func @per_axis_activation(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{per-axis activation quantizer of block argument #0: range setting supports per-tensor activations only}}
  %q = qnt.fake_quant %x bits = 8 axis = 0 {qnt.range = array<f64: -1.0, 1.0>} : tensor<2x4xf32>
  return %q : tensor<2x4xf32>
}
