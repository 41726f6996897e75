//===- Passes.td - passes that materialise analyses --------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Passes that run an analysis of include/quant-opt/Analysis and write its
// conclusions into the IR as attributes, for later passes to read.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_ANALYSIS_PASSES_TD
#define QUANTOPT_ANALYSIS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QntPropagateRangesPass : Pass<"qnt-propagate-ranges"> {
  let summary = "Writes propagated ranges and grid groups onto quantizers";
  let description = [{
    Runs the range analysis (`include/quant-opt/Analysis/RangeAnalysis.h`)
    and records its conclusions on the quantizers that range setting has not
    calibrated yet, so that the pass that turns ranges into scales reads
    them from the IR.

    The analysis gives every float tensor an interval, seeded by
    `qnt.assume_range`, `qnt.stats` (these two win over anything computed:
    they describe the tensor itself), the batch-norm statistics that
    `qnt-fold-batch-norm` leaves on a layer (`beta_c +- a * |gamma_c|`, with
    `a` the option `bn-num-stddev`; this estimate wins over the layer's
    weight-based bound but is narrowed to it when there is one, and the
    fused activation clips the result), fused activations, calibrated
    quantizers and constants, and carried forward by one transfer function
    per op. Function arguments are unknown unless an annotation describes
    them. Intervals are computed in double: the f32 rounding of the ops is
    not modelled.

    Some tensors must share one quantization grid (docs/Numerics.md): the
    inputs and result of `qnt.concat`; the input and result of
    `qnt.max_pool2d`, `qnt.reshape`, `qnt.transpose` and `qnt.slice` (pure
    data movement); an annotation's input and result. These form grid
    groups, and a group's range is the join of its members' ranges. A
    quantizer belongs to the group of its result.

    Attributes written (discardable; the pass replaces earlier ones):

    - `qnt.range = array<f64: lo, hi>` on every `qnt.fake_quant` without
      `scale`/`zero_point` whose group range is finite (which needs a
      finite range for its input): the range its grid must cover.
    - `qnt.grid_group = N` (i64) on those quantizers, and on every other
      `qnt.fake_quant` in their groups (a calibrated one there has a fixed
      grid: range setting should copy it to the others rather than choose
      a new one). Quantizers with one number must get one grid. Groups are
      numbered from 0 in IR order of their first quantizer, within the op
      the pass runs on.

    Before:

    ```mlir
    func.func @f(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>, %z: tensor<1x8xf32>)
        -> (tensor<1x8xf32>, tensor<1x8xf32>) {
      %a = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<1x4xf32>
      %b = qnt.assume_range %y min = 0.0 max = 3.0 : tensor<1x4xf32>
      %ra = qnt.relu %a : tensor<1x4xf32> -> tensor<1x4xf32>
      %qa = qnt.fake_quant %ra bits = 8 : tensor<1x4xf32>
      %qb = qnt.fake_quant %b bits = 8 : tensor<1x4xf32>
      %c = qnt.concat %qa, %qb axis = 1
           : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
      %s = qnt.sigmoid %z : tensor<1x8xf32> -> tensor<1x8xf32>
      %qs = qnt.fake_quant %s bits = 8 : tensor<1x8xf32>
      %qz = qnt.fake_quant %z bits = 8 : tensor<1x8xf32>
      return %c, %qs : tensor<1x8xf32>, tensor<1x8xf32>
    }
    ```

    After (`%ra` is in [0, 1], `%b` in [0, 3]; the concat ties `%qa` and
    `%qb` to one grid covering [0, 3]; `%z` is unknown, so `%qz` gets
    nothing):

    ```mlir
      %qa = qnt.fake_quant %ra bits = 8
              {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.0, 3.0>}
            : tensor<1x4xf32>
      %qb = qnt.fake_quant %b bits = 8
              {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.0, 3.0>}
            : tensor<1x4xf32>
      ...
      %qs = qnt.fake_quant %s bits = 8
              {qnt.grid_group = 1 : i64, qnt.range = array<f64: 0.0, 1.0>}
            : tensor<1x8xf32>
      %qz = qnt.fake_quant %z bits = 8 : tensor<1x8xf32>
    ```
  }];
  let options = [
    Option<"bnNumStddev", "bn-num-stddev", "double", "6.0",
           "BN-based ranges: beta +- bn-num-stddev * |gamma| per channel">
  ];
  let statistics = [
    Statistic<"numRanges", "num-ranges",
              "Number of quantizers given a qnt.range">,
    Statistic<"numGroups", "num-groups",
              "Number of grid groups written">
  ];
}

#endif // QUANTOPT_ANALYSIS_PASSES_TD
