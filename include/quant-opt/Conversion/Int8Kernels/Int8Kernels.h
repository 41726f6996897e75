//===- Int8Kernels.h - choosing the int8 micro-kernel target ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The instruction set qnt-lower-int8-kernels targets, from a CPU's features.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_INT8KERNELS_INT8KERNELS_H
#define QUANTOPT_CONVERSION_INT8KERNELS_INT8KERNELS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/TargetParser/Triple.h"

#include <functional>
#include <string>

namespace mlir::quantopt {

/// The kernel target (avx512-vnni, avx2, arm-dotprod or portable) for an
/// architecture whose feature `name` (LLVM's names: avx512vnni, dotprod)
/// is enabled when `hasFeature(name)` is true.
std::string
selectInt8KernelTarget(const llvm::Triple &triple,
                       const std::function<bool(llvm::StringRef)> &hasFeature);

/// The kernel target of the CPU this process runs on
/// (llvm::sys::getHostCPUFeatures).
std::string hostInt8KernelTarget();

} // namespace mlir::quantopt

#endif // QUANTOPT_CONVERSION_INT8KERNELS_INT8KERNELS_H
