//===- Npy.h - NumPy .npy files ----------------------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Reading and writing NumPy .npy arrays (format versions 1 to 3, C order,
// little-endian numeric dtypes), the tensor exchange format of quant-run and
// the calibration tools.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_SUPPORT_NPY_H
#define QUANTOPT_SUPPORT_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlir::quantopt {

/// The element types quant-opt exchanges.
enum class ElementKind { F32, F64, I8, U8, I16, I32, I64, Bool };

/// Bytes per element.
size_t elementSize(ElementKind kind);
/// The NumPy dtype string ("<f4", "|u1", ...).
llvm::StringRef npyDescr(ElementKind kind);

/// A read-only view of a dense C-order array in host memory.
struct HostArrayView {
  ElementKind kind;
  llvm::ArrayRef<int64_t> shape;
  const void *data;
};

/// A dense C-order array in host memory.
struct HostArray {
  ElementKind kind = ElementKind::F32;
  llvm::SmallVector<int64_t> shape;
  std::vector<uint8_t> bytes;

  int64_t numElements() const;
  template <typename T> T *data() {
    return reinterpret_cast<T *>(bytes.data());
  }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
  HostArrayView view() const { return {kind, shape, bytes.data()}; }
  /// An array of `shape`, zero-initialised.
  static HostArray zeros(ElementKind kind, llvm::ArrayRef<int64_t> shape);
};

/// Reads `path`; the error names the file and what is wrong with it.
llvm::Expected<HostArray> readNpy(llvm::StringRef path);

/// Writes `array` to `path` (format version 1.0).
llvm::Error writeNpy(llvm::StringRef path, const HostArray &array);

} // namespace mlir::quantopt

#endif // QUANTOPT_SUPPORT_NPY_H
