// RUN: quant-opt %s --qnt-use-runtime-allocator --split-input-file --verify-diagnostics | FileCheck %s

// The generic functions of finalize-memref-to-llvm{use-generic-functions=1}
// become the runtime's, declarations and calls; other functions stay.

// CHECK-LABEL: module @renamed
// CHECK-DAG: llvm.func @quantopt_rt_alloc(i64) -> (!llvm.ptr {llvm.noalias})
// CHECK-DAG: llvm.func @quantopt_rt_aligned_alloc(i64, i64) -> (!llvm.ptr {llvm.noalias})
// CHECK-DAG: llvm.func @quantopt_rt_free(!llvm.ptr)
// CHECK-DAG: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK: llvm.func @f(%[[N:.*]]: i64)
// CHECK: %[[A:.*]] = llvm.call @quantopt_rt_alloc(%[[N]]) : (i64) -> !llvm.ptr
// CHECK: %[[B:.*]] = llvm.call @quantopt_rt_aligned_alloc(%[[N]], %[[N]]) : (i64, i64) -> !llvm.ptr
// CHECK: %[[C:.*]] = llvm.call @malloc(%[[N]]) : (i64) -> !llvm.ptr
// CHECK: llvm.call @quantopt_rt_free(%[[A]]) : (!llvm.ptr) -> ()
// CHECK: llvm.call @quantopt_rt_free(%[[B]]) : (!llvm.ptr) -> ()
// CHECK-NOT: _mlir_memref_to_llvm
module @renamed {
  llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @f(%n: i64) {
    %a = llvm.call @_mlir_memref_to_llvm_alloc(%n) : (i64) -> !llvm.ptr
    %b = llvm.call @_mlir_memref_to_llvm_aligned_alloc(%n, %n) : (i64, i64) -> !llvm.ptr
    %c = llvm.call @malloc(%n) : (i64) -> !llvm.ptr
    llvm.call @_mlir_memref_to_llvm_free(%a) : (!llvm.ptr) -> ()
    llvm.call @_mlir_memref_to_llvm_free(%b) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

// The runtime's free already declared (e.g. by the user): the calls move to
// it and the generic declaration goes.

// CHECK-LABEL: module @merged
// CHECK-COUNT-1: llvm.func @quantopt_rt_free(!llvm.ptr)
// CHECK-NOT: llvm.func @quantopt_rt_free
// CHECK: llvm.call @quantopt_rt_free(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK-NEXT: llvm.call @quantopt_rt_free(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK-NOT: _mlir_memref_to_llvm
module @merged {
  llvm.func @quantopt_rt_free(!llvm.ptr)
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
  llvm.func @g(%p: !llvm.ptr, %q: !llvm.ptr) {
    llvm.call @_mlir_memref_to_llvm_free(%p) : (!llvm.ptr) -> ()
    llvm.call @quantopt_rt_free(%q) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

// A module without the generic functions is left alone.

// CHECK-LABEL: module @untouched
// CHECK: llvm.func @free(!llvm.ptr)
// CHECK-NOT: quantopt_rt
module @untouched {
  llvm.func @free(!llvm.ptr)
}

// -----

module @defined {
  // expected-error @below {{expected @_mlir_memref_to_llvm_free to be the declaration of type '!llvm.func<void (ptr)>' that finalize-memref-to-llvm{use-generic-functions=1} creates}}
  llvm.func @_mlir_memref_to_llvm_free(%p: !llvm.ptr) {
    llvm.return
  }
}

// -----

module @wrong_type {
  // expected-error @below {{expected @_mlir_memref_to_llvm_alloc to be the declaration of type '!llvm.func<ptr (i64)>' that finalize-memref-to-llvm{use-generic-functions=1} creates}}
  llvm.func @_mlir_memref_to_llvm_alloc(i32) -> !llvm.ptr
}

// -----

module @taken {
  // expected-error @below {{@quantopt_rt_aligned_alloc is the quant-opt runtime's function of type '!llvm.func<ptr (i64, i64)>'; the module declares it otherwise}}
  llvm.func @quantopt_rt_aligned_alloc(i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
}

// -----

module @not_a_function {
  // expected-error @below {{@quantopt_rt_free is the quant-opt runtime's function of type '!llvm.func<void (ptr)>'; the module declares it otherwise}}
  llvm.mlir.global external @quantopt_rt_free() : i64
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
}

// -----

// The runtime's names are only checked when there is something to rename.

// CHECK-LABEL: module @unrelated
// CHECK: llvm.func @quantopt_rt_alloc(i32)
module @unrelated {
  llvm.func @quantopt_rt_alloc(i32)
}
