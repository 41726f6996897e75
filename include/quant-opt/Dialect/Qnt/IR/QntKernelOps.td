//===- QntKernelOps.td - qnt ops of the int8 micro-kernels -*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The SIMD dot-product instructions the int8 micro-kernels use
// (qnt-lower-int8-kernels), as a pure op until after bufferization, and the
// non-temporal stores of their results into large outputs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTKERNELOPS_TD
#define QUANTOPT_DIALECT_QNT_IR_QNTKERNELOPS_TD

include "quant-opt/Dialect/Qnt/IR/QntBase.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Qnt_DotIntrinsicOp : Qnt_Op<"dot_intrinsic", [Pure]> {
  let summary = "A SIMD integer dot-product instruction on vectors";
  let description = [{
    One call of the LLVM intrinsic `intrinsic` on vectors, with no memory
    effects. `qnt-lower-int8-kernels` emits it in the micro-kernels it
    builds on tensors, and `convert-qnt-intrinsics-to-llvm` rewrites it into
    `llvm.call_intrinsic` once bufferization and buffer deallocation are
    done: `llvm.call_intrinsic` has no memory-effect interface, and the
    ownership-based buffer deallocation rejects ops with unknown effects
    ("ops with unknown memory side effects are not supported"), while this
    op is `Pure`, which is what the instructions are.

    The verifier accepts the intrinsics the kernels use, each with its
    exact LLVM 22 signature `(accumulator, a, b) -> accumulator`:

    | intrinsic | a, b | accumulator | instruction |
    |-----------|------|-------------|-------------|
    | `llvm.x86.avx512.vpdpbusd.512` | `vector<64xi8>` (u8, s8) | `vector<16xi32>` | AVX-512 VNNI `vpdpbusd` |
    | `llvm.x86.avx2.pmadd.wd` | `vector<16xi16>` | `vector<8xi32>` | AVX2 `vpmaddwd` (no accumulator: `acc` is added) |
    | `llvm.aarch64.neon.sdot.v4i32.v16i8` | `vector<16xi8>` (s8, s8) | `vector<4xi32>` | Arm `sdot` |
    | `llvm.aarch64.neon.udot.v4i32.v16i8` | `vector<16xi8>` (u8, u8) | `vector<4xi32>` | Arm `udot` |

    For `llvm.x86.avx2.pmadd.wd` the lowering is the intrinsic on `a, b`
    followed by an `llvm.add` of `acc`: vpmaddwd has no accumulating form
    before AVX-512 VNNI.

    ```mlir
    %acc1 = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %u8, %s8)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```
  }];
  let arguments = (ins StrAttr:$intrinsic, VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8, I16]>:$lhs,
                       VectorOfRankAndType<[1], [I8, I16]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $intrinsic `(` $acc `,` $lhs `,` $rhs `)` attr-dict `:`
    `(` type($acc) `,` type($lhs) `,` type($rhs) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qnt_NontemporalWriteOp : Qnt_Op<"nontemporal_write", [
    Pure, AllTypesMatch<["dest", "result"]>,
    DeclareOpInterfaceMethods<BufferizableOpInterface,
        ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
         "getAliasingValues", "bufferize"]>]> {
  let summary = "Writes a vector into a tensor with a non-temporal store";
  let description = [{
    The tensor `dest` with the 1-D `vector` written at `indices`, along its
    innermost dim (the lanes at `indices[last] .. + size - 1`, which must
    be in bounds, as for `vector.store`). The value is that of an in-bounds
    `vector.transfer_write`; the difference is the store: bufferization
    makes it a `vector.store` with `nontemporal = true` and the given
    `alignment`, which LLVM emits as a streaming store (`vmovntdq` on x86)
    that does not read the line first and does not keep it in the caches.

    `qnt-lower-int8-kernels` writes the int32 result of a GEMM whose
    output is larger than the L2 cache with it (the caller does not read
    that output back before much of it would have left the caches anyway),
    when it can prove the alignment: the output is a fresh buffer
    (`tensor.empty`, allocated `buffer-alignment`-aligned, 64 bytes, by
    one-shot bufferization), its rows are a multiple of `alignment` bytes
    long, and every store starts at a multiple of `alignment` bytes from
    the row start. The store's address must be a multiple of `alignment`
    (a misaligned streaming store faults on x86): an op whose address is
    not is undefined behaviour, like a `vector.store` with a wrong
    `alignment`.

    Constraints: **(nontemporal_write_c1)** `vector` is 1-D and has the
    element type of `dest`; **(nontemporal_write_c2)** one index per dim of
    `dest`; **(nontemporal_write_c3)** `alignment` is a positive power of
    two.

    ```mlir
    %c1 = qnt.nontemporal_write %acc, %c[%i, %j] {alignment = 64}
        : vector<16xi32>, tensor<2048x2048xi32>
    ```
  }];
  let arguments = (ins VectorOfRank<[1]>:$vector, AnyRankedTensor:$dest,
                       Variadic<Index>:$indices,
                       ConfinedAttr<I64Attr, [IntPositive]>:$alignment);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $vector `,` $dest `[` $indices `]` attr-dict `:` type($vector) `,`
    type($dest)
  }];
  let hasVerifier = 1;
}

#endif // QUANTOPT_DIALECT_QNT_IR_QNTKERNELOPS_TD
