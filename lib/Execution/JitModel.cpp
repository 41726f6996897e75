//===- JitModel.cpp - JIT-compiled qnt models -------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Lowering, JIT compilation and the calling convention. The entry function
// gets llvm.emit_c_interface; its _mlir_ciface_ wrapper takes a pointer to
// the result descriptor(s) followed by pointers to the argument memref
// descriptors, each laid out as {allocated, aligned, offset, sizes[rank],
// strides[rank]} (mlir/ExecutionEngine/CRunnerUtils.h).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Execution/JitModel.h"
#include "quant-opt/Pipelines/Pipelines.h"
#include "quant-opt/Runtime/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <set>

using namespace mlir;
using namespace mlir::quantopt;

JitModel::~JitModel() = default;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The ElementKind of a tensor element type, if quant-run can exchange it.
/// A quantized element is exchanged as its stored integers (the integer
/// lowering turns it into its storage type): u8 as uint8, i8 as int8, ...
static std::optional<ElementKind> elementKindOf(Type type) {
  if (auto quantized = dyn_cast<quant::QuantizedType>(type)) {
    switch (quantized.getStorageTypeIntegralWidth()) {
    case 8:
      return quantized.isSigned() ? ElementKind::I8 : ElementKind::U8;
    case 16:
      if (quantized.isSigned())
        return ElementKind::I16;
      return std::nullopt;
    case 32:
      if (quantized.isSigned())
        return ElementKind::I32;
      return std::nullopt;
    default:
      return std::nullopt;
    }
  }
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF64())
    return ElementKind::F64;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 1:
      return ElementKind::Bool;
    case 8:
      return isUnsigned ? ElementKind::U8 : ElementKind::I8;
    case 16:
      return ElementKind::I16;
    case 32:
      return ElementKind::I32;
    case 64:
      return ElementKind::I64;
    }
  }
  return std::nullopt;
}

static llvm::Expected<TensorSignature>
signatureOf(Type type, DictionaryAttr attrs, const llvm::Twine &what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<ElementKind> kind =
      tensor ? elementKindOf(tensor.getElementType()) : std::nullopt;
  if (!kind) {
    std::string printed;
    llvm::raw_string_ostream os(printed);
    os << type;
    return makeError(what + " has type " + printed +
                     "; the runner exchanges ranked tensors of f32, f64, "
                     "integers, and quantized types with 8-bit, signed "
                     "16-bit or 32-bit storage");
  }
  TensorSignature signature{*kind, llvm::to_vector(tensor.getShape()), ""};
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("qnt.onnx_name"))
      signature.name = name.str();
  return signature;
}

