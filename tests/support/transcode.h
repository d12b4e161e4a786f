// Host implementations of the adapter module's `transcode` imports (§3 of
// the fact reference), for the harness.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "support/wasm_runtime.h"

namespace fact::test {

struct RawMemory {
  uint8_t* data = nullptr;
  uint64_t size = 0;
};

// Runs transcoder `op` from memory `from` to memory `to`. `results` is sized
// and typed by the import's signature. Returns a trap message on invalid
// input, and also when a buffer is out of bounds: the adapter must have
// checked the buffers, so that is an adapter bug.
std::optional<std::string> run_transcoder(Transcode op, RawMemory from, RawMemory to,
                                          const std::vector<wasm::Val>& args,
                                          std::vector<wasm::Val>& results);

}  // namespace fact::test
