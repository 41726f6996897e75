// Bad options are rejected with a message naming the option.
// RUN: not quant-opt %s -qnt-insert-quantizers=weight-bits=1 2>&1 | FileCheck %s --check-prefix=WBITS
// RUN: not quant-opt %s -qnt-insert-quantizers=act-bits=17 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not quant-opt %s -qnt-insert-quantizers=input-range=1,0 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not quant-opt %s -qnt-set-ranges=weight-range=foo 2>&1 | FileCheck %s --check-prefix=WRANGE
// RUN: not quant-opt %s -qnt-set-ranges=act-range=foo 2>&1 | FileCheck %s --check-prefix=ARANGE
// RUN: not quant-opt %s -qnt-set-ranges="act-range=percentile percentile=20" 2>&1 | FileCheck %s --check-prefix=PCT
// WBITS: error: qnt-insert-quantizers: weight-bits = 1 is not in [2, 16]
// ABITS: error: qnt-insert-quantizers: act-bits = 17 is not in [2, 16]
// RANGE: error: qnt-insert-quantizers: input-range must be two finite numbers lo,hi with lo <= hi
// WRANGE: error: qnt-set-ranges: weight-range must be minmax or mse, got 'foo'
// ARANGE: error: qnt-set-ranges: act-range must be minmax, mse, percentile or entropy, got 'foo'
// PCT: error: qnt-set-ranges: percentile must be in [50, 100], got 2.000000e+01
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}
