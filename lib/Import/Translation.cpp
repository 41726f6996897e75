//===- Translation.cpp - the import-onnx translation ------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Registers `--import-onnx` for mlir-translate style drivers.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Import/OnnxImporter.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

using namespace mlir;

/// mlirTranslateMain keeps the input (a null-terminated copy of a binary
/// file) in its SourceMgr until the output is printed. Once the model is
/// imported nothing reads those bytes again: the weights live in the
/// resource blobs and diagnostics from here on point at ops, not at the
/// file. Hand the pages back to the OS so that printing does not hold the
/// weights twice. (Afterwards a private mapping reads as the file again and
/// heap memory as zeros.)
static void releaseInputPages(const llvm::MemoryBuffer &buffer) {
#if defined(__linux__) && defined(MADV_DONTNEED)
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pageSize <= 0)
    return;
  auto start = reinterpret_cast<uintptr_t>(buffer.getBufferStart());
  auto end = reinterpret_cast<uintptr_t>(buffer.getBufferEnd());
  uintptr_t begin = llvm::alignTo(start, pageSize);
  uintptr_t finish = llvm::alignDown(end, pageSize);
  constexpr uintptr_t kMinBytes = uintptr_t(1) << 20;
  if (finish > begin && finish - begin >= kMinBytes)
    (void)madvise(reinterpret_cast<void *>(begin), finish - begin,
                  MADV_DONTNEED);
#else
  (void)buffer;
#endif
}

void mlir::quantopt::registerImportOnnxTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (opsets 13-21) into the qnt dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OwningOpRef<ModuleOp> module = importOnnxModel(
            buffer->getBuffer(), context, buffer->getBufferIdentifier());
        if (module)
          releaseInputPages(*buffer);
        return OwningOpRef<Operation *>(module.release());
      },
      registerOnnxImportDialects);
}
