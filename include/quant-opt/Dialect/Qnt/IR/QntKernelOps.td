//===- QntKernelOps.td - qnt ops of the int8 micro-kernels -*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The SIMD dot-product instructions the int8 micro-kernels use
// (qnt-lower-int8-kernels), as a pure op until after bufferization.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTKERNELOPS_TD
#define QUANTOPT_DIALECT_QNT_IR_QNTKERNELOPS_TD

include "quant-opt/Dialect/Qnt/IR/QntBase.td"
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

#endif // QUANTOPT_DIALECT_QNT_IR_QNTKERNELOPS_TD
