# -*- Python -*-
# lit configuration of the quant-opt regression tests.

import os
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "QUANTOPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantopt_obj_root, "test")
config.excludes = ["Inputs", "Unit", "Utils", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

quantopt_bin = os.path.join(config.quantopt_obj_root, "bin")
quantopt_lib = os.path.join(config.quantopt_obj_root, "lib")
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(
    ("%quantopt_plugin", os.path.join(quantopt_lib, "QuantOptPlugin" + config.llvm_shlib_ext)))
config.substitutions.append(("%quantopt_src", config.quantopt_src_root))
config.substitutions.append(("%quantopt_obj", config.quantopt_obj_root))
# The runtime of quant-compile'd objects (the caching allocator,
# libquant-opt-runtime.a in lib/ of the build), as link flags.
config.substitutions.append(
    ("%quantopt_runtime", f"-L{quantopt_lib} -lquant-opt-runtime"))
config.substitutions.append(
    ("%quantopt_shared_runtime",
     os.path.join(quantopt_lib, "libquant-opt-runtime-shared" + config.llvm_shlib_ext)))
config.substitutions.append(("%python", sys.executable))
# The Python environment of scripts/setup.sh, with onnxruntime from PyPI: the
# reference many tests compare against. Without it the suite cannot run.
import subprocess

venv_python = os.path.join(config.quantopt_src_root, ".venv", "bin", "python3")
if not os.access(venv_python, os.X_OK) or subprocess.run(
        [venv_python, "-c", "import numpy, onnx, onnxruntime"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
    lit_config.fatal(f"{venv_python} cannot import onnxruntime; run scripts/setup.sh")
config.substitutions.append(("%venv_python", venv_python))

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# quant-opt from the build tree; FileCheck and the stock mlir-opt from LLVM 22.
llvm_config.add_tool_substitutions(
    ["quant-compile", "quant-opt", "quant-run", "quant-translate"], [quantopt_bin])
llvm_config.add_tool_substitutions(
    ["mlir-opt", "mlir-runner", "mlir-translate", "llc", "llvm-objdump"], [config.llvm_tools_dir])

# oneDNN from Debian's libdnnl-dev, for the int8 benchmark harnesses
# (test/Bench; bench/setup-peers.sh --apt-only, not installed by
# scripts/setup.sh).
if os.path.exists("/usr/include/dnnl.h"):
    config.available_features.add("onednn")

# libomp (libomp-22-dev, installed by scripts/setup.sh): multi-threaded
# generated code (num-threads > 1) runs only with it.
if config.openmp_runtime:
    config.available_features.add("openmp")
    config.substitutions.append(("%openmp_runtime", config.openmp_runtime))
    config.substitutions.append(
        ("%openmp_libdir", os.path.dirname(config.openmp_runtime)))

# CPU features: the AVX-512 VNNI int8 kernels and the vpdpbusd peak probe run
# only where the CPU has vpdpbusd on zmm; the AVX2 kernels need AVX2.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = set()
        for line in cpuinfo:
            if line.startswith("flags"):
                flags.update(line.split(":", 1)[1].split())
    if {"avx512_vnni", "avx512bw"} <= flags:
        config.available_features.add("avx512vnni")
    if "avx2" in flags:
        config.available_features.add("avx2")
except OSError:
    pass
