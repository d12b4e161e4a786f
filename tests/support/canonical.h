// The Canonical ABI reference, values, the host transcoder binding and the
// libwabt engine, as the tests name them: members of fact::test.
#pragma once

#include "fact/engine/runtime.h"
#include "fact/host/transcoder_call.h"
#include "fact/values/reference.h"
#include "fact/values/value.h"

namespace fact::test {

using host::call_transcoder;
using host::RawMemory;
using values::check_value;
using values::decode_utf8;
using values::encode_utf8;
using values::MemoryView;
using values::Reference;
using values::reference_trap;
using values::to_string;
using values::to_wave;
using values::Value;
using wasm::Val;
using wasm::ValType;

}  // namespace fact::test
