//===- Npy.cpp - NumPy .npy files -------------------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir::quantopt;
using llvm::StringRef;

size_t mlir::quantopt::elementSize(ElementKind kind) {
  switch (kind) {
  case ElementKind::F64:
  case ElementKind::I64:
    return 8;
  case ElementKind::F32:
  case ElementKind::I32:
    return 4;
  case ElementKind::I16:
    return 2;
  case ElementKind::I8:
  case ElementKind::U8:
  case ElementKind::Bool:
    return 1;
  }
  llvm_unreachable("unknown element kind");
}

StringRef mlir::quantopt::npyDescr(ElementKind kind) {
  switch (kind) {
  case ElementKind::F32:
    return "<f4";
  case ElementKind::F64:
    return "<f8";
  case ElementKind::I8:
    return "|i1";
  case ElementKind::U8:
    return "|u1";
  case ElementKind::I16:
    return "<i2";
  case ElementKind::I32:
    return "<i4";
  case ElementKind::I64:
    return "<i8";
  case ElementKind::Bool:
    return "|b1";
  }
  llvm_unreachable("unknown element kind");
}

int64_t HostArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

HostArray HostArray::zeros(ElementKind kind, llvm::ArrayRef<int64_t> shape) {
  HostArray array;
  array.kind = kind;
  array.shape.assign(shape.begin(), shape.end());
  array.bytes.assign(array.numElements() * elementSize(kind), 0);
  return array;
}

static llvm::Error npyError(StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + message);
}

/// The value of `key` in the header dict, e.g. `'descr': '<f4'` -> `'<f4'`.
static std::optional<StringRef> headerValue(StringRef header, StringRef key) {
  std::string quoted = ("'" + key + "'").str();
  size_t at = header.find(quoted);
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    return close == StringRef::npos ? std::nullopt
                                    : std::optional(rest.take_front(close + 1));
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).trim();
}

llvm::Expected<HostArray> mlir::quantopt::readNpy(StringRef path) {
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return npyError(path, "cannot open: " + bufferOr.getError().message());
  StringRef contents = (*bufferOr)->getBuffer();

  if (!contents.starts_with("\x93NUMPY") || contents.size() < 10)
    return npyError(path, "not a .npy file (bad magic)");
  uint8_t major = contents[6];
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = uint8_t(contents[8]) | (uint8_t(contents[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (contents.size() < 12)
      return npyError(path, "truncated header");
    headerLength = 0;
    for (int i = 0; i < 4; ++i)
      headerLength |= size_t(uint8_t(contents[8 + i])) << (8 * i);
    headerStart = 12;
  } else {
    return npyError(path, "unsupported .npy format version " +
                              llvm::Twine(int(major)));
  }
  if (headerStart + headerLength > contents.size())
    return npyError(path, "truncated header");
  StringRef header = contents.substr(headerStart, headerLength);

  std::optional<StringRef> descr = headerValue(header, "descr");
  std::optional<StringRef> fortran = headerValue(header, "fortran_order");
  std::optional<StringRef> shapeText = headerValue(header, "shape");
  if (!descr || !fortran || !shapeText)
    return npyError(path, "malformed header '" + header.trim() + "'");
  if (*fortran != "False")
    return npyError(path, "Fortran-order arrays are not supported; save "
                          "with numpy.ascontiguousarray");

  HostArray array;
  StringRef d = descr->trim("'\"");
  static const std::pair<StringRef, ElementKind> kinds[] = {
      {"<f4", ElementKind::F32}, {"<f8", ElementKind::F64},
      {"|i1", ElementKind::I8},  {"|u1", ElementKind::U8},
      {"<i2", ElementKind::I16}, {"<i4", ElementKind::I32},
      {"<i8", ElementKind::I64}, {"|b1", ElementKind::Bool}};
  bool known = false;
  for (auto [name, kind] : kinds)
    if (d == name) {
      array.kind = kind;
      known = true;
    }
  if (!known)
    return npyError(path, "unsupported dtype '" + d +
                              "' (expected float32, float64, int8, uint8, "
                              "int16, int32, int64 or bool, little-endian)");

  StringRef dims = shapeText->trim("()");
  llvm::SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int64_t dim;
    if (part.trim().getAsInteger(10, dim) || dim < 0)
      return npyError(path, "bad shape '" + *shapeText + "'");
    array.shape.push_back(dim);
  }

  size_t dataStart = headerStart + headerLength;
  size_t expected = array.numElements() * elementSize(array.kind);
  if (contents.size() - dataStart != expected)
    return npyError(path, "has " + llvm::Twine(contents.size() - dataStart) +
                              " data bytes, but its header promises " +
                              llvm::Twine(expected) + " (truncated file?)");
  const uint8_t *data =
      reinterpret_cast<const uint8_t *>(contents.data() + dataStart);
  array.bytes.assign(data, data + expected);
  return array;
}

llvm::Error mlir::quantopt::writeNpy(StringRef path, const HostArray &array) {
  // Python tuple syntax: "()", "(4,)", "(2, 3)".
  std::string shape = "(";
  for (auto [i, d] : llvm::enumerate(array.shape))
    shape += (i ? ", " : "") + std::to_string(d);
  shape += array.shape.size() == 1 ? ",)" : ")";
  std::string header = "{'descr': '" + npyDescr(array.kind).str() +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return npyError(path, "cannot write: " + ec.message());
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
     << char(header.size() >> 8) << header;
  os.write(reinterpret_cast<const char *>(array.bytes.data()),
           array.bytes.size());
  os.close();
  if (os.has_error())
    return npyError(path, "write failed: " + os.error().message());
  return llvm::Error::success();
}
