// MSE, percentile and entropy range setting on a histogram with an outlier:
// 300000 values spread over [0, 3) and one in the last bin [9, 10]. Min-max
// covers [0, 10]; MSE clips. The MSE grid is checked against numpy:
// it must clip (top < 10), have a smaller expected squared error than the
// min-max grid, and be within 1% of a brute-force search over f * [0, 10]
// (Inputs/check_histogram_grid.py).
// RUN: quant-opt %s -qnt-set-ranges | %python %S/Inputs/check_histogram_grid.py --min 0 --max 10 --counts 100000,100000,100000,0,0,0,0,0,0,1 | FileCheck %s --check-prefix=MSE
// MSE: OK

// Min-max: s = 10 / 255 = 0.0392156862... -> f32 0.03921568766236305.
// RUN: quant-opt %s -qnt-set-ranges=act-range=minmax | FileCheck %s --check-prefix=MINMAX
// MINMAX: scale = [3.92156{{[0-9]*}}e-02] zero_point = [0]

// Percentile 99.9: m = 0.001 * 300001 = 300.001 counts in each tail. The
// upper tail: 1 count in [9, 10], so 299.001 more come from the bin [2, 3)
// (100000 counts, uniform): hi = 3 - 299.001 / 100000 = 2.99700999. The
// lower tail gives lo = 0.00300001, widened to 0. s = 2.99700999 / 255 =
// 0.0117529803... -> f32 0.011752980761229992 (numpy), printed 1.175298e-02.
// RUN: quant-opt %s -qnt-set-ranges="act-range=percentile percentile=99.9" | FileCheck %s --check-prefix=PCT
// PCT: scale = [1.17529{{[0-9]*}}e-02] zero_point = [0]

// Entropy: with more grid levels (256) than histogram bins (10), only the
// full range is a candidate (RangeSetting.h, entropyParams): min-max.
// RUN: quant-opt %s -qnt-set-ranges=act-range=entropy | FileCheck %s --check-prefix=ENTROPY
// ENTROPY: scale = [3.92156{{[0-9]*}}e-02] zero_point = [0]
func.func @outlier(%x: tensor<300001xf32>) -> tensor<300001xf32> {
  %s = qnt.stats %x min = 0.0 max = 10.0 count = 300001 histogram = [100000, 100000, 100000, 0, 0, 0, 0, 0, 0, 1] : tensor<300001xf32>
  %q = qnt.fake_quant %s bits = 8 : tensor<300001xf32>
  return %q : tensor<300001xf32>
}
