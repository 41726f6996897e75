//===- AheadOfTime.cpp - compile a model to an object file ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
//   qnt module ──qnt-lower-to-llvm──▶ LLVM dialect ──translation──▶ LLVM IR
//     ──O3 (the JIT's optimizing transformer)──▶ target code ──▶ object file
//   + a C header: the descriptor types, the entry point, and a helper that
//     runs the model on contiguous arrays.
//
// The entry function is renamed to the model's C name and gets
// llvm.emit_c_interface, so the object exports `_mlir_ciface_<name>`, which
// takes a pointer to the result descriptor(s) followed by pointers to the
// argument descriptors {allocated, aligned, offset, sizes[rank],
// strides[rank]} (mlir/ExecutionEngine/CRunnerUtils.h). Every other
// function becomes private, so the object exports nothing else of the
// module. The object needs only the C library and libm.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Target/AheadOfTime.h"
#include "quant-opt/Conversion/Int8Kernels/Int8Kernels.h"
#include "quant-opt/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <set>

using namespace mlir;
using namespace mlir::quantopt;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// The signature, for the header
//===----------------------------------------------------------------------===//

namespace {
/// One argument or result of the entry function as C sees it.
struct CTensor {
  std::string cType;    // "float", "uint8_t", ...
  std::string typeName; // "float32", "uint8", ...
  SmallVector<int64_t> shape;
  std::string npyDescr; // "<f4", "|u1", ...
  std::string name;     // the ONNX name, if any
  std::string grid;     // "real = 0.05 * (q - 3)" for quantized tensors
};
} // namespace

static llvm::Expected<CTensor> describe(Type type, DictionaryAttr attrs,
                                        const llvm::Twine &what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return makeError(what + " is not a ranked tensor");
  CTensor c;
  c.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  Type element = tensor.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(element)) {
    llvm::raw_string_ostream os(c.grid);
    if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(q)) {
      int64_t z = perTensor.getZeroPoint();
      os << "quantized: real = " << llvm::format("%.17g", perTensor.getScale())
         << " * (q " << (z < 0 ? "+ " : "- ") << (z < 0 ? -z : z) << ")";
    } else if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
      os << "quantized per channel along dim "
         << perAxis.getQuantizedDimension()
         << ": real = scale[c] * (q - zero_point[c])";
    }
    unsigned width = q.getStorageTypeIntegralWidth();
    element = IntegerType::get(type.getContext(), width,
                               q.isSigned() ? IntegerType::Signed
                                            : IntegerType::Unsigned);
  }
  if (element.isF32()) {
    c.cType = "float";
    c.typeName = "float32";
    c.npyDescr = "<f4";
  } else if (element.isF64()) {
    c.cType = "double";
    c.typeName = "float64";
    c.npyDescr = "<f8";
  } else if (auto integer = dyn_cast<IntegerType>(element);
             integer &&
             llvm::is_contained({8u, 16u, 32u, 64u}, integer.getWidth())) {
    unsigned width = integer.getWidth();
    std::string bits = std::to_string(width);
    bool isUnsigned = integer.isUnsigned();
    c.cType = (isUnsigned ? "uint" : "int") + bits + "_t";
    c.typeName = (isUnsigned ? "uint" : "int") + bits;
    c.npyDescr = std::string(width == 8 ? "|" : "<") +
                 (isUnsigned ? "u" : "i") + std::to_string(width / 8);
  } else {
    std::string printed;
    llvm::raw_string_ostream os(printed);
    os << type;
    return makeError(what + " has type " + printed +
                     "; quant-compile exchanges tensors of f32, f64, "
                     "8/16/32/64-bit integers and quantized types");
  }
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("qnt.onnx_name"))
      c.name = name.str();
  return c;
}

static std::string shapeText(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? (i == 0 ? std::string("N") : "?")
                                  : std::to_string(d);
  }
  return s + "]";
}

