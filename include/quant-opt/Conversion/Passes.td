//===- Passes.td - quant-opt conversion passes -------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// All conversion passes, one folder per conversion under lib/Conversion.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_PASSES_TD
#define QUANTOPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQntToLinalgPass : Pass<"convert-qnt-to-linalg"> {
  let summary = "Lowers float-form qnt ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every qnt op of the float form (float models and quantization
    simulation models) into upstream ops on tensors: convolutions and pools
    into linalg named ops on zero- or -inf-padded inputs, matmuls and
    element-wise ops into `linalg.generic` with NumPy broadcasting, softmax,
    layer norm and means into reductions, data movement into `tensor` ops,
    `qnt.fake_quant` into its quantize-dequantize arithmetic
    (docs/Numerics.md), and drops `qnt.assume_range` and `qnt.stats`.

    The pass fails with a diagnostic on ops it cannot lower: qnt ops on
    quantized tensors (the integer lowering handles those), an uncalibrated
    `qnt.fake_quant`, or an average pool that excludes padding on a dynamic
    spatial size. Afterwards no qnt op is left.

    With a requantization rounding mode (the `rounding` option, or a
    `qnt.rounding = #qnt.rounding<...>` attribute on the function or the
    module) the quantization simulation computes exactly what the integer
    code of that mode computes (docs/Numerics.md section 11): conv2d and
    matmul between fake-quantized operands accumulate in int32, and the
    quantizers after them requantize in that mode. Without one, it is the
    plain float simulation.

    Before:

    ```mlir
    %y = qnt.add %a, %b : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
    ```

    After:

    ```mlir
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x8xf32>
    %init = tensor.empty(%n) : tensor<?x8xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                          affine_map<(d0, d1) -> (d1)>,
                                          affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
        ins(%a, %b : tensor<?x8xf32>, tensor<8xf32>) outs(%init : tensor<?x8xf32>) {
      ^bb0(%x: f32, %z: f32, %out: f32):
        %s = arith.addf %x, %z : f32
        linalg.yield %s : f32
    } -> tensor<?x8xf32>
    ```
  }];
  let options = [
    Option<"rounding", "rounding", "std::string", "\"\"",
           "Simulate integer code with this requantization rounding: "
           "float (plain simulation), half_to_even, single_round or "
           "double_round; empty: the qnt.rounding attribute, else float">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertMemRefCopyToLinalgPass : Pass<"convert-memref-copy-to-linalg"> {
  let summary = "Rewrites memref.copy as linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between non-contiguous
    memrefs (the copy of an input into the interior of a padded buffer, for
    example) to a call of the `memrefCopy` runtime function, which lives in
    `libmlir_c_runner_utils` and walks the elements one index computation at
    a time. As `linalg.copy` the copy becomes loops that LLVM vectorizes,
    and the generated code needs no runtime library.

    ```mlir
    memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32, strided<[10, 1], offset: 11>>
    // becomes
    linalg.copy ins(%a : memref<?x8xf32>) outs(%b : memref<?x8xf32, strided<[10, 1], offset: 11>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ConvertSmallResourcesToDensePass : Pass<"convert-small-resources-to-dense"> {
  let summary = "Rewrites small dense_resource constants as dense constants";
  let description = [{
    Weights live in `dense_resource` blobs, which keep large models cheap.
    For tiny constants (scalars such as a Gemm's beta, per-tensor parameters)
    a blob buys nothing, and some upstream lowerings cannot read one: in
    LLVM 22, `finalize-memref-to-llvm` aborts on a rank-0 `memref.global`
    initialised from a `dense_resource`. This pass rewrites every
    `arith.constant` holding a `dense_resource` of at most `max-elements`
    elements as a `dense` constant with the same values.

    ```mlir
    %b = arith.constant dense_resource<beta> : tensor<f32>
    // becomes (for a blob holding 1.0)
    %b = arith.constant dense<1.000000e+00> : tensor<f32>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "16",
           "Rewrite resources with at most this many elements">
  ];
}


//===----------------------------------------------------------------------===//
// The integer lowering (lib/Conversion/QntToFixedPoint)
//===----------------------------------------------------------------------===//

