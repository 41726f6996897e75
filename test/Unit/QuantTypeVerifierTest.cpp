//===- QuantTypeVerifierTest.cpp - quantized type rules ---------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The rules on quantized types that textual IR cannot reach, because the
// upstream type parser already rejects such types: qtype_c1 (a scale that is
// zero, negative, infinite or NaN) on types built through the C++ API.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace mlir;

namespace {

class QuantTypeVerifierTest : public ::testing::Test {
protected:
  QuantTypeVerifierTest() { context.loadDialect<qnt::QntDialect>(); }

  /// Runs the verifier on `type`; returns the diagnostic ("" on success).
  std::string verify(Type type, bool allowAccumulator = false) {
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    auto emitError = [&] { return mlir::emitError(UnknownLoc::get(&context)); };
    if (succeeded(qnt::verifyQuantizedTensorType(emitError, type, "operand",
                                                 allowAccumulator)))
      return "";
    return message.empty() ? "<no message>" : message;
  }

  Type perTensor(double scale, unsigned bits = 8) {
    auto i = IntegerType::get(&context, bits);
    auto q = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, i, Float32Type::get(&context), scale,
        0, -(int64_t(1) << (bits - 1)), (int64_t(1) << (bits - 1)) - 1);
    return RankedTensorType::get({4}, q);
  }

  MLIRContext context;
};

// qtype_c1
TEST_F(QuantTypeVerifierTest, ScaleMustBePositiveAndFinite) {
  EXPECT_EQ(verify(perTensor(0.5)), "");
  for (double bad :
       {0.0, -0.5, std::numeric_limits<double>::infinity(), std::nan("")}) {
    std::string message = verify(perTensor(bad));
    EXPECT_NE(message.find("(qtype_c1)"), std::string::npos)
        << "scale " << bad << ": " << message;
  }
}

// qtype_c1 on a per-axis type.
TEST_F(QuantTypeVerifierTest, PerAxisScalesMustBePositive) {
  auto q = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(&context, 8),
      Float32Type::get(&context), {0.5, 0.0}, {0, 0}, /*dim=*/0, -128, 127);
  std::string message = verify(RankedTensorType::get({2, 3}, q));
  EXPECT_NE(message.find("(qtype_c1)"), std::string::npos) << message;
}

// Float tensors and valid quantized tensors pass; accumulators only when
// allowed (qtype_c3).
TEST_F(QuantTypeVerifierTest, AccumulatorsOnlyWhereAllowed) {
  EXPECT_EQ(verify(RankedTensorType::get({4}, Float32Type::get(&context))), "");
  Type acc = perTensor(0.5, /*bits=*/32);
  EXPECT_EQ(verify(acc, /*allowAccumulator=*/true), "");
  EXPECT_NE(verify(acc).find("(qtype_c3)"), std::string::npos);
}

} // namespace
