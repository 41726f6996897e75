//===- quant-compile.cpp - compile a model to an object file ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-compile model.mlir -o model.o --header model.h [--name model]
//               [--entry fn] [--target triple] [--cpu cpu] [--features f]
//
// Ahead-of-time compilation with the qnt-lower-to-llvm pipeline of
// quant-run; the work is in lib/Target/AheadOfTime.cpp.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Pipelines/CodegenCommandLine.h"
#include "quant-opt/Target/AheadOfTime.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::quantopt;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-compile options");
static CodegenCommandLine codegen(category,
                                  CodegenCommandLine::Tool::AheadOfTime);
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("The object file to write"),
                                       cl::value_desc("model.o"),
                                       cl::cat(category));
static cl::opt<std::string>
    headerPath("header", cl::desc("Also write the C header of the model"),
               cl::value_desc("model.h"), cl::cat(category));
static cl::opt<std::string>
    name("name",
         cl::desc("The C name of the model: the entry point is "
                  "_mlir_ciface_<name>, the helper <name>_run (default "
                  "model)"),
         cl::init("model"), cl::cat(category));
static cl::opt<std::string> entry("entry",
                                  cl::desc("The function to compile "
                                           "(default: @main or the only "
                                           "public one)"),
                                  cl::cat(category));
static cl::opt<std::string>
    target("target", cl::desc("The LLVM target triple (default: the host)"),
           cl::value_desc("triple"), cl::cat(category));
static cl::opt<std::string>
    cpu("cpu",
        cl::desc("The target CPU (default: the host CPU, or generic for "
                 "another target)"),
        cl::cat(category));
static cl::opt<std::string>
    features("features",
             cl::desc("Target features, e.g. +avx2 (default: the host's "
                      "for the host CPU)"),
             cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level"),
                                  cl::init(3), cl::Prefix, cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "quant-compile") << message << "\n";
  return 1;
}

static int write(StringRef path, StringRef data) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return fail(error);
  file->os() << data;
  file->keep();
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "quant-compile: compile a quant-opt model ahead of time\n\n"
      "  quant-compile model.mlir -o model.o --header model.h\n\n"
      "Lowers the model with qnt-lower-to-llvm (as quant-run does), "
      "generates code for the host or --target/--cpu, and writes an object "
      "file exporting _mlir_ciface_<name>, and a C header that declares it, "
      "documents the tensors and has a <name>_run helper.\n");
  if (optLevel > 3)
    return fail("-O takes 0 to 3");

  // What qnt-lower-to-llvm needs: the upstream passes and dialects, the
  // conversions, and the qnt and quant dialects.
  mlir::registerAllPasses();
  registerQuantOptConversionPasses();
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qnt::QntDialect, quant::QuantDialect>();
  MLIRContext context(registry);
  context.disableMultithreading();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string openError;
  auto file = openInputFile(modelPath, &openError);
  if (!file)
    return fail(openError);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return fail("cannot parse " + modelPath);

  AotOptions options;
  options.entry = entry;
  options.name = name;
  options.triple = target;
  options.cpu = cpu;
  options.features = features;
  options.optLevel = optLevel;
  auto codegenOptions = codegen.get();
  if (!codegenOptions)
    return fail(llvm::toString(codegenOptions.takeError()));
  options.codegen = *codegenOptions;
  options.sourceName = llvm::sys::path::filename(modelPath).str();
  auto result = compileAheadOfTime(*module, options);
  if (!result)
    return fail(llvm::toString(result.takeError()));
  if (int rc = write(outputPath, result->object))
    return rc;
  if (!headerPath.empty())
    return write(headerPath, result->header);
  return 0;
}
