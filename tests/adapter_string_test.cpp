// End-to-end string tests, with the divergences from Wasmtime that
// docs/divergences.md lists for strings (the length limit, the UTF-16 tag of
// 64-bit memories, the alignment of the probably-UTF-16 shrink): adapters
// compiled by fact run in wabt's interpreter with the host
// transcoders of src/host. The expected bytes, lengths and realloc calls are
// computed here from the specification's algorithms (CanonicalABI.md,
// store_string_into_range and friends), not by the harness's reference.
#include <gtest/gtest.h>

#include <cstring>

#include "fact/type_expr.h"
#include "support/adapter_fixture.h"

namespace fact::test {
namespace {

constexpr uint64_t kMemorySize = 4 * 65536;

constexpr StringEncoding kEncodings[] = {StringEncoding::Utf8, StringEncoding::Utf16,
                                         StringEncoding::CompactUtf16};

uint64_t utf16_tag(bool memory64) { return memory64 ? uint64_t{1} << 63 : uint64_t{1} << 31; }

// A string in one side's memory: its bytes and the length value stored next
// to the pointer (tagged for latin1+utf16 in UTF-16 form).
struct Encoded {
  std::vector<uint8_t> bytes;
  uint64_t length = 0;
  bool utf16 = false;  // latin1+utf16 only: the UTF-16 form
};

std::vector<uint32_t> code_points(const std::string& utf8) {
  auto cps = decode_utf8(utf8);
  EXPECT_TRUE(cps.has_value()) << "test text is not UTF-8";
  return cps ? *cps : std::vector<uint32_t>{};
}

std::vector<uint8_t> utf16le(const std::vector<uint32_t>& cps) {
  std::vector<uint8_t> out;
  auto unit = [&](uint32_t u) {
    out.push_back(static_cast<uint8_t>(u));
    out.push_back(static_cast<uint8_t>(u >> 8));
  };
  for (uint32_t cp : cps) {
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

bool all_latin1(const std::vector<uint32_t>& cps) {
  for (uint32_t cp : cps) {
    if (cp > 0xFF) return false;
  }
  return true;
}

// How `text` is stored in `encoding`. A latin1+utf16 string is Latin-1 when
// it can be, unless `force_utf16` (a producer may always choose UTF-16).
Encoded encode(const std::string& text, StringEncoding encoding, bool memory64,
               bool force_utf16 = false) {
  const std::vector<uint32_t> cps = code_points(text);
  Encoded e;
  switch (encoding) {
    case StringEncoding::Utf8:
      e.bytes.assign(text.begin(), text.end());
      e.length = e.bytes.size();
      break;
    case StringEncoding::Utf16:
      e.bytes = utf16le(cps);
      e.length = e.bytes.size() / 2;
      break;
    case StringEncoding::CompactUtf16:
      if (all_latin1(cps) && !force_utf16) {
        for (uint32_t cp : cps) e.bytes.push_back(static_cast<uint8_t>(cp));
        e.length = e.bytes.size();
      } else {
        e.bytes = utf16le(cps);
        e.length = (e.bytes.size() / 2) | utf16_tag(memory64);
        e.utf16 = true;
      }
      break;
  }
  return e;
}

struct Alloc {
  uint64_t old_size, align, size;
  friend bool operator==(const Alloc&, const Alloc&) = default;
};

std::ostream& operator<<(std::ostream& os, const Alloc& a) {
  return os << "(old " << a.old_size << ", align " << a.align << ", size " << a.size << ")";
}

// The destination's realloc calls made by the specification's
// store_string_into_range (whose probably-UTF-16 shrink asks for
// alignment 1).
std::vector<Alloc> expected_allocs(const std::string& text, StringEncoding from, bool from_utf16,
                                   StringEncoding to) {
  const std::vector<uint32_t> cps = code_points(text);
  const uint64_t utf8_bytes = text.size();
  const uint64_t utf16_units = utf16le(cps).size() / 2;
  const bool ascii = utf8_bytes == cps.size();
  const bool latin1 = all_latin1(cps);
  enum {
    Utf8,
    Utf16,
    Latin1
  } simple = from == StringEncoding::Utf8    ? Utf8
             : from == StringEncoding::Utf16 ? Utf16
             : from_utf16                    ? Utf16
                                             : Latin1;
  const uint64_t n = simple == Utf8 ? utf8_bytes : simple == Utf16 ? utf16_units : cps.size();
  std::vector<Alloc> out;
  switch (to) {
    case StringEncoding::Utf8:
      if (simple == Utf8) return {{0, 1, n}};
      out.push_back({0, 1, n});
      if (!ascii) {
        const uint64_t worst = (simple == Utf16 ? 3 : 2) * n;
        out.push_back({n, 1, worst});
        if (worst > utf8_bytes) out.push_back({worst, 1, utf8_bytes});
      }
      return out;
    case StringEncoding::Utf16:
      out.push_back({0, 2, 2 * n});
      if (simple == Utf8 && utf16_units < n) out.push_back({2 * n, 2, 2 * utf16_units});
      return out;
    case StringEncoding::CompactUtf16:
      if (simple == Latin1) return {{0, 2, n}};
      if (from == StringEncoding::CompactUtf16) {  // store_probably_utf16_to_latin1_or_utf16
        out.push_back({0, 2, 2 * n});
        if (latin1) out.push_back({2 * n, 1, n});
        return out;
      }
      out.push_back({0, 2, n});  // store_string_to_latin1_or_utf16
      if (!latin1) {
        out.push_back({n, 2, 2 * n});
        if (utf16_units < n) out.push_back({2 * n, 2, 2 * utf16_units});
      } else if (cps.size() < n) {
        out.push_back({n, 2, cps.size()});
      }
      return out;
  }
  return out;
}

std::string describe(StringEncoding from, StringEncoding to, const std::string& text,
                     bool force_utf16) {
  return std::string(string_encoding_name(from)) + (force_utf16 ? " (UTF-16 form)" : "") + " -> " +
         string_encoding_name(to) + " of \"" + text + "\"";
}

const std::vector<std::string>& samples() {
  static const std::vector<std::string> all = {
      "",
      "hello",
      "caf\xC3\xA9 \xC3\xBF\xC2\x80",                      // Latin-1
      "\xE2\x82\xAC\xE4\xB8\xAD\xEF\xBF\xBF",              // BMP: U+20AC U+4E2D U+FFFF
      "\xF0\x9F\x98\x80\xF0\x9D\x84\x9E\xF4\x8F\xBF\xBF",  // astral, up to U+10FFFF
      "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
      "b",  // one of each
      std::string(200, 'x') + "\xC3\xA9\xC3\xA9\xE2\x82\xAC" + std::string(50, 'y'),
      "\xC3\xBF\xC3\xA0z\xF0\x9F\x98\x80",  // Latin-1 prefix, then astral
      std::string(100, 'q') + "\xC3\xA9",   // ASCII then Latin-1 at the very end
  };
  return all;
}

class StringRun : public AdapterTest {
 protected:
  std::unique_ptr<AdapterHarness> make(std::string_view sig, StringEncoding lower,
                                       StringEncoding lift, bool debug = false) {
    HarnessConfig c = config();
    c.lower.encoding = lower;
    c.lift.encoding = lift;
    c.module.debug = debug;
    return AdapterTest::make(sig, c);
  }

  // Copies bytes into a side's host region; returns where.
  static uint64_t put(AdapterHarness& h, bool callee, const std::vector<uint8_t>& bytes,
                      uint64_t align = 2) {
    auto at = h.host_alloc(callee, align, bytes.size());
    EXPECT_TRUE(at.ok());
    MemoryView m = callee ? h.callee_memory() : h.caller_memory();
    if (!bytes.empty()) std::memcpy(m.data + *at, bytes.data(), bytes.size());
    return *at;
  }

  static uint64_t load(const MemoryView& m, uint64_t at, bool memory64) {
    uint64_t v = 0;
    std::memcpy(&v, m.data + at, memory64 ? 8 : 4);
    return v;
  }

  static std::vector<uint8_t> bytes_at(const MemoryView& m, uint64_t at, uint64_t n) {
    if (at > m.size || n > m.size - at) return {};
    return std::vector<uint8_t>(m.data + at, m.data + at + n);
  }

  // Sends `source` as the parameter of func(s: string) and returns the
  // call's outcome; the callee's raw params are in h.callee_raw_params().
  CallResult send(AdapterHarness& h, const Encoded& source) {
    h.reset();
    uint64_t at = put(h, false, source.bytes);
    return h.call_raw({ptr(lower64(), at), ptr(lower64(), source.length)});
  }

  // Has the callee of func() -> string return `source`; returns the call's
  // outcome and the retptr in *retptr.
  CallResult receive(AdapterHarness& h, const Encoded& source, uint64_t* retptr) {
    h.reset();
    uint64_t at = put(h, true, source.bytes);
    auto pair = h.host_alloc(true, 8, 16);
    MemoryView callee = h.callee_memory();
    const size_t width = lift64() ? 8 : 4;
    std::memcpy(callee.data + *pair, &at, width);
    std::memcpy(callee.data + *pair + width, &source.length, width);
    h.set_callee_raw_results({ptr(lift64(), *pair)});
    *retptr = h.alloc_retptr()->bits;
    return h.call_raw({ptr(lower64(), *retptr)});
  }

  // The string (pointer, length) the callee received.
  std::pair<uint64_t, uint64_t> received_pair(const AdapterHarness& h) {
    const std::vector<Val>& p = h.callee_raw_params();
    EXPECT_EQ(p.size(), 2u);
    if (p.size() != 2) return {0, 0};
    return {p[0].bits, p[1].bits};
  }

  static void expect_received(const AdapterHarness& h, const std::string& text) {
    ASSERT_TRUE(h.received().has_value()) << "the callee did not run";
    ASSERT_TRUE(h.received()->ok()) << h.received()->error().message;
    EXPECT_EQ(h.received()->value(), std::vector<Value>{Value::string(text)});
  }

  void expect_string_at(const MemoryView& m, uint64_t at, uint64_t length,
                        const Encoded& expected) {
    EXPECT_EQ(length, expected.length);
    EXPECT_EQ(bytes_at(m, at, expected.bytes.size()), expected.bytes);
  }

  // Checks realloc calls against the expected sequence (pointers chained).
  static void expect_allocs(const std::vector<ReallocCall>& calls,
                            const std::vector<Alloc>& expected) {
    std::vector<Alloc> got;
    for (const ReallocCall& c : calls) got.push_back({c.old_size, c.align, c.size});
    EXPECT_EQ(got, expected);
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(calls[i].old_ptr, i == 0 ? 0 : calls[i - 1].result) << "call " << i;
    }
  }
};

// Every encoding pair, every kind of text, both directions: the receiver gets
// exactly the bytes and length (tag included) of its own encoding, and the
// destination's realloc is called exactly as the specification does.
TEST_P(StringRun, EveryEncodingPairDeliversExactBytes) {
  for (StringEncoding from : kEncodings) {
    for (StringEncoding to : kEncodings) {
      auto params = make("func(s: string)", from, to);
      auto results = make("func() -> string", to, from);
      ASSERT_TRUE(params && results);
      for (const std::string& text : samples()) {
        for (bool force_utf16 : {false, true}) {
          if (force_utf16 &&
              (from != StringEncoding::CompactUtf16 || !all_latin1(code_points(text))))
            continue;
          SCOPED_TRACE(describe(from, to, text, force_utf16));
          const std::vector<Alloc> allocs =
              expected_allocs(text, from, encode(text, from, false, force_utf16).utf16, to);

          CallResult r = send(*params, encode(text, from, lower64(), force_utf16));
          ASSERT_FALSE(r.trap) << *r.trap;
          auto [at, length] = received_pair(*params);
          expect_string_at(params->callee_memory(), at, length, encode(text, to, lift64()));
          expect_allocs(params->realloc_calls(true), allocs);
          EXPECT_TRUE(params->realloc_calls(false).empty());
          ASSERT_TRUE(params->received() && params->received()->ok());
          expect_received(*params, text);

          uint64_t retptr = 0;
          r = receive(*results, encode(text, from, lift64(), force_utf16), &retptr);
          ASSERT_FALSE(r.trap) << *r.trap;
          MemoryView caller = results->caller_memory();
          const uint64_t width = lower64() ? 8 : 4;
          expect_string_at(caller, load(caller, retptr, lower64()),
                           load(caller, retptr + width, lower64()), encode(text, to, lower64()));
          expect_allocs(results->realloc_calls(false), allocs);
        }
      }
    }
  }
}

// Debug adapters (ModuleOptions::debug) take the same paths and add only
// assertions.
TEST_P(StringRun, DebugAdaptersDeliverTheSameBytes) {
  for (StringEncoding from : kEncodings) {
    for (StringEncoding to : kEncodings) {
      auto h = make("func(s: string)", from, to, /*debug=*/true);
      ASSERT_TRUE(h);
      for (const std::string& text : samples()) {
        SCOPED_TRACE(describe(from, to, text, false));
        CallResult r = send(*h, encode(text, from, lower64()));
        ASSERT_FALSE(r.trap) << *r.trap;
        auto [at, length] = received_pair(*h);
        expect_string_at(h->callee_memory(), at, length, encode(text, to, lift64()));
      }
    }
  }
}

// Invalid UTF-8 makes the host transcoder trap, whatever the destination.
TEST_P(StringRun, InvalidUtf8Traps) {
  const std::vector<std::string> bad = {
      "\x80",    // lone continuation byte
      "ab\xC3",  // truncated two-byte sequence at the end
      "\xE2\x82"
      "a",                                    // truncated three-byte sequence
      "\xC0\xAF",                             // overlong '/'
      "\xE0\x80\xAF",                         // overlong, three bytes
      "\xED\xA0\x80",                         // encoded surrogate U+D800
      "\xF4\x90\x80\x80",                     // above U+10FFFF
      "\xFF",                                 // never valid
      "\xF5\x80\x80\x80",                     // lead byte beyond F4
      "\xC3\xA9\xC3",                         // Latin-1 prefix, then truncated
      "\xE2\x82\xAC\xC3(",                    // non-Latin-1 first, then a bad continuation
      std::string(40, 'a') + "\xF0\x9F\x98",  // ASCII run, truncated astral
  };
  for (StringEncoding to : kEncodings) {
    auto h = make("func(s: string)", StringEncoding::Utf8, to);
    ASSERT_TRUE(h);
    for (const std::string& b : bad) {
      SCOPED_TRACE(std::string("utf8 -> ") + string_encoding_name(to) + ": " +
                   ::testing::PrintToString(b));
      Encoded e;
      e.bytes.assign(b.begin(), b.end());
      e.length = b.size();
      CallResult r = send(*h, e);
      ASSERT_TRUE(r.trap);
      EXPECT_NE(r.trap->find("invalid utf-8"), std::string::npos) << *r.trap;
      EXPECT_EQ(r.trap->find("harness:"), std::string::npos) << *r.trap;
      EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
    }
  }
}

// Unpaired surrogates in utf16 and in latin1+utf16's UTF-16 form trap.
TEST_P(StringRun, UnpairedSurrogatesTrap) {
  const std::vector<std::vector<uint16_t>> bad = {
      {0xD800},                // lone high surrogate at the end
      {'a', 0xD83D, 'b'},      // high followed by a non-surrogate
      {0xDC00, 'a'},           // lone low surrogate
      {0xDE00, 0xD83D},        // a pair in the wrong order
      {0xE9, 0xD83D, 0xD83D},  // Latin-1 prefix, then two highs
      {0x20AC, 0xDFFF},        // non-Latin-1, then a lone low
  };
  for (StringEncoding from : {StringEncoding::Utf16, StringEncoding::CompactUtf16}) {
    for (StringEncoding to : kEncodings) {
      auto h = make("func(s: string)", from, to);
      ASSERT_TRUE(h);
      for (const std::vector<uint16_t>& units : bad) {
        SCOPED_TRACE(std::string(string_encoding_name(from)) + " -> " + string_encoding_name(to) +
                     ": " + ::testing::PrintToString(units));
        Encoded e;
        for (uint16_t u : units) {
          e.bytes.push_back(static_cast<uint8_t>(u));
          e.bytes.push_back(static_cast<uint8_t>(u >> 8));
        }
        e.length = units.size() | (from == StringEncoding::CompactUtf16 ? utf16_tag(lower64()) : 0);
        CallResult r = send(*h, e);
        ASSERT_TRUE(r.trap);
        EXPECT_NE(r.trap->find("invalid utf-16"), std::string::npos) << *r.trap;
        EXPECT_EQ(r.trap->find("harness:"), std::string::npos) << *r.trap;
        EXPECT_TRUE(h->callee_raw_params().empty()) << "the callee ran";
      }
    }
  }
}

// Source pointers: alignment (2 for utf16 and for both forms of
// latin1+utf16), bounds (end == memory size is allowed, no 32-bit wrap),
// and the length limit before both.
TEST_P(StringRun, SourcePointersAreValidated) {
  const bool m64 = lower64();
  const uint64_t tag = utf16_tag(m64);
  auto call = [&](AdapterHarness& h, uint64_t at, uint64_t length) {
    h.reset();
    return h.call_raw({ptr(m64, at), ptr(m64, length)});
  };
  auto fill_ascii = [](AdapterHarness& h, uint64_t at, uint64_t n) {
    std::memset(h.caller_memory().data + at, 'a', n);
  };
  auto utf8 = make("func(s: string)", StringEncoding::Utf8, StringEncoding::Utf8);
  auto utf16 = make("func(s: string)", StringEncoding::Utf16, StringEncoding::Utf8);
  auto compact = make("func(s: string)", StringEncoding::CompactUtf16, StringEncoding::Utf8);
  ASSERT_TRUE(utf8 && utf16 && compact);

  EXPECT_TRAP(call(*utf8, kMemorySize - 2, 3), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(call(*utf8, kMemorySize + 1, 0), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(call(*utf8, 0xFFFFFFF0u, 0x20), TrapCode::StringOutOfBounds);
  if (m64) {
    EXPECT_TRAP(call(*utf8, uint64_t{1} << 40, 1), TrapCode::StringOutOfBounds);
    EXPECT_TRAP(call(*utf8, ~uint64_t{0} - 1, 4), TrapCode::StringOutOfBounds);  // wraps around
    // Lengths are not narrowed to 32 bits before the limit check.
    EXPECT_TRAP(call(*utf8, 16, (uint64_t{1} << 32) + 3), TrapCode::StringOutOfBounds);
    EXPECT_TRAP(call(*utf16, 16, (uint64_t{1} << 32) + 3), TrapCode::StringOutOfBounds);
    EXPECT_TRAP(call(*compact, 16, (uint64_t{1} << 32) + 3), TrapCode::StringOutOfBounds);
    EXPECT_TRAP(call(*compact, 16, tag | (uint64_t{1} << 32) | 3), TrapCode::StringOutOfBounds);
  }
  EXPECT_TRUE(utf8->callee_raw_params().empty());
  // Ending exactly at the end of memory is fine, and so is an empty string
  // there.
  utf8->reset();
  fill_ascii(*utf8, kMemorySize - 3, 3);
  ASSERT_FALSE(utf8->call_raw({ptr(m64, kMemorySize - 3), ptr(m64, 3)}).trap);
  expect_received(*utf8, "aaa");
  ASSERT_FALSE(call(*utf8, kMemorySize, 0).trap);
  expect_received(*utf8, "");

  EXPECT_TRAP(call(*utf16, 17, 1), TrapCode::UnalignedPointer);
  EXPECT_TRAP(call(*utf16, 17, 0), TrapCode::UnalignedPointer);  // even when empty
  EXPECT_TRAP(call(*utf16, kMemorySize - 2, 2), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(call(*utf16, 0xFFFFFFF0u, 0x10), TrapCode::StringOutOfBounds);
  // The length limit comes first: 2^27 units are 2^28 bytes.
  EXPECT_TRAP(call(*utf16, 17, uint64_t{1} << 27), TrapCode::StringOutOfBounds);

  EXPECT_TRAP(call(*compact, 17, 1), TrapCode::UnalignedPointer);        // Latin-1 form
  EXPECT_TRAP(call(*compact, 17, 1 | tag), TrapCode::UnalignedPointer);  // UTF-16 form
  EXPECT_TRAP(call(*compact, kMemorySize - 2, 3), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(call(*compact, kMemorySize - 2, 2 | tag), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(call(*compact, 17, uint64_t{1} << 28), TrapCode::StringOutOfBounds);
  EXPECT_TRAP(call(*compact, 17, (uint64_t{1} << 27) | tag), TrapCode::StringOutOfBounds);
  EXPECT_TRUE(compact->callee_raw_params().empty());
  compact->reset();
  fill_ascii(*compact, kMemorySize - 4, 4);
  ASSERT_FALSE(compact->call_raw({ptr(m64, kMemorySize - 4), ptr(m64, 4)}).trap);
  expect_received(*compact, "aaaa");
  ASSERT_FALSE(compact->call_raw({ptr(m64, kMemorySize - 4), ptr(m64, 2 | tag)}).trap);
  expect_received(*compact, "\xE6\x85\xA1\xE6\x85\xA1");
}

// Empty strings still allocate (realloc with size 0), in every pair.
TEST_P(StringRun, EmptyStringsStillCallRealloc) {
  for (StringEncoding from : kEncodings) {
    for (StringEncoding to : kEncodings) {
      SCOPED_TRACE(std::string(string_encoding_name(from)) + " -> " + string_encoding_name(to));
      auto h = make("func(s: string)", from, to);
      ASSERT_TRUE(h);
      ASSERT_FALSE(send(*h, encode("", from, lower64())).trap);
      ASSERT_FALSE(h->realloc_calls(true).empty());
      EXPECT_EQ(h->realloc_calls(true)[0].size, 0u);
      EXPECT_EQ(received_pair(*h).second, 0u);
    }
  }
}

// Each allocation step (initial, grow, shrink) is checked on its own: a
// pointer out of bounds traps StringOutOfBounds, and an odd pointer traps
// UnalignedPointer exactly when the step asked for alignment 2; with
// alignment 1 the string arrives intact at the odd address.
TEST_P(StringRun, EveryAllocationStepIsValidated) {
  const std::vector<std::string> texts = {"h\xC3\xA9llo", "a\xE2\x82\xAC\xF0\x9F\x98\x80z",
                                          "plain"};
  for (StringEncoding from : kEncodings) {
    for (StringEncoding to : kEncodings) {
      auto h = make("func(s: string)", from, to);
      ASSERT_TRUE(h);
      for (const std::string& text : texts) {
        for (bool force_utf16 : {false, true}) {
          if (force_utf16 &&
              (from != StringEncoding::CompactUtf16 || !all_latin1(code_points(text))))
            continue;
          const Encoded source = encode(text, from, lower64(), force_utf16);
          const std::vector<Alloc> steps = expected_allocs(text, from, source.utf16, to);
          for (size_t k = 0; k < steps.size(); ++k) {
            SCOPED_TRACE(describe(from, to, text, force_utf16) + ", step " + std::to_string(k));
            h->set_realloc_bias(true, static_cast<int64_t>(kMemorySize), k);
            EXPECT_TRAP(send(*h, source), TrapCode::StringOutOfBounds);
            EXPECT_TRUE(h->callee_raw_params().empty());

            h->set_realloc_bias(true, 1, k);
            CallResult r = send(*h, source);
            if (steps[k].align == 2) {
              EXPECT_TRAP(r, TrapCode::UnalignedPointer);
            } else {
              ASSERT_FALSE(r.trap) << *r.trap;
              auto [at, length] = received_pair(*h);
              expect_string_at(h->callee_memory(), at, length, encode(text, to, lift64()));
            }
            if (lift64() && k == 0) {
              // A pointer whose end wraps around the 64-bit address space.
              h->set_realloc_bias(true, -static_cast<int64_t>(2 * 65536) - 2);
              EXPECT_TRAP(send(*h, source), TrapCode::StringOutOfBounds);
            }
          }
          h->set_realloc_bias(true, 0);
        }
      }
    }
  }
}

// In 64-bit memories the UTF-16 tag of latin1+utf16 is
// bit 63, both when reading and when writing a length.
TEST_P(StringRun, Utf16TagFollowsThePointerWidth) {
  const std::string euro = "\xE2\x82\xAC";
  for (StringEncoding from : kEncodings) {
    SCOPED_TRACE(string_encoding_name(from));
    auto h = make("func(s: string)", from, StringEncoding::CompactUtf16);
    ASSERT_TRUE(h);
    ASSERT_FALSE(send(*h, encode(euro, from, lower64())).trap);
    const uint64_t length = received_pair(*h).second;
    if (lift64()) {
      EXPECT_EQ(length, (uint64_t{1} << 63) | 1);
      EXPECT_EQ(length & (uint64_t{1} << 31), 0u);
    } else {
      EXPECT_EQ(length, (uint64_t{1} << 31) | 1);
    }
  }
  auto h = make("func(s: string)", StringEncoding::CompactUtf16, StringEncoding::Utf8);
  ASSERT_TRUE(h);
  Encoded e;
  e.bytes = {0xAC, 0x20};
  e.length = 1 | utf16_tag(lower64());
  ASSERT_FALSE(send(*h, e).trap);
  expect_received(*h, euro);
  if (lower64()) {
    // Bit 31 is no tag in a 64-bit memory: this is a Latin-1 length of
    // 2^31 + 1 bytes, over the limit.
    e.length = (uint64_t{1} << 31) | 1;
    EXPECT_TRAP(send(*h, e), TrapCode::StringOutOfBounds);
  }
}

// Shrinking a probably-UTF-16 string to Latin-1 asks
// for alignment 1, and an odd pointer from that call is accepted.
TEST_P(StringRun, ProbablyUtf16ShrinkUsesAlignmentOne) {
  auto h = make("func(s: string)", StringEncoding::CompactUtf16, StringEncoding::CompactUtf16);
  ASSERT_TRUE(h);
  const std::string text = "h\xC3\xA9llo";
  const Encoded source =
      encode(text, StringEncoding::CompactUtf16, lower64(), /*force_utf16=*/true);
  ASSERT_TRUE(source.utf16);
  ASSERT_FALSE(send(*h, source).trap);
  ASSERT_EQ(h->realloc_calls(true).size(), 2u);
  EXPECT_EQ(h->realloc_calls(true)[0].align, 2u);
  EXPECT_EQ(h->realloc_calls(true)[1].align, 1u);
  EXPECT_EQ(h->realloc_calls(true)[1].size, 5u);

  h->set_realloc_bias(true, 1, 1);
  CallResult r = send(*h, source);
  ASSERT_FALSE(r.trap) << *r.trap;
  auto [at, length] = received_pair(*h);
  EXPECT_EQ(at % 2, 1u);
  // (The harness's reference cannot lift it back: load_string_from_range
  // wants alignment 2 for latin1+utf16 even in Latin-1 form.)
  expect_string_at(h->callee_memory(), at, length,
                   encode(text, StringEncoding::CompactUtf16, lift64()));
  h->set_realloc_bias(true, 0);
}

// Strings inside aggregates and several strings at once, through memory.
TEST_P(StringRun, StringsInsideAggregates) {
  const std::string sig =
      "func(a: string, b: record { x: string, y: option<string> }, pad: list<u64, 16>) -> "
      "tuple<string, result<string, string>>";
  std::vector<Value> pad;
  for (int i = 0; i < 16; ++i) pad.push_back(Value::u64(i));
  for (StringEncoding from : kEncodings) {
    for (StringEncoding to : kEncodings) {
      SCOPED_TRACE(std::string(string_encoding_name(from)) + " -> " + string_encoding_name(to));
      auto h = make(sig, from, to);
      ASSERT_TRUE(h);
      const std::vector<Value> args = {
          Value::string("\xF0\x9F\x98\x80"),
          Value::record({Value::string("caf\xC3\xA9"), Value::some(Value::string("\xE2\x82\xAC"
                                                                                 "x"))}),
          Value::fixed_list(pad)};
      const Value result =
          Value::tuple({Value::string("\xC3\xBF"), Value::err(Value::string("no \xE4\xB8\xAD"))});
      h->set_callee_result(result);
      CallResult r = h->call(args);
      ASSERT_FALSE(r.trap) << *r.trap;
      ASSERT_TRUE(h->received() && h->received()->ok()) << h->received()->error().message;
      EXPECT_EQ(h->received()->value(), args);
      EXPECT_EQ(r.result, result);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Widths, StringRun, all_widths(), widths_name);

}  // namespace
}  // namespace fact::test
