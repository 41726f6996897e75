//===- TargetSelection.cpp - the int8 kernel target of a CPU ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Int8Kernels/Int8Kernels.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

std::string mlir::quantopt::selectInt8KernelTarget(
    const llvm::Triple &triple,
    const std::function<bool(llvm::StringRef)> &hasFeature) {
  if (triple.isX86()) {
    // vpdpbusd on zmm needs AVX512-VNNI, the byte vectors AVX512BW.
    if (hasFeature("avx512vnni") && hasFeature("avx512bw"))
      return "avx512-vnni";
    if (hasFeature("avx2"))
      return "avx2";
  }
  if (triple.isAArch64() && hasFeature("dotprod"))
    return "arm-dotprod";
  return "portable";
}

std::string mlir::quantopt::hostInt8KernelTarget() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return selectInt8KernelTarget(llvm::Triple(llvm::sys::getProcessTriple()),
                                [&](llvm::StringRef name) {
                                  auto it = features.find(name);
                                  return it != features.end() && it->second;
                                });
}
