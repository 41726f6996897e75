// Row i of the result: the OpenMP thread that ran iteration i of a loop
// marked qnt.parallel (multi-threaded.test), then the row's input.
func.func private @omp_get_thread_num() -> i32

func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %x) -> tensor<?x2xf32> {
    %id = func.call @omp_get_thread_num() : () -> i32
    %f = arith.sitofp %id : i32 to f32
    %u = tensor.insert %f into %t[%i, %c0] : tensor<?x2xf32>
    scf.yield %u : tensor<?x2xf32>
  } {qnt.parallel}
  return %r : tensor<?x2xf32>
}
