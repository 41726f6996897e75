//===- QntOps.td - qnt dialect ops -------------------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Umbrella file of the qnt ops: the NN ops (QntNNOps.td) and the quantization
// and annotation ops (QntQuantOps.td) and the dot-product instruction of the
// int8 micro-kernels (QntKernelOps.td).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTOPS_TD
#define QUANTOPT_DIALECT_QNT_IR_QNTOPS_TD

include "quant-opt/Dialect/Qnt/IR/QntBase.td"
include "quant-opt/Dialect/Qnt/IR/QntNNOps.td"
include "quant-opt/Dialect/Qnt/IR/QntQuantOps.td"
include "quant-opt/Dialect/Qnt/IR/QntKernelOps.td"

#endif // QUANTOPT_DIALECT_QNT_IR_QNTOPS_TD
