#include "input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace fact::tool {

Outcome read_input_file(const std::string& path, std::vector<uint8_t>& bytes) {
  const bool from_stdin = path == "-";
  std::FILE* file = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (!file) return Failure{"cannot open '" + path + "': " + std::strerror(errno)};
  uint8_t buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    bytes.insert(bytes.end(), buffer, buffer + n);
  bool failed = std::ferror(file) != 0;
  int saved_errno = errno;
  if (!from_stdin) std::fclose(file);
  if (failed) return Failure{"cannot read '" + path + "': " + std::strerror(saved_errno)};
  return std::nullopt;
}

}  // namespace fact::tool
