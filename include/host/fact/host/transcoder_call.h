// Binds the adapter module's `transcode` imports (docs/import-abi.md) to the
// host transcoders of fact/host/transcode.h: the part of an embedder that
// turns (memory, pointer, length) arguments into the spans those functions
// take and their results back into core values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fact/adapter.h"
#include "fact/wasm/types.h"

namespace fact::host {

struct RawMemory {
  uint8_t* data = nullptr;
  uint64_t size = 0;
};

// Runs transcoder `op` from memory `from` to memory `to`. `results` is sized
// and typed by the import's signature. Returns the trap message on invalid
// input: it contains "invalid utf-8" or "invalid utf-16" followed by the host
// transcoder's own message. A buffer out of bounds, or any other broken
// contract of fact::host, also traps (with a "harness:" message): the adapter
// must have prevented it, so it is an adapter bug.
std::optional<std::string> call_transcoder(Transcode op, RawMemory from, RawMemory to,
                                           const std::vector<wasm::Val>& args,
                                           std::vector<wasm::Val>& results);

}  // namespace fact::host
