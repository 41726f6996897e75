// Row i of the result: the OpenMP thread that ran iteration i of a loop
// marked qnt.parallel (multi-threaded.test), then the row's input plus
// 131072 x 0. The inner loop gives the nest enough work (131072 additions per
// image: from 8 images on, qnt-parallelize-loops' default min-work) to be
// split.
func.func private @omp_get_thread_num() -> i32

func.func @main(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c131072 = arith.constant 131072 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x2xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %x) -> tensor<?x2xf32> {
    %id = func.call @omp_get_thread_num() : () -> i32
    %f = arith.sitofp %id : i32 to f32
    %u = tensor.insert %f into %t[%i, %c0] : tensor<?x2xf32>
    %old = tensor.extract %u[%i, %c1] : tensor<?x2xf32>
    %sum = scf.for %k = %c0 to %c131072 step %c1 iter_args(%s = %old) -> f32 {
      %s2 = arith.addf %s, %zero : f32
      scf.yield %s2 : f32
    }
    %w = tensor.insert %sum into %u[%i, %c1] : tensor<?x2xf32>
    scf.yield %w : tensor<?x2xf32>
  } {qnt.parallel}
  return %r : tensor<?x2xf32>
}
