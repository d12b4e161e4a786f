// The Canonical ABI reference, values, host transcoder binding and libwabt
// runtime live in src/run/
// (namespace fact::run), shared with `fact run`; the tests name them as
// members of fact::test.
#pragma once

#include "run/reference.h"
#include "run/transcode.h"
#include "run/value.h"
#include "run/wasm_runtime.h"

namespace fact::test {

namespace wasm = run::wasm;
using run::check_value;
using run::decode_utf8;
using run::encode_utf8;
using run::MemoryView;
using run::Reference;
using run::RawMemory;
using run::reference_trap;
using run::run_transcoder;
using run::to_string;
using run::to_wave;
using run::Value;
using wasm::Val;
using wasm::ValType;

}  // namespace fact::test