func::FuncOp mlir::quantopt::findEntryFunction(ModuleOp module,
                                               StringRef name) {
  if (!name.empty())
    return module.lookupSymbol<func::FuncOp>(name);
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  func::FuncOp only;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (only)
      return {};
    only = func;
  }
  return only;
}

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(ModuleOp module, const JitOptions &options) {
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<JitModel> model(new JitModel());

  func::FuncOp entry = findEntryFunction(module, options.entry);
  if (!entry)
    return makeError(
        options.entry.empty()
            ? llvm::Twine("no entry function: the module has no @main and "
                          "not exactly one public function; name one")
            : "no function @" + llvm::Twine(options.entry) + " in the module");
  model->entry = entry.getSymName().str();
  FunctionType type = entry.getFunctionType();
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    auto sig = signatureOf(type.getInput(i), entry.getArgAttrDict(i),
                           "argument #" + llvm::Twine(i));
    if (!sig)
      return sig.takeError();
    model->inputSignature.push_back(*sig);
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    auto sig = signatureOf(type.getResult(i), entry.getResultAttrDict(i),
                           "result #" + llvm::Twine(i));
    if (!sig)
      return sig.takeError();
    model->outputSignature.push_back(*sig);
  }

  // Lower a clone, leaving the caller's module as it was. Argument and
  // result attributes (ONNX names) mean nothing to LLVM: drop them.
  OwningOpRef<ModuleOp> lowered(module.clone());
  MLIRContext *ctx = module.getContext();
  for (auto func : lowered->getOps<func::FuncOp>()) {
    func.removeArgAttrsAttr();
    func.removeResAttrsAttr();
  }
  lowered->lookupSymbol<func::FuncOp>(model->entry)
      ->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  PassManager pm(ctx);
  std::string pipelineError;
  llvm::raw_string_ostream errorStream(pipelineError);
  const CodegenOptions &codegen = options.codegen;
  LowerToLLVMOptions lowerOptions;
  codegen.applyTo(lowerOptions);
  llvm::StringRef openmpRuntime = QUANTOPT_OPENMP_RUNTIME;
  if (codegen.numThreads > 1 && openmpRuntime.empty())
    return makeError("num-threads > 1 needs the OpenMP runtime (libomp), "
                     "which this build did not find: install libomp-22-dev "
                     "(scripts/setup.sh) and reconfigure");
  model->cachingAllocator = codegen.cachingAllocator;
  if (failed(buildLowerToLLVMPipeline(pm, lowerOptions, errorStream)))
    return makeError("invalid lowering pipeline: " + pipelineError);
  if (failed(pm.run(*lowered)))
    return makeError("lowering to LLVM failed (see the diagnostics above)");

  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  registerOpenMPDialectTranslation(*ctx);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  machineBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return machine.takeError();

  // ExecutionEngineOptions::transformer is a function_ref: the function it
  // refers to must outlive create().
  std::function<llvm::Error(llvm::Module *)> transformer =
      makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0,
                                machine->get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  llvm::SmallVector<llvm::StringRef, 1> libraries;
  if (codegen.numThreads > 1)
    libraries.push_back(openmpRuntime);
  engineOptions.sharedLibPaths = libraries;
  auto engine =
      ExecutionEngine::create(*lowered, engineOptions, std::move(*machine));
  if (!engine)
    return engine.takeError();
  model->engine = std::move(*engine);
  // The caching allocator's functions, from the runtime linked into this
  // library (not looked up in the process: nothing exports them).
  if (codegen.cachingAllocator)
    model->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      auto add = [&](llvm::StringRef name, auto *function) {
        symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                   llvm::JITSymbolFlags::Exported};
      };
      add("quantopt_rt_alloc", &quantopt_rt_alloc);
      add("quantopt_rt_aligned_alloc", &quantopt_rt_aligned_alloc);
      add("quantopt_rt_free", &quantopt_rt_free);
      return symbols;
    });
  // Generate the code now, not at the first call.
  if (auto fn = model->engine->lookupPacked("_mlir_ciface_" + model->entry);
      !fn)
    return fn.takeError();
  model->compileTime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return model;
}

namespace {
/// A memref descriptor {allocated, aligned, offset, sizes, strides} of one
/// rank, as 64-bit words.
struct Descriptor {
  llvm::SmallVector<int64_t> words;

  explicit Descriptor(size_t rank) : words(3 + 2 * rank, 0) {}
  static size_t wordsFor(size_t rank) { return 3 + 2 * rank; }

  static void fill(int64_t *words, void *data, llvm::ArrayRef<int64_t> shape) {
    words[0] = reinterpret_cast<int64_t>(data);
    words[1] = reinterpret_cast<int64_t>(data);
    words[2] = 0;
    int64_t stride = 1;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      words[3 + d] = shape[d];
      words[3 + shape.size() + d] = stride;
      stride *= shape[d];
    }
  }
};
} // namespace

llvm::Expected<llvm::SmallVector<HostArray>>
JitModel::run(llvm::ArrayRef<HostArrayView> inputs) {
  llvm::SmallVector<HostArray> results;
  if (llvm::Error error = run(inputs, results))
    return std::move(error);
  return results;
}