/// The C header of the model.
static std::string makeHeader(const AotOptions &options, StringRef entryName,
                              ArrayRef<CTensor> inputs,
                              ArrayRef<CTensor> outputs, StringRef triple,
                              StringRef cpu) {
  std::string name = options.name;
  std::string upper = llvm::StringRef(name).upper();
  std::string guard = upper + "_H";
  std::string h;
  llvm::raw_string_ostream os(h);
  os << "/* " << name << ".h: generated by quant-compile from "
     << (options.sourceName.empty() ? "<input>" : options.sourceName) << " (@"
     << entryName << "), for " << triple << " (" << cpu << ").\n *\n * " << name
     << " takes\n";
  auto list = [&](ArrayRef<CTensor> tensors, StringRef kind) {
    for (auto [i, t] : llvm::enumerate(tensors)) {
      os << " *   " << kind << " " << i;
      if (!t.name.empty())
        os << " \"" << t.name << "\"";
      os << ": " << t.typeName << " " << shapeText(t.shape);
      if (!t.grid.empty())
        os << ", " << t.grid;
      os << "\n";
    }
  };
  list(inputs, "input ");
  os << " * and returns\n";
  list(outputs, "output");
  os << " * N is the batch size, any value. Tensors are dense and row-major "
        "(C order).\n"
        " * A quantized tensor is exchanged as its stored integers.\n"
        " *\n"
        " *\n";
  // The runtime (lib/Runtime) of the caching allocator: this build's
  // static library, or its one C file compiled for another target.
  std::string runtime, runtimeWhat;
  if (options.codegen.cachingAllocator) {
    runtime = " -L" + std::string(QUANTOPT_RUNTIME_LIBRARY_DIR) +
              " -lquant-opt-runtime";
    runtimeWhat = " the quant-opt runtime,";
  }
  if (options.codegen.numThreads > 1)
    os << " * The code runs on " << options.codegen.numThreads
       << " OpenMP threads: link with the object file," << runtimeWhat
       << " libomp and libm:\n"
          " * cc app.c "
       << name << ".o" << runtime
       << " -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib "
          "-lm\n";
  else
    os << " * Link with the object file"
       << (options.codegen.cachingAllocator ? ", the quant-opt runtime" : "")
       << " and libm: cc app.c " << name << ".o" << runtime << " -lm\n";
  if (options.codegen.cachingAllocator)
    os << " * The model's buffers come from the quant-opt runtime's caching "
          "allocator\n"
          " * (libquant-opt-runtime.a; for another target compile "
          "lib/Runtime/CachingAllocator.c\n"
          " * with it): freed blocks are kept per thread for the next call, "
          "at most\n"
          " * QUANTOPT_RT_CACHE_LIMIT bytes in all (default 1 GiB); "
          "quantopt_rt_trim() releases them.\n";
  os << " */\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  // Descriptor types per rank used.
  std::set<size_t> ranks;
  for (const CTensor &t : inputs)
    ranks.insert(t.shape.size());
  for (const CTensor &t : outputs)
    ranks.insert(t.shape.size());
  os << "/* Strided memref descriptors (mlir/ExecutionEngine/CRunnerUtils.h). "
        "*/\n";
  for (size_t r : ranks) {
    os << "typedef struct {\n  void *allocated;\n  void *aligned;\n"
          "  int64_t offset;\n";
    if (r) {
      os << "  int64_t sizes[" << r << "];\n  int64_t strides[" << r << "];\n";
    }
    os << "} " << name << "_memref" << r << "_t;\n";
  }
  os << "\n";
  if (outputs.size() > 1) {
    os << "/* The results of " << name << ", in order. */\ntypedef struct {\n";
    for (auto [i, t] : llvm::enumerate(outputs))
      os << "  " << name << "_memref" << t.shape.size() << "_t r" << i << ";\n";
    os << "} " << name << "_results_t;\n\n";
  }

  // Per-tensor macros, for generic client code.
  os << "#define " << upper << "_NUM_INPUTS " << inputs.size() << "\n#define "
     << upper << "_NUM_OUTPUTS " << outputs.size() << "\n";
  auto macros = [&](ArrayRef<CTensor> tensors, StringRef kind) {
    for (auto [i, t] : llvm::enumerate(tensors)) {
      std::string prefix = upper + "_" + kind.str() + std::to_string(i);
      os << "#define " << prefix << "_TYPE " << t.cType << "\n#define "
         << prefix << "_IS_FLOAT "
         << (t.cType == "float" || t.cType == "double") << "\n#define "
         << prefix << "_NPY_DESCR \"" << t.npyDescr << "\"\n#define " << prefix
         << "_RANK " << t.shape.size() << "\n#define " << prefix << "_DIMS {";
      for (auto [d, size] : llvm::enumerate(t.shape))
        os << (d ? ", " : "") << (ShapedType::isDynamic(size) ? -1 : size);
      os << "} /* -1: dynamic */\n";
    }
  };
  macros(inputs, "INPUT");
  macros(outputs, "OUTPUT");
  os << "\n";

  // Releasing results.
  if (options.codegen.cachingAllocator)
    os << "/* The quant-opt runtime (include/quant-opt/Runtime/Runtime.h). "
          "*/\nvoid quantopt_rt_free(void *ptr);\n"
          "void quantopt_rt_trim(void);\n\n";
  os << "/* Frees a result buffer of the model (its allocated pointer), "
        "allocated with\n * "
     << (options.codegen.cachingAllocator
             ? "the runtime's quantopt_rt_aligned_alloc"
             : "aligned_alloc")
     << ". */\nstatic inline void " << name << "_free(void *allocated) {\n  "
     << (options.codegen.cachingAllocator ? "quantopt_rt_free" : "free")
     << "(allocated);\n}\n\n";

  // The entry point.
  os << "/* The entry point: results first (allocated by the model; "
        "release them with\n * "
     << name << "_free, as " << name
     << "_run does), then the inputs. */\nvoid _mlir_ciface_" << name << "(";
  if (outputs.size() > 1)
    os << name << "_results_t *results";
  else if (outputs.size() == 1)
    os << name << "_memref" << outputs[0].shape.size() << "_t *result";
  for (auto [i, t] : llvm::enumerate(inputs))
    os << (i || !outputs.empty() ? ", " : "") << name << "_memref"
       << t.shape.size() << "_t *input" << i;
  if (inputs.empty() && outputs.empty())
    os << "void";
  os << ");\n\n";

  // The helper: only when every dynamic dim is the batch dim 0.
  bool helper = !outputs.empty();
  for (const CTensor &t : llvm::concat<const CTensor>(inputs, outputs))
    for (auto [d, size] : llvm::enumerate(t.shape))
      if (ShapedType::isDynamic(size) && d != 0)
        helper = false;
  if (!helper) {
    os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
    return h;
  }
  os << "/* Copies a strided result into a dense row-major buffer. */\n"
        "static inline void "
     << name
     << "_copy_out_(char *dst, const char *base, size_t elem, int rank,\n"
        "    const int64_t *sizes, const int64_t *strides) {\n"
        "  int64_t index[8] = {0};\n"
        "  int64_t count = 1;\n"
        "  for (int d = 0; d < rank; ++d)\n"
        "    count *= sizes[d];\n"
        "  for (int64_t flat = 0; flat < count; ++flat) {\n"
        "    int64_t offset = 0;\n"
        "    for (int d = 0; d < rank; ++d)\n"
        "      offset += index[d] * strides[d];\n"
        "    memcpy(dst + flat * elem, base + offset * elem, elem);\n"
        "    for (int d = rank - 1; d >= 0; --d) {\n"
        "      if (++index[d] < sizes[d])\n"
        "        break;\n"
        "      index[d] = 0;\n"
        "    }\n"
        "  }\n"
        "}\n\n";
  os << "/* Runs " << name
     << " on dense row-major inputs and writes each output, dense and\n"
        " * row-major, into the caller's buffer. n is the batch size (dim 0) "
        "where it is\n * dynamic. Frees the results. Returns 0. */\n"
        "static inline int "
     << name << "_run(int64_t n";
  for (auto [i, t] : llvm::enumerate(inputs))
    os << ", const " << t.cType << " *input" << i;
  for (auto [i, t] : llvm::enumerate(outputs))
    os << ", " << t.cType << " *output" << i;
  os << ") {\n  (void)n;\n";
  for (auto [i, t] : llvm::enumerate(inputs)) {
    size_t r = t.shape.size();
    os << "  " << name << "_memref" << r << "_t in" << i << " = {(void *)input"
       << i << ", (void *)input" << i << ", 0";
    if (r) {
      os << ", {";
      for (auto [d, size] : llvm::enumerate(t.shape))
        os << (d ? ", " : "")
           << (ShapedType::isDynamic(size) ? std::string("n")
                                           : std::to_string(size));
      os << "}, {";
      for (size_t d = 0; d < r; ++d) {
        int64_t stride = 1;
        for (size_t e = d + 1; e < r; ++e)
          stride *= t.shape[e];
        os << (d ? ", " : "") << stride;
      }
      os << "}";
    }
    os << "};\n";
  }
  if (outputs.size() > 1)
    os << "  " << name << "_results_t results;\n";
  else
    os << "  " << name << "_memref" << outputs[0].shape.size()
       << "_t result;\n";
  os << "  _mlir_ciface_" << name << "("
     << (outputs.size() > 1 ? "&results" : "&result");
  for (size_t i = 0; i < inputs.size(); ++i)
    os << ", &in" << i;
  os << ");\n";
  // Copy out and free what the model allocated: not an input, not a
  // constant (allocated pointer 0xdeadbeef), each buffer once.
  if (outputs.size() > 1)
    os << "  void *freed[" << outputs.size() << "] = {0};\n";
  for (auto [i, t] : llvm::enumerate(outputs)) {
    std::string d = outputs.size() > 1 ? "results.r" + std::to_string(i)
                                       : std::string("result");
    size_t r = t.shape.size();
    os << "  " << name << "_copy_out_((char *)output" << i << ", (const char *)"
       << d << ".aligned + " << d << ".offset * sizeof(" << t.cType
       << "), sizeof(" << t.cType << "), " << r << ", "
       << (r ? d + ".sizes" : "NULL") << ", " << (r ? d + ".strides" : "NULL")
       << ");\n";
    os << "  if (" << d << ".allocated != (void *)0xdeadbeef";
    for (size_t j = 0; j < inputs.size(); ++j)
      os << " && " << d << ".allocated != (void *)input" << j;
    for (size_t j = 0; j < i; ++j)
      os << " && " << d << ".allocated != freed[" << j << "]";
    os << ")\n    " << name << "_free(" << d << ".allocated);\n";
    if (outputs.size() > 1)
      os << "  freed[" << i << "] = " << d << ".allocated;\n";
  }
  os << "  return 0;\n}\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard
     << " */\n";
  return h;
}

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

