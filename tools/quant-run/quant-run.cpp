//===- quant-run.cpp - JIT-run a model on .npy data -------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// quant-run model.mlir --input x.npy [--labels y.npy] [--batch N] [--json]
//
// JIT-compiles the model (any form quant-opt can lower) for this CPU, runs it
// over the samples of the .npy inputs, and reports top-1 accuracy (with
// labels), throughput and latency.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Execution/Evaluate.h"
#include "quant-opt/InitAll.h"
#include "quant-opt/Pipelines/CodegenCommandLine.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <chrono>

using namespace mlir;
using namespace mlir::quantopt;
namespace cl = llvm::cl;

static cl::OptionCategory category("quant-run options");
static CodegenCommandLine codegen(category, CodegenCommandLine::Tool::Jit);
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir>"),
                                      cl::cat(category));
static cl::list<std::string>
    inputPaths("input", cl::OneOrMore,
               cl::desc("An .npy file per model input, samples along dim 0. "
                        "uint8 data feeds a float input as value / 255; "
                        "float64 is cast to float32"),
               cl::value_desc("x.npy"), cl::cat(category));
static cl::opt<std::string>
    labelsPath("labels",
               cl::desc("An .npy of integer class labels: report top-1 "
                        "accuracy of output #0"),
               cl::value_desc("y.npy"), cl::cat(category));
static cl::opt<int64_t> batch("batch",
                              cl::desc("Samples per call when the model's "
                                       "batch dim is dynamic (default 64)"),
                              cl::init(64), cl::cat(category));
static cl::opt<int64_t> limit("limit", cl::desc("Use only the first N samples"),
                              cl::init(0), cl::cat(category));
static cl::opt<int64_t> warmup("warmup",
                               cl::desc("Untimed batches before timing "
                                        "(default 1)"),
                               cl::init(1), cl::cat(category));
static cl::list<std::string>
    outputPaths("output",
                cl::desc("Write output #i (all samples) to the i-th file"),
                cl::value_desc("out.npy"), cl::cat(category));
static cl::opt<std::string> entry("entry",
                                  cl::desc("The function to run (default: "
                                           "@main or the only public one)"),
                                  cl::cat(category));
static cl::opt<bool>
    whole("whole",
          cl::desc("Run once on the inputs exactly as given, with no sample "
                   "dim (single examples, e.g. the ONNX node tests)"),
          cl::cat(category));
static cl::opt<bool> json("json",
                          cl::desc("Print one JSON object instead of text"),
                          cl::cat(category));
static cl::opt<bool> quiet("quiet", cl::desc("No progress on stderr"),
                           cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "quant-run") << message << "\n";
  return 1;
}

static int fail(llvm::Error error) {
  std::string message = llvm::toString(std::move(error));
  return fail(message);
}

