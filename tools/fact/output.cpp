#include "output.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fact::tool {
namespace {

bool write_all(std::FILE* file, std::span<const uint8_t> bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
}

}  // namespace

Outcome write_output(const std::string& path, std::span<const uint8_t> bytes, bool binary) {
  if (path.empty() || path == "-") {
    if (binary && isatty(STDOUT_FILENO)) {
      return Failure{
          "refusing to write a binary module to a terminal; use -o FILE, or -t for text"};
    }
    if (!write_all(stdout, bytes) || std::fflush(stdout) != 0) {
      return Failure{std::string("cannot write to standard output: ") + std::strerror(errno)};
    }
    return std::nullopt;
  }
  std::FILE* file = std::fopen(path.c_str(), binary ? "wb" : "w");
  if (!file) return Failure{"cannot open '" + path + "' for writing: " + std::strerror(errno)};
  bool written = write_all(file, bytes);
  int saved_errno = errno;
  if (std::fclose(file) != 0 && written) {
    written = false;
    saved_errno = errno;
  }
  if (!written) return Failure{"cannot write '" + path + "': " + std::strerror(saved_errno)};
  return std::nullopt;
}

}  // namespace fact::tool