/// The entry function: `name`, or `main`, or the only public function.
static func::FuncOp findEntry(ModuleOp module, StringRef name) {
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

static bool isCIdentifier(StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s[0]) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

llvm::Expected<AotResult>
mlir::quantopt::compileAheadOfTime(ModuleOp module, const AotOptions &options) {
  if (!isCIdentifier(options.name))
    return makeError("the model name '" + options.name +
                     "' is not a C identifier");
  func::FuncOp entry = findEntry(module, options.entry);
  if (!entry)
    return makeError(
        options.entry.empty()
            ? llvm::Twine("no entry function: the module has no @main and "
                          "not exactly one public function; name one")
            : "no function @" + llvm::Twine(options.entry) + " in the module");
  FunctionType type = entry.getFunctionType();
  SmallVector<CTensor> inputs, outputs;
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    auto t = describe(type.getInput(i), entry.getArgAttrDict(i),
                      "argument #" + llvm::Twine(i));
    if (!t)
      return t.takeError();
    inputs.push_back(*t);
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    auto t = describe(type.getResult(i), entry.getResultAttrDict(i),
                      "result #" + llvm::Twine(i));
    if (!t)
      return t.takeError();
    outputs.push_back(*t);
  }
  for (const CTensor &t : llvm::concat<const CTensor>(inputs, outputs))
    if (t.shape.size() > 8)
      return makeError("tensors of rank above 8 are not supported");
  std::string entryName = entry.getSymName().str();

  // Lower a clone: the entry takes the model's name and exports the C
  // interface; every other definition becomes private.
  OwningOpRef<ModuleOp> lowered(module.clone());
  MLIRContext *ctx = module.getContext();
  auto clonedEntry = lowered->lookupSymbol<func::FuncOp>(entryName);
  if (auto clash = lowered->lookupSymbol(options.name);
      clash && clash != clonedEntry.getOperation())
    return makeError("the module already has a symbol @" + options.name +
                     "; choose another --name");
  if (failed(SymbolTable::replaceAllSymbolUses(
          clonedEntry, StringAttr::get(ctx, options.name), *lowered)))
    return makeError("cannot rename @" + entryName);
  SymbolTable::setSymbolName(clonedEntry, options.name);
  for (auto func : lowered->getOps<func::FuncOp>()) {
    func.removeArgAttrsAttr();
    func.removeResAttrsAttr();
    if (func != clonedEntry && !func.isExternal())
      func.setPrivate();
  }
  clonedEntry.setPublic();
  clonedEntry->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  // The target machine.
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  bool host = options.triple.empty();
  llvm::Triple triple(host ? llvm::sys::getDefaultTargetTriple()
                           : options.triple);
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return makeError("target '" + triple.str() + "': " + lookupError);
  std::string cpu = options.cpu;
  std::string features = options.features;
  if (cpu.empty())
    cpu = host ? llvm::sys::getHostCPUName().str() : "generic";
  if (host && options.cpu.empty() && features.empty()) {
    SmallVector<std::string> list;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      list.push_back((feature.second ? "+" : "-") + feature.getKey().str());
    llvm::sort(list);
    features = llvm::join(list, ",");
  }
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
      : options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                              : llvm::CodeGenOptLevel::Default));
  if (!machine)
    return makeError("cannot create a target machine for '" + triple.str() +
                     "' (cpu '" + cpu + "')");

  // The lowering, with the int8 micro-kernels of the target's features.
  LowerToLLVMOptions lowerOptions;
  options.codegen.applyTo(lowerOptions);
  const llvm::MCSubtargetInfo *subtarget = machine->getMCSubtargetInfo();
  std::string best =
      selectInt8KernelTarget(triple, [&](llvm::StringRef feature) {
        return subtarget->checkFeatures(("+" + feature).str());
      });
  StringRef requested = options.codegen.kernelTarget;
  if (requested.empty() || requested == "host")
    lowerOptions.kernelTarget = best;
  else if (requested == "none" || requested == "portable" ||
           requested == best || (requested == "avx2" && best == "avx512-vnni"))
    lowerOptions.kernelTarget = requested.str();
  else if (llvm::is_contained({"avx2", "avx512-vnni", "arm-dotprod"},
                              requested))
    return makeError("kernel target '" + requested.str() +
                     "' needs CPU features that '" + triple.str() + "' (cpu '" +
                     cpu + "') lacks: its best is '" + best + "'");
  else
    return makeError("unknown kernel target '" + requested.str() +
                     "' (host, none, portable, avx2, avx512-vnni, "
                     "arm-dotprod)");
  PassManager pm(ctx);
  std::string pipelineError;
  llvm::raw_string_ostream errorStream(pipelineError);
  if (failed(buildLowerToLLVMPipeline(pm, lowerOptions, errorStream)))
    return makeError("invalid lowering pipeline: " + pipelineError);
  if (failed(pm.run(*lowered)))
    return makeError("lowering to LLVM failed (see the diagnostics above)");

  // LLVM IR, optimized as the JIT does it.
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  registerOpenMPDialectTranslation(*ctx);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*lowered, llvmContext, options.name);
  if (!llvmModule)
    return makeError("translation to LLVM IR failed");
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());
  auto transformer = makeOptimizingTransformer(options.optLevel,
                                               /*sizeLevel=*/0, machine.get());
  if (llvm::Error error = transformer(llvmModule.get()))
    return std::move(error);

  AotResult result;
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return makeError("the target cannot emit object files");
  codegen.run(*llvmModule);
  result.object.assign(buffer.begin(), buffer.end());
  result.triple = triple.str();
  result.cpu = cpu;
  result.header =
      makeHeader(options, entryName, inputs, outputs, result.triple, cpu);
  return result;
}