/// The q-quantile of `values` (copied and sorted).
static double quantile(llvm::ArrayRef<double> values, double q) {
  if (values.empty())
    return 0;
  llvm::SmallVector<double> sorted(values);
  llvm::sort(sorted);
  return sorted[static_cast<size_t>(q * (sorted.size() - 1) + 0.5)];
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "quant-run: JIT-compile a quant-opt model for this CPU and run it on "
      ".npy data\n\n"
      "  quant-run model.mlir --input x.npy [--labels y.npy] [--batch N] "
      "[--json]\n\n"
      "Reports top-1 accuracy (with --labels), throughput and latency. The "
      "model is lowered with qnt-lower-to-llvm.\n");

  registerAllToolPasses();
  DialectRegistry registry;
  registerAllToolDialects(registry);
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

  JitOptions jitOptions;
  jitOptions.entry = entry;
  auto codegenOptions = codegen.get();
  if (!codegenOptions)
    return fail(codegenOptions.takeError());
  jitOptions.codegen = *codegenOptions;
  auto model = JitModel::compile(*module, jitOptions);
  if (!model)
    return fail(model.takeError());

  if (inputPaths.size() != (*model)->inputs().size())
    return fail("@" + (*model)->entryName() + " takes " +
                llvm::Twine((*model)->inputs().size()) +
                " inputs; give one --input per input");
  llvm::SmallVector<HostArray> inputs;
  for (auto [i, path] : llvm::enumerate(inputPaths)) {
    auto data = readNpy(path);
    if (!data)
      return fail(data.takeError());
    auto prepared =
        prepareInput(std::move(*data), (*model)->inputs()[i], path, !whole);
    if (!prepared)
      return fail(prepared.takeError());
    inputs.push_back(std::move(*prepared));
  }
  std::optional<HostArray> labels;
  if (!labelsPath.empty()) {
    auto data = readNpy(labelsPath);
    if (!data)
      return fail(data.takeError());
    labels = std::move(*data);
  }

  EvaluateOptions options;
  options.batch = batch;
  options.limit = limit;
  options.warmup = warmup;
  options.keepOutputs = !outputPaths.empty();
  options.whole = whole;
  auto started = std::chrono::steady_clock::now();
  auto lastReport = started;
  if (!quiet)
    options.progress = [&](int64_t done, int64_t total) {
      auto now = std::chrono::steady_clock::now();
      if (done < total && now - lastReport < std::chrono::seconds(2))
        return;
      if (done == total && now - started < std::chrono::seconds(2))
        return;
      lastReport = now;
      llvm::errs() << "quant-run: " << done << "/" << total << " samples\n";
    };
  if (batch < 1)
    return fail("--batch must be at least 1");
  auto result = evaluate(**model, inputs, labels ? &*labels : nullptr, options);
  if (!result)
    return fail(result.takeError());

  if (outputPaths.size() > result->outputs.size())
    return fail("the model has " + llvm::Twine(result->outputs.size()) +
                " outputs, but " + llvm::Twine(outputPaths.size()) +
                " --output files were given");
  for (auto [path, output] : llvm::zip_first(outputPaths, result->outputs))
    if (llvm::Error error = writeNpy(path, output))
      return fail(std::move(error));

  double seconds = result->seconds;
  double throughput = seconds > 0 ? result->samples / seconds : 0;
  double meanMs = result->callSeconds.empty()
                      ? 0
                      : 1e3 * seconds / result->callSeconds.size();
  std::optional<double> accuracy;
  if (result->correct && result->samples > 0)
    accuracy = static_cast<double>(*result->correct) / result->samples;

  if (json) {
    llvm::json::Object object{
        {"model", modelPath},
        {"entry", (*model)->entryName()},
        {"samples", result->samples},
        {"batch", result->batch},
        {"seconds", seconds},
        {"samples_per_second", throughput},
        {"compile_seconds", (*model)->compileSeconds()},
        {"latency_ms", llvm::json::Object{
                           {"mean", meanMs},
                           {"p50", 1e3 * quantile(result->callSeconds, 0.5)},
                           {"p90", 1e3 * quantile(result->callSeconds, 0.9)}}}};
    object["accuracy"] = accuracy ? llvm::json::Value(*accuracy) : nullptr;
    object["correct"] =
        result->correct ? llvm::json::Value(*result->correct) : nullptr;
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(object)))
                 << "\n";
    return 0;
  }

  llvm::outs() << llvm::formatv("quant-run: {0} (@{1}), compiled in {2:f2} s\n",
                                modelPath, (*model)->entryName(),
                                (*model)->compileSeconds());
  llvm::outs() << llvm::formatv("  samples    {0} (batch {1})\n",
                                result->samples, result->batch);
  if (accuracy)
    llvm::outs() << llvm::formatv("  accuracy   {0:f2}% ({1}/{2})\n",
                                  100 * *accuracy, *result->correct,
                                  result->samples);
  llvm::outs() << llvm::formatv("  time       {0:f3} s ({1:f0} samples/s)\n",
                                seconds, throughput);
  llvm::outs() << llvm::formatv("  latency    {0:f3} ms per batch of {1} (p50 "
                                "{2:f3} ms, p90 {3:f3} ms)\n",
                                meanMs, result->batch,
                                1e3 * quantile(result->callSeconds, 0.5),
                                1e3 * quantile(result->callSeconds, 0.9));
  return 0;
}