llvm::Error JitModel::run(llvm::ArrayRef<HostArrayView> inputs,
                          llvm::SmallVectorImpl<HostArray> &results) {
  if (inputs.size() != inputSignature.size())
    return makeError("@" + entry + " takes " +
                     llvm::Twine(inputSignature.size()) + " inputs, got " +
                     llvm::Twine(inputs.size()));
  llvm::SmallVector<Descriptor> argDescriptors;
  llvm::SmallVector<void *> argPointers;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    const TensorSignature &sig = inputSignature[i];
    bool shapeOk = input.shape.size() == sig.shape.size();
    for (size_t d = 0; shapeOk && d < sig.shape.size(); ++d)
      shapeOk =
          ShapedType::isDynamic(sig.shape[d]) || sig.shape[d] == input.shape[d];
    if (!shapeOk || input.kind != sig.kind)
      return makeError("input #" + llvm::Twine(i) +
                       " does not match the signature of @" + entry);
    argDescriptors.emplace_back(input.shape.size());
    Descriptor::fill(argDescriptors.back().words.data(),
                     const_cast<void *>(input.data), input.shape);
  }

  // The results come back in one struct of descriptors.
  size_t resultWords = 0;
  for (const TensorSignature &sig : outputSignature)
    resultWords += Descriptor::wordsFor(sig.shape.size());
  llvm::SmallVector<int64_t> resultStorage(std::max<size_t>(resultWords, 1), 0);
  void *resultPointer = resultStorage.data();

  llvm::SmallVector<void *> descriptorPointers;
  for (Descriptor &d : argDescriptors)
    descriptorPointers.push_back(d.words.data());
  if (!outputSignature.empty())
    argPointers.push_back(&resultPointer);
  for (void *&p : descriptorPointers)
    argPointers.push_back(&p);
  if (llvm::Error error =
          engine->invokePacked("_mlir_ciface_" + entry, argPointers))
    return std::move(error);

  // Copy the results out (following their strides) and free their buffers.
  results.resize(outputSignature.size());
  std::set<void *> released;
  llvm::SmallVector<void *> toFree;
  for (const HostArrayView &input : inputs)
    released.insert(const_cast<void *>(input.data));
  int64_t *words = resultStorage.data();
  for (auto [sig, result] : llvm::zip_equal(outputSignature, results)) {
    size_t rank = sig.shape.size();
    auto *allocated = reinterpret_cast<void *>(words[0]);
    auto *aligned = reinterpret_cast<uint8_t *>(words[1]);
    llvm::ArrayRef<int64_t> sizes(words + 3, rank);
    llvm::ArrayRef<int64_t> strides(words + 3 + rank, rank);
    // Every element is written below: only new bytes are zeroed.
    result.kind = sig.kind;
    result.shape.assign(sizes.begin(), sizes.end());
    size_t elementBytes = elementSize(sig.kind);
    result.bytes.resize(result.numElements() * elementBytes);
    uint8_t *base = aligned + words[2] * elementBytes;
    int64_t count = result.numElements();
    bool contiguous = true;
    for (int64_t d = rank - 1, expected = 1; d >= 0; --d) {
      contiguous &= sizes[d] == 1 || strides[d] == expected;
      expected *= sizes[d];
    }
    llvm::SmallVector<int64_t> index(rank, 0);
    if (contiguous && count > 0)
      std::memcpy(result.bytes.data(), base, count * elementBytes);
    for (int64_t flat = 0; !contiguous && flat < count; ++flat) {
      int64_t offset = 0;
      for (size_t d = 0; d < rank; ++d)
        offset += index[d] * strides[d];
      std::memcpy(result.bytes.data() + flat * elementBytes,
                  base + offset * elementBytes, elementBytes);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < sizes[d])
          break;
        index[d] = 0;
      }
    }
    // Globals (constants) carry 0xdeadbeef as their allocated pointer.
    // Several results may be views of one buffer: free each buffer once,
    // after every result has been copied out.
    if (allocated && allocated != reinterpret_cast<void *>(0xdeadbeef) &&
        released.insert(allocated).second)
      toFree.push_back(allocated);
    words += Descriptor::wordsFor(rank);
  }
  for (void *buffer : toFree) {
    if (cachingAllocator)
      quantopt_rt_free(buffer);
    else
      std::free(buffer);
  }
  return llvm::Error::success();
}