def ConvertQntToFixedPointPass
    : Pass<"convert-qnt-to-fixed-point", "::mlir::ModuleOp"> {
  let summary = "Lowers quantized-form qnt ops to integer arithmetic on "
                "storage tensors";
  let description = [{
    The integer lowering of the quantized form (docs/Numerics.md section
    10). Every `!quant.uniform` tensor becomes a tensor of its signless
    storage integers, also in function signatures, and every qnt op on
    quantized tensors becomes linalg/tensor/arith code on them:

    - `qnt.conv2d`, `qnt.matmul`: exact int32 multiply-accumulate; with
      constant weights the zero-point term `-z_x * sum(w - z_w)` is folded
      into the int32 bias at compile time;
    - `qnt.requantize`: the int32 multiplier and shift of
      `quantizeMultiplier` (per channel for per-axis types) in the
      `single_round` and `double_round` modes, f32 in `half_to_even`,
      bit-exact with `FixedPointMath`; a `qnt.relu`/`qnt.clamp` that
      directly follows on the same grid becomes the clamp of the
      requantization;
    - `qnt.quantize`, `qnt.dequantize`, `qnt.relu`/`qnt.clamp` (integer
      clamps), `qnt.max_pool2d` and data movement on stored integers;
    - the other ops of the quantized-form rule (add, mul, average pools,
      softmax, layer norm, ...) in float: dequantize, the float-form qnt op,
      quantize. `convert-qnt-to-linalg` lowers the float op afterwards.

    The pass first checks what it cannot lower and fails with an error on
    each such op: ops of other dialects on quantized tensors, multipliers
    `M >= 2^29`, and accumulators whose worst case (from the bit widths,
    the reduction length and constant weights) could exceed int32.

    ```mlir
    %acc = qnt.conv2d %x, %w ... -> tensor<1x4x6x6x!quant.uniform<i32:f32, 0.125>>
    %y = qnt.requantize %acc rounding = <single_round> : ... -> tensor<1x4x6x6x!quant.uniform<u8:f32, 0.5:3>>
    // becomes a linalg.generic accumulating ext(x) * ext(w) into i32, and one
    // computing (i64(acc) * 1073741824 + 2^29) >> 30, clamped, + 3, as i8.
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def CheckNoQuantizedPass : Pass<"qnt-check-no-quantized", "::mlir::ModuleOp"> {
  let summary = "Fails if a quantized type or quant op is left";
  let description = [{
    The contract between the integer lowering and the rest of
    `qnt-lower-to-llvm` (in the manner of IREE's check of the IR before LLVM
    conversion): after `convert-qnt-to-fixed-point` no operand, result,
    block argument, function signature or type attribute mentions a
    `!quant` type, and no `quant` dialect op is left. Each violation is an
    error on the op that holds it.
  }];
}

def CheckAccumulatorBoundsPass : Pass<"qnt-check-accumulator-bounds"> {
  let summary = "Checks that quantized conv2d/matmul accumulators fit int32";
  let description = [{
    Runs the accumulator-bound analysis (lib/Analysis/AccumulatorBounds.cpp)
    on every quantized `qnt.conv2d` and `qnt.matmul`: the worst-case
    |accumulator| from the stored ranges of the operands (bit widths,
    constant weights channel by channel, clamps), the reduction length and
    the bias. An op whose bound exceeds int32 is an error, as in
    `convert-qnt-to-fixed-point`; with `remarks`, every op gets a remark
    with its bound and the realisation the lowering will use.
  }];
  let options = [
    Option<"remarks", "remarks", "bool", "false",
           "Emit a remark with the bound of every op">
  ];
}

//===----------------------------------------------------------------------===//
// SIMD int8 kernels (lib/Conversion/Int8Kernels, QntIntrinsicsToLLVM)
//===----------------------------------------------------------------------===//

def LowerInt8KernelsPass : Pass<"qnt-lower-int8-kernels"> {
  let summary = "Rewrites the integer conv2d (also depthwise) and matmul "
                "of convert-qnt-to-fixed-point into register-blocked SIMD "
                "micro-kernels";
  let description = [{
    Matches the int32 multiply-accumulates `convert-qnt-to-fixed-point`
    emits for a layer with constant 8-bit weights (its folded form, whose
    body is `acc + ext(x) * ext(w)`):

    - the matmul `linalg.generic` over `(batch..., m, k, n)` with an i8 / u8
      activation `[..., M, K]` and a constant i8 weight `[K, N]`;
    - the convolution `linalg.generic` over `(n, f, c, kh, kw, oh, ow)`
      (groups = 1, NCHW, input already padded) with a constant i8 weight
      `[F, C, KH, KW]`.

    Both become a GEMM `C[i][j] = init[i][j] + sum_k A[i][k] * B[k][j]`
    computed by a micro-kernel that holds `MR x NR` vectors of `L` int32
    accumulators in registers and steps through K by `G` (the group of
    products one lane of the instruction adds):

    - matmul: rows `i` are activation rows (batch dims flattened), lanes
      `j` output features. The weight is packed at compile time into
      `[Np/L][Kp/G][L*G]` (K and N zero-padded); activations are read
      `G` at a time and broadcast to every lane.
    - conv: rows are output channels, lanes output pixels of one image
      (the NCHW output is then written with contiguous vector stores). The
      weight is packed at compile time into `[F][Kp]`. The GEMM of each
      image runs in bands of output rows (about 16 KiB of rearranged
      input, L1-resident); each band of the input is rearranged at run
      time (im2col) into `[Mp/L][Kp/G][L*G]` by vector code, in two
      passes: (1) the `[K][M]` matrix, `k = (c, ky,
      kx)`, `m = (oy, ox)`: per channel and output row, each kernel row
      loads its input row once as a vector and each kernel column takes
      its output row out of it with one `vector.shuffle` whose static mask
      does the stride, the dilation and the padding (a `tensor.pad` of
      the input by a constant is read implicitly, against a splat of its
      value; a row of padding is chosen with `arith.select`); 1x1 stride-1
      unpadded convolutions skip this pass, their NCHW input already is
      `[K][M]`; (2) per group of `G` rows and block of `L` pixels, `G`
      vectors of `L` elements are interleaved by `vector.shuffle`s into one
      packed vector, encoded (xor 0x80, or widened to s16) and stored.
      When the accumulators' start is a constant per output channel (the
      bias and zero-point correction of `convert-qnt-to-fixed-point`,
      broadcast by a `linalg.generic` or a `linalg.fill`) and the epilogue
      below is fused, that start is added to the per-row compensation and
      the `[N, F, H, W]` i32 broadcast is not materialized.

    The loops around the micro-kernel are blocked for the caches (sizes
    fixed at compile time from the static dims; docs/Int8-kernels.md):
    row blocks of 256 rows, column panels of 128 columns, and K blocks of
    at most 48 KiB of packed B per micro-panel (`KC` groups x `NR`
    vectors), balanced so the last one is at most a little shorter. Inside
    a K block the micro-panel of B is the outer loop and the row tiles the
    inner one, so that the micro-panel stays in L1. Between K blocks the
    int32 accumulators of one row block x column panel are kept in a
    `tensor<256x128xi32>` (L2-resident; none with one K block, or for a
    GEMM of one row tile, whose B is read once); the first K block starts
    from C0 and the compensation, the last one stores the result. When C0
    is a `linalg.fill` or a broadcast of a 1-D i32 tensor along the output
    channels (the bias), the accumulators start from that scalar or vector
    and C0 is not read (nor, without an epilogue, written). An int32
    result (no fused epilogue) of at least 2 MiB, static, into a fresh tensor
    (`tensor.empty`) whose rows are whole vectors is written with
    `qnt.nontemporal_write` (streaming stores, which neither read the
    output's lines first nor evict the operands from the caches), and the
    loops over row blocks and column panels are marked
    `qnt.nontemporal_fence` so that `convert-qnt-intrinsics-to-llvm` ends
    each of their iterations with a fence.

    When the accumulators' only user is an element-wise `linalg.generic`
    over them and per-output-channel 1-D tensors (the requantization, or a
    dequantization), its body is applied to the accumulator vectors in
    registers and the kernel stores its result (i8, f32): the int32
    accumulators never go through memory. Its float rounding
    `fptosi(minimumf(maximumf(roundeven(p), lo), hi))` with integral
    bounds is emitted as `llvm.intr.lrint(minimumf(maximumf(p, lo), hi))`
    (one `vcvtps2dq`; the same integers, docs/Numerics.md section 12). Partial vectors (the last
    `columns % L` lanes) are read and written as shorter vectors, without
    masks.

    `target` selects the instruction:

    | target | L x G | instruction | activation handling |
    |--------|-------|-------------|---------------------|
    | `avx512-vnni` | 16 x 4 | `vpdpbusd` (u8 x s8) | s8 activations xor 0x80 (to u8), `-128 * sum_k w` folded into the accumulator start |
    | `avx2` | 8 x 2 | `vpmaddwd` on s16 | widened to s16, no saturation possible |
    | `arm-dotprod` | 4 x 4 | `sdot` (s8 x s8) | u8 activations xor 0x80 (to s8), `+128 * sum_k w` folded |
    | `portable` | 16 x 1 | `vector` ext, muli, addi | none |
    | `host` | | chosen from the host CPU's features at compile time | |

    Every path computes the exact int32 accumulator of the layer
    (docs/Numerics.md section 12): bit-identical to the reference lowering.
    The instructions are emitted as `qnt.dot_intrinsic`, which
    `convert-qnt-intrinsics-to-llvm` lowers after bufferization.

    Depthwise convolutions (`target=avx512-vnni` only; Depthwise.cpp): the
    `(n, c, kh, kw, oh, ow)` window multiply-accumulate with a constant
    `[C, 1, KH, KW]` weight and a constant per-channel accumulator start
    becomes, per image and channel, tiles of 16 consecutive pixels of the
    flattened output plane (crossing output rows; the column phases of the
    tiles repeat with a period of `OW / gcd(16, OW)` tiles, which are
    unrolled), each one vector of int32 accumulators; when such a tile
    would read more than 128 input bytes per kernel row (large vertical
    strides), column chunks of one output row instead. Per kernel row and
    group of up to 4 taps: one or two loads of the flattened padded input
    plane (masked to the bytes the tile reads), one `vector.shuffle`
    (vpermb, vpermt2b) whose static pattern gives each lane the 4 input
    bytes of its taps (stride, dilation and row crossings included), and
    one `vpdpbusd` against the 4 weights as one broadcast word (a missing
    tap has weight 0). s8 inputs are xor-ed with 0x80 and
    `-128 * sum w` joins the start; the requantization is fused as above and
    the valid lanes of each tile are stored. The other targets leave
    depthwise convolutions to `qnt-vectorize`.

    Other linalg ops, weights outside [-128, 127] (an asymmetric weight
    whose centered values need 9 bits), run-time weights and grouped
    convolutions are left alone.

    Before (the matmul of a 1x8 by 8x10 layer, u8 activations):

    ```mlir
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                          affine_map<(d0, d1, d2) -> (d1, d2)>,
                                          affine_map<(d0, d1, d2) -> (d0, d2)>],
                         iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%x, %w : tensor<?x8xi8>, tensor<8x10xi8>) outs(%init : tensor<?x10xi32>) {
      ^bb0(%a: i8, %b: i8, %acc: i32):
        %0 = arith.extui %a : i8 to i32
        %1 = arith.extsi %b : i8 to i32
        %2 = arith.muli %0, %1 : i32
        %3 = arith.addi %acc, %2 : i32
        linalg.yield %3 : i32
    } -> tensor<?x10xi32>
    ```

    After (`target=avx512-vnni`, abridged): the weight packed as
    `arith.constant dense<...> : tensor<1x2x64xi8>`, and `scf.for` loops
    over row blocks, column panels, micro-panels of B and row tiles whose
    body reads the accumulators from `%init` (one K block here), then

    ```mlir
    %w0 = vector.transfer_read %packed[%c0, %kg, %c0] ... : tensor<1x2x64xi8>, vector<64xi8>
    %a4 = vector.transfer_read %x[%row, %k] ... : tensor<?x8xi8>, vector<4xi8>
    %ab = vector.broadcast (vector.bitcast %a4 ...) : ... to vector<16xi32>
    %acc1 = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %u8, %w0)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```

    and `vector.transfer_write`s of the accumulators into the result.
  }];
  let options = [
    Option<"target", "target", "std::string", "\"host\"",
           "The instruction set of the micro-kernels: host, avx512-vnni, "
           "avx2, portable or arm-dotprod">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qnt::QntDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def ConvertQntIntrinsicsToLLVMPass
    : Pass<"convert-qnt-intrinsics-to-llvm"> {
  let summary = "Rewrites qnt.dot_intrinsic into llvm.call_intrinsic";
  let description = [{
    The last step of the int8 micro-kernels (`qnt-lower-int8-kernels`):
    every `qnt.dot_intrinsic` becomes the `llvm.call_intrinsic` it stands
    for. It runs after bufferization and buffer deallocation, which reject
    `llvm.call_intrinsic` (it has no memory-effect interface). The AVX2
    `llvm.x86.avx2.pmadd.wd` has no accumulator operand: the accumulator is
    added with `llvm.add`. An `scf.for` marked `qnt.nontemporal_fence` (its
    body makes non-temporal stores, which are weakly ordered) gets an
    `llvm.fence seq_cst` at the end of its body (`mfence` on x86, `dmb` on
    AArch64), so that each iteration's stores are visible when it ends,
    also when the iteration ran on another thread; the mark is removed.

    ```mlir
    %r = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %a, %b)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    // becomes
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %a, %b)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def UseRuntimeAllocatorPass
    : Pass<"qnt-use-runtime-allocator", "::mlir::ModuleOp"> {
  let summary = "Makes the generated code allocate its buffers with the "
                "quant-opt runtime's caching allocator";
  let description = [{
    `finalize-memref-to-llvm{use-generic-functions=1}` allocates memrefs
    with `_mlir_memref_to_llvm_alloc(i64)`, `_mlir_memref_to_llvm_aligned_alloc(i64, i64)`
    (alignment, size) and frees them with `_mlir_memref_to_llvm_free(ptr)`,
    names any other library may define as well. This pass renames these
    declarations and their calls to the quant-opt runtime's
    `quantopt_rt_alloc`, `quantopt_rt_aligned_alloc` and `quantopt_rt_free`
    (lib/Runtime, include/quant-opt/Runtime/Runtime.h): per-thread caches
    of freed blocks keyed by their exact size, so that a model called again
    takes its buffers back instead of having glibc return them to the kernel
    and fault them in again. `qnt-lower-to-llvm{caching-allocator=1}` (the
    default) runs it; the code then needs `libquant-opt-runtime.a` at link
    time (quant-compile's header says so; `mlir-runner` loads
    `libquant-opt-runtime-shared.so` with `-shared-libs`), and its results
    must be released with `quantopt_rt_free`. The allocation functions'
    results are marked `llvm.noalias`, as LLVM knows of `aligned_alloc` by
    its name: without it, alias analysis cannot tell a new buffer from the
    others and the code around it is optimized less.

    When the module has one of the generic functions, it is an error if it
    defines it (instead of only declaring it) or declares it with another
    type than the one below, or if the module declares the runtime's name
    with another type or uses it for something else.

    ```mlir
    llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
    llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
    %p = llvm.call @_mlir_memref_to_llvm_aligned_alloc(%a, %n) : (i64, i64) -> !llvm.ptr
    llvm.call @_mlir_memref_to_llvm_free(%p) : (!llvm.ptr) -> ()
    // becomes
    llvm.func @quantopt_rt_aligned_alloc(i64, i64) -> (!llvm.ptr {llvm.noalias})
    llvm.func @quantopt_rt_free(!llvm.ptr)
    %p = llvm.call @quantopt_rt_aligned_alloc(%a, %n) : (i64, i64) -> !llvm.ptr
    llvm.call @quantopt_rt_free(%p) : (!llvm.ptr) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ParallelizeLoopsPass : Pass<"qnt-parallelize-loops"> {
  let summary = "Chooses the loops that run on several threads";
  let description = [{
    The multi-threading of `qnt-lower-to-llvm{num-threads=N}` (N > 1). It
    runs on buffers, after `convert-linalg-to-parallel-loops`, and leaves
    exactly the loops that should be split across threads as `scf.parallel`
    for `convert-scf-to-openmp`:

    - an `scf.for` marked `qnt.parallel` (a loop whose iterations its
      creator knows to be independent: the int8 kernels' loops over images,
      bands of output rows and column panels, `qnt-vectorize`'s tile and
      window loops) whose results only pass buffers through (as
      bufferization leaves a loop over a tensor) becomes an `scf.parallel`,
      and perfectly nested ones become one multi-dimensional loop
      (upstream's `scf.parallel` canonicalization);
    - an `scf.parallel` inside another `scf.parallel` becomes sequential
      `scf.for` loops: only the outermost loop is split, one fork and join
      per loop nest;
    - an outermost `scf.parallel` with little work runs sequentially too:
      a fork and join (10 to 20 microseconds on a 2-vCPU VM) costs more
      than splitting such a loop saves. The work of a loop nest estimates
      the operations it executes: every op of a body once per iteration (a
      vector op counts as one). A nest with at least `min-work` even for one
      iteration of its dynamic dimensions (one image) stays parallel; one
      whose dimensions are all static and below `min-work` becomes
      sequential; otherwise the batch decides at run time: the nest is
      versioned into `scf.if` over the parallel loop and a sequential copy,
      taken when the dynamic trip count times the work of one iteration
      reaches `min-work`. Inside a nest, dynamic trip counts count as 1.
    - of a multi-dimensional outermost `scf.parallel`, only the leading
      dimensions whose static trip counts multiply to 8 (dynamic counts as
      1) stay parallel, the others become sequential loops inside: OpenMP
      splits a collapsed loop by its linearized index and recovers every
      dimension's index from it by division in every iteration, and LLVM
      vectorizes the inner loops (or makes memsets and memcpys of them) only
      as plain loops. A padded buffer's zero fill `(N, 64, 30, 30)` runs
      as `(N, 64)` in parallel around two `scf.for`.

    Loops with reductions (`scf.reduce` with operands) are left as they are.

    ```mlir
    scf.for %n = %c0 to %batch step %c1 {
      ...   // 40000 ops per image
    } {qnt.parallel}
    // becomes, with min-work=100000
    %enough = arith.cmpi sge, %batch, %c3 : index
    scf.if %enough {
      scf.parallel (%n) = (%c0) to (%batch) step (%c1) {
        ...
      }
    } else {
      scf.for %n = %c0 to %batch step %c1 {
        ...
      }
    }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "1000000",
           "Run an outermost parallel loop on several threads only when its "
           "nest executes at least this many operations (decided at run "
           "time when the loop's trip count is dynamic)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def InlineAllocaScopesPass : Pass<"qnt-inline-alloca-scopes"> {
  let summary = "Inlines memref.alloca_scope regions that allocate nothing "
                "on the stack";
  let description = [{
    `convert-scf-to-openmp` wraps the body of every parallel loop in a
    `memref.alloca_scope`, so that stack allocations in the body are freed
    at each iteration. A scope's region must keep a single block, which
    `convert-scf-to-cf` breaks when the body holds loops. Upstream's
    canonicalization inlines a scope only when nothing in it may allocate,
    and counts any op without memory effects (a `func.call`, an
    `llvm.call_intrinsic`) as one that may. This pass inlines every scope
    that holds no `memref.alloca` and no `llvm.alloca`: nothing to free.

    ```mlir
    memref.alloca_scope {
      scf.for %k = %c0 to %c8 step %c1 { ... }
    }
    // becomes
    scf.for %k = %c0 to %c8 step %c1 { ... }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def FuseElementwisePass : Pass<"qnt-fuse-elementwise"> {
  let summary = "Fuses element-wise linalg ops into their consumers unless "
                "the fusion would recompute them";
  let description = [{
    The producer/consumer fusion of upstream `linalg-fuse-elementwise-ops`
    (with its reshape folding by expansion, its canonicalizations and its
    constant folding), part of `qnt-lower-to-llvm` in its place. Its
    control function refuses a fusion that would compute a producer's
    elements more than once: the consumer must read the fused operand
    through a permutation of its loops, unless the producer only copies an
    input (a broadcast or a transposition: recomputing it is a load). As
    upstream, the producer must have one use.

    Upstream fuses the softmax's division and requantization into the
    attention's `softmax x V` matmul: the matmul reads that operand through
    `(b, h, i, k)`, without its output column `j`, so the division, the
    rounding and the clamps ran once per multiply-accumulate (16 times per
    element for heads of 16). Here the softmax result is materialized once
    and the matmul reads it. The computed values are the same: only where
    they are computed changes.

    Kept apart (the consumer's map of `%p` is `(d0, d1, d3)`, not a
    permutation of its four loops):

    ```mlir
    %p = linalg.generic {indexing_maps = [#id3, #id3],
                         iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%x : tensor<4x17x17xf32>) outs(%e : tensor<4x17x17xi8>) {...}
    %mm = linalg.generic {indexing_maps = [#lhs, #rhs, #out],
                          iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
        ins(%p, %v : tensor<4x17x17xi8>, tensor<4x17x16xi8>)
        outs(%acc : tensor<4x17x16xi32>) {...}
    ```

    Fused as upstream does: a consumer reading `%p` through the identity (or
    any permutation), such as the sums of a layer norm.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def TabulateElementwisePass
    : Pass<"qnt-tabulate-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Computes element-wise ops of one 8-bit input that call "
                "expensive math functions as 256-entry tables at run time";
  let description = [{
    An element-wise `linalg.generic` (every loop parallel, no
    `linalg.index`) whose only input is an 8-bit tensor, whose body does
    not read the output, consists of pure ops without regions and calls a
    math function that is not one instruction (anything of the `math`
    dialect but `roundeven`, `round`, `floor`, `ceil`, `trunc`, `absf`,
    `absi`, `copysign`, `fma` and `sqrt`: e.g. `erf`, `exp`, `tanh`,
    which become a libm call per element, or per lane of a vector), on
    more than `min-elements` elements (a dynamic dim counts as more), takes
    at most 256 distinct inputs. The pass computes the op's body at run
    time on the 256 bit patterns (a 1-D `linalg.generic` over a constant
    `tensor<256xi8>` holding 0, 1, ..., 255, with a clone of the body) and
    replaces the body by a `tensor.extract` from that table at the input's
    unsigned value. The entries come from the same ops on the same inputs,
    so the results are bit for bit those of the op. Part of
    `qnt-lower-to-llvm` before `qnt-vectorize` (with `vectorize=false`
    neither runs), for the quantized GELU (`erf`).

    Before:

    ```mlir
    %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = [...]}
        ins(%x : tensor<?x17x128xi8>) outs(%e : tensor<?x17x128xi8>) {
    ^bb0(%in: i8, %out: i8):
      ... %f = math.erf %s : f32 ...
      linalg.yield %q : i8
    } -> tensor<?x17x128xi8>
    ```

    After:

    ```mlir
    %keys = arith.constant dense<[0, 1, 2, ..., -1]> : tensor<256xi8>
    %table = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
        ins(%keys : tensor<256xi8>) outs(%t : tensor<256xi8>) {
    ^bb0(%in: i8, %out: i8):
      ... %f = math.erf %s : f32 ...       // the op's body
      linalg.yield %q : i8
    } -> tensor<256xi8>
    %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = [...]}
        ins(%x : tensor<?x17x128xi8>) outs(%e : tensor<?x17x128xi8>) {
    ^bb0(%in: i8, %out: i8):
      %w = arith.extui %in : i8 to i32
      %i = arith.index_castui %w : i32 to index
      %v = tensor.extract %table[%i] : tensor<256xi8>
      linalg.yield %v : i8
    } -> tensor<?x17x128xi8>
    ```
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", "256",
           "Tabulate only ops of more elements than this (at least 0)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def VectorizePass : Pass<"qnt-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Vectorizes the element-wise linalg.generic ops and the "
                "window reductions (depthwise conv, max pool) on tensors";
  let description = [{
    SIMD code for the `linalg.generic` ops that `qnt-lower-int8-kernels`
    leaves, before bufferization (part of `qnt-lower-to-llvm` unless its
    `vectorize` option is false). Two families:

    - Element-wise ops: every loop parallel, every operand map a projected
      permutation, the result maps identities, a body of element-wise ops
      (requantization, quantize, dequantize, additions, clamps, bias
      broadcasts, float activations). The trailing dims that every operand
      keeps contiguous are collapsed (`linalg::collapseOpIterationDims`:
      H x W of an NCHW tensor, also under a per-channel operand), the op is
      tiled with `scf::tileUsingSCF` into tiles of `1 x ... x 1 x L` (L =
      `vector-size`, or the whole innermost dim when it is shorter) and each
      tile is vectorized by `linalg::vectorize` (masked for the last,
      partial tile). The upstream vector patterns then make the transfers
      1-D (mask lowering, permutation maps as broadcasts, unit dims
      dropped). An input that broadcasts a unit dim through a constant 0
      in its map (`(d0, d1, d2) -> (d0, d1, 0)` on a `?x17x1` tensor: a
      layer norm's row statistics) is first read as a rank-reduced
      `tensor.extract_slice` through the map without that result.
    - Window reductions: the `(n, c, kh, kw, oh, ow)` generic of a
      depthwise convolution or a max pool (input map
      `(n, c, oh * sh + kh * dh, ow * sw + kw * dw)`, a second operand
      indexed by `(c, kh, kw)` only, static sizes but the batch). Each
      output row is computed in tiles of L pixels (the last tile narrower,
      never masked): the accumulator is read once, the taps are unrolled
      in the scalar order (kh, then kw), each adding the body applied to a
      vector of input pixels (for a stride s > 1, the covering row segment
      read once and every s-th element picked by `vector.shuffle`) and the
      broadcast weight, and the tile is written once.

    - Inner-parallel reductions: a generic with reduction loops whose
      innermost loop is parallel, static and at most 4 x `vector-size`
      long, indexing the output's last dim (the attention's matmuls of two
      activations, `(b, h, i, k, j)`; a mean over tokens). Per point of the
      outer parallel loops, one accumulator vector along the innermost
      loop; the reduction loops run in their order, the body applied to it,
      to rows of the operands indexed by that loop (in their last dim) and
      to broadcast scalars of the others.

    Each lane computes the ops of the scalar body in the scalar order: the
    results are bit for bit those of the scalar loops. Other ops
    (reductions along the innermost loop such as softmax's or a layer
    norm's row sums, gathers with
    `tensor.extract` or `linalg.index`, dynamic innermost dims) are left
    alone.

    Before (a requantization, per-channel multiplier):

    ```mlir
    %r = linalg.generic {indexing_maps = [#id, #chan, #id],
                         iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%acc, %m : tensor<?x64x28x28xi32>, tensor<64xf32>)
        outs(%e : tensor<?x64x28x28xi8>) {...}
    ```

    After (the 28 x 28 pixels collapsed, 16 lanes):

    ```mlir
    %r = scf.for %n = %c0 to %batch step %c1 iter_args(%t0 = %init) -> (tensor<?x64x784xi8>) {
      scf.for %c = %c0 to %c64 step %c1 iter_args(%t1 = %t0) -> (tensor<?x64x784xi8>) {
        scf.for %p = %c0 to %c784 step %c16 iter_args(%t2 = %t1) -> (tensor<?x64x784xi8>) {
          %a = vector.transfer_read %acc_slice[...] : tensor<1x1x16xi32>, vector<16xi32>
          %f = arith.sitofp %a : vector<16xi32> to vector<16xf32>
          ...
          %w = vector.transfer_write %q, %out_slice[...] : vector<16xi8>, tensor<1x1x16xi8>
    ```
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", "16",
           "Lanes of the vectors (at least 1): pixels per tile along the "
           "innermost dim">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def VectorizeFloatConvPass : Pass<"qnt-vectorize-float-conv", "::mlir::func::FuncOp"> {
  let summary = "Register-blocked SIMD code for the float convolutions "
                "(groups == 1) on tensors";
  let description = [{
    Rewrites the `(n, f, c, kh, kw, oh, ow)` `linalg.generic` of a float
    `qnt.conv2d` with `groups == 1` (as `convert-qnt-to-linalg` emits it: the
    input map `(n, c, oh * sh + kh * dh, ow * sw + kw * dw)` of the padded
    input, the weight map `(f, c, kh, kw)`, the output map `(n, f, oh, ow)`,
    a body `out + in * weight` of one `arith.mulf` and one `arith.addf`
    without fast-math flags, static sizes but the batch) into loops over
    tiles of `filter-block` output channels x `vector-size` output columns
    of one output row. Part of `qnt-lower-to-llvm` (before `qnt-vectorize`)
    unless its `vectorize` option is false.

    The scalar loops re-read and re-write the whole output plane once per
    `(c, kh, kw)`; a tile instead keeps its accumulators in registers: they
    are read once from the output operand (the bias broadcast), the loop
    over input channels (`scf.for`) carries them, the taps `(kh, kw)` are
    unrolled (windows of more than 25 taps: a loop over `kh`, `kw`
    unrolled) and each tap reads the input row segment once (for a stride
    `s > 1` the covering segment, every `s`-th element picked by
    `vector.shuffle`) and adds its product with each filter's broadcast
    weight; the tile is written once. The last tiles of filters and of
    columns are narrower (fewer accumulators, shorter vectors; never
    masked). The loops over images and over filter blocks are marked
    `qnt.parallel`.

    Each lane is one output element and adds the products in the scalar
    order (c, then kh, then kw) with the body's own ops: the results are bit
    for bit those of the scalar loops. Depthwise float convolutions are
    `qnt-vectorize`'s window reductions; grouped ones (1 < groups <
    channels) and integer convolutions are left alone.

    Before:

    ```mlir
    %r = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
        ins(%padded, %w : tensor<?x3x15x23xf32>, tensor<5x3x3x3xf32>) outs(%bias : tensor<?x5x13x19xf32>) {
    ^bb0(%x: f32, %k: f32, %o: f32):
      %p = arith.mulf %x, %k : f32
      %s = arith.addf %o, %p : f32
      linalg.yield %s : f32
    } -> tensor<?x5x13x19xf32>
    ```

    After (`filter-block=4`, 16 lanes; the tiles of the fifth filter and
    of the last 3 columns are alike):

    ```mlir
    scf.for %n = %c0 to %batch step %c1 iter_args(%t0 = %bias) -> (tensor<?x5x13x19xf32>) {
      scf.for %f = %c0 to %c4 step %c4 iter_args(%t1 = %t0) -> (tensor<?x5x13x19xf32>) {
        scf.for %oh = %c0 to %c13 step %c1 iter_args(%t2 = %t1) -> (tensor<?x5x13x19xf32>) {
          scf.for %ow = %c0 to %c16 step %c16 iter_args(%t3 = %t2) -> (tensor<?x5x13x19xf32>) {
            %a0 = vector.transfer_read %t3[%n, %f, %oh, %ow], %cst {in_bounds = [true]} : tensor<?x5x13x19xf32>, vector<16xf32>
            ...
            %acc:4 = scf.for %c = %c0 to %c3 step %c1 iter_args(%s0 = %a0, ...) -> (vector<16xf32>, ...) {
              %x = vector.transfer_read %padded[%n, %c, %oh, %ow], %cst {in_bounds = [true]} : tensor<?x3x15x23xf32>, vector<16xf32>
              %k = tensor.extract %w[%f, %c, %c0, %c0] : tensor<5x3x3x3xf32>
              %kv = vector.broadcast %k : f32 to vector<16xf32>
              %p = arith.mulf %x, %kv : vector<16xf32>
              %s = arith.addf %s0, %p : vector<16xf32>
              ...
            }
            %w0 = vector.transfer_write %acc#0, %t3[%n, %f, %oh, %ow] {in_bounds = [true]} : vector<16xf32>, tensor<?x5x13x19xf32>
            ...
        } {qnt.parallel}
    } {qnt.parallel}
    ```
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", "16",
           "Lanes of the vectors (at least 1): output columns per tile">,
    Option<"filterBlock", "filter-block", "int64_t", "4",
           "Output channels per tile (at least 1): accumulators kept in "
           "registers, each input segment shared between them">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // QUANTOPT_CONVERSION_PASSES_TD
