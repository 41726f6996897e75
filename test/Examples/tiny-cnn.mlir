// The bundled example stays valid IR, stable under round trips.
// RUN: quant-opt %quantopt_src/examples/tiny-cnn.mlir | quant-opt | FileCheck %s
// RUN: quant-opt %quantopt_src/examples/tiny-cnn.mlir -qnt-bypass-quantizers | FileCheck %s --check-prefix=BYPASS

// CHECK-LABEL: func.func @float_model
// CHECK: qnt.batch_norm
// CHECK-LABEL: func.func @qsim_model
// CHECK-COUNT-6: qnt.fake_quant
// CHECK-LABEL: func.func @int8_model
// CHECK: qnt.conv2d {{.*}} -> tensor<?x4x28x28x!quant.uniform<i32:f32, 3.5911687509649534E-5>>
// CHECK: qnt.requantize {{.*}} rounding = <double_round>
// CHECK: dialect_resources
// CHECK: conv1_weight: "0x04000000

// BYPASS-LABEL: func.func @qsim_model
// BYPASS-NOT: qnt.fake_quant
// BYPASS: return
