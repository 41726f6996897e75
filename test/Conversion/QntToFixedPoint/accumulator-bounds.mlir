// RUN: quant-opt %s --split-input-file --verify-diagnostics --qnt-check-accumulator-bounds=remarks=true

// The worst-case accumulator of a quantized conv2d or matmul, from the
// stored ranges (bit widths, constant weights channel by channel, clamps),
// the reduction length and the bias (docs/Numerics.md section 10).

// u8 input from a ReLU on its grid (z = 10): |q - z| <= 245; constant
// weights, channel by channel: |w| sums to 4 and 3; bias 100 and -7:
// max(100 + 245 * 4, 7 + 245 * 3) = 1080.

!x = !quant.uniform<u8:f32, 0.5:10>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

func.func @constant_weights(%x0: tensor<?x2x!x>) -> tensor<?x2x!acc> {
  %x = qnt.relu %x0 : tensor<?x2x!x> -> tensor<?x2x!x>
  %wi = arith.constant dense<[[1, -2], [3, 1]]> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!w>
  %bi = arith.constant dense<[100, -7]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!acc>
  // expected-remark@+1 {{accumulator bound 1080 (K = 2, max |x - z_x| = 245, max |w - z_w| = 3, max |bias| = 100, constant weights); folded zero-point realisation}}
  %acc = qnt.matmul %x, %w, %b : (tensor<?x2x!x>, tensor<2x2x!w>, tensor<2x!acc>) -> tensor<?x2x!acc>
  return %acc : tensor<?x2x!acc>
}

// -----

// u16 input with z = 32768 and i8 weights of 127 over K = 300: the exact
// accumulator is at most 32768 * 127 * 300 = 1248460800 and fits, but the
// folded form's partial sums (65535 * 127 * 300 after starting from
// -32768 * 127 * 300) would not: the lowering subtracts z_x in the body.

!x = !quant.uniform<u16:f32, 0.001:32768>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.00025>

func.func @centered(%x: tensor<?x300x!x>) -> tensor<?x1x!acc> {
  %wi = arith.constant dense<127> : tensor<300x1xi8>
  %w = quant.scast %wi : tensor<300x1xi8> to tensor<300x1x!w>
  // expected-remark@+1 {{accumulator bound 1248460800 (K = 300, max |x - z_x| = 32768, max |w - z_w| = 127, max |bias| = 0, constant weights); centered realisation}}
  %acc = qnt.matmul %x, %w : (tensor<?x300x!x>, tensor<300x1x!w>) -> tensor<?x1x!acc>
  return %acc : tensor<?x1x!acc>
}

// -----

// K = 600 in the same layer: even the exact accumulator may reach
// 2496921600 > 2^31 - 1. Rejected.

!x = !quant.uniform<u16:f32, 0.001:32768>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.00025>

func.func @rejected(%x: tensor<?x600x!x>) -> tensor<?x1x!acc> {
  %wi = arith.constant dense<127> : tensor<600x1xi8>
  %w = quant.scast %wi : tensor<600x1xi8> to tensor<600x1x!w>
  // expected-error@+1 {{accumulator may overflow int32: worst case |acc| = 2496921600 > 2^31 - 1}}
  %acc = qnt.matmul %x, %w : (tensor<?x600x!x>, tensor<600x1x!w>) -> tensor<?x1x!acc>
  return %acc : tensor<?x1x!acc>
}

// -----

// Run-time weights: K * max |x - z_x| * max |w - z_w| from the storage
// ranges: 1152 * 128 * 255 = 37601280 for an i8 input (z = 0, down to
// -128) and u8 weights with z = 0.

!x = !quant.uniform<i8:f32, 0.5>
!w = !quant.uniform<u8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

func.func @runtime_weights(%x: tensor<1x128x6x6x!x>, %w: tensor<8x128x3x3x!w>) -> tensor<1x8x4x4x!acc> {
  // expected-remark@+1 {{accumulator bound 37601280 (K = 1152, max |x - z_x| = 128, max |w - z_w| = 255, max |bias| = 0); centered realisation}}
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<1x128x6x6x!x>, tensor<8x128x3x3x!w>) -> tensor<1x8x4x4x!acc>
  return %acc : tensor<1x8x4x4x!acc>
}
