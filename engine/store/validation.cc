#include "engine/store/validation.h"

#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace crm::engine {
namespace {

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
size_t FindInvalidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = static_cast<uint8_t>(s[i]);
    size_t len;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, min = 0x10000;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    uint32_t cp = c & (0xff >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      uint8_t cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return i;
      cp = cp << 6 | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return absl::string_view::npos;
}

absl::Status ValidateName(absl::string_view what, absl::string_view name, size_t max_bytes) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  if (name.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is ", name.size(), " bytes; the limit is ", max_bytes));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    uint8_t c = static_cast<uint8_t>(name[i]);
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " has a control character (0x", absl::Hex(c), ") at byte ", i));
    }
  }
  if (size_t bad = FindInvalidUtf8(name); bad != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid UTF-8 at byte ", bad));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateStreamName(absl::string_view name, const StoreLimits& limits) {
  return ValidateName("stream name", name, limits.max_stream_name_bytes);
}

absl::Status ValidateAppend(const std::vector<StreamAppend>& request, const StoreLimits& limits) {
  if (request.empty()) return absl::InvalidArgumentError("append names no stream");
  if (request.size() > limits.max_streams_per_append) {
    return absl::InvalidArgumentError(absl::StrCat(
        "append names ", request.size(), " streams; the limit is ", limits.max_streams_per_append));
  }
  absl::flat_hash_set<absl::string_view> streams;
  absl::flat_hash_set<EventId> ids;
  size_t total_events = 0;
  size_t total_bytes = 0;
  for (size_t s = 0; s < request.size(); ++s) {
    const StreamAppend& sa = request[s];
    const std::string where = absl::StrCat("streams[", s, "]");
    if (absl::Status st =
            ValidateName(absl::StrCat(where, ".stream"), sa.stream, limits.max_stream_name_bytes);
        !st.ok()) {
      return st;
    }
    if (!streams.insert(sa.stream).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".stream \"", sa.stream, "\" appears more than once in one append"));
    }
    if (sa.expected.kind() == ExpectedRevision::Kind::kExact &&
        sa.expected.revision() == kNoRevision) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".expected: exact revision ", kNoRevision, " is out of range"));
    }
    total_events += sa.events.size();
    if (total_events > limits.max_events_per_append) {
      return absl::InvalidArgumentError(absl::StrCat(
          "append has more than ", limits.max_events_per_append, " events (the limit per append)"));
    }
    for (size_t e = 0; e < sa.events.size(); ++e) {
      const ProposedEvent& ev = sa.events[e];
      const std::string ew = absl::StrCat(where, ".events[", e, "]");
      if (ev.id.IsNil()) return absl::InvalidArgumentError(absl::StrCat(ew, ".id is the nil UUID"));
      if (!ids.insert(ev.id).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(ew, ".id ", ev.id.ToString(), " appears more than once in one append"));
      }
      if (absl::Status st =
              ValidateName(absl::StrCat(ew, ".type"), ev.type, limits.max_event_type_bytes);
          !st.ok()) {
        return st;
      }
      if (ev.metadata.size() > limits.max_metadata_bytes) {
        return absl::InvalidArgumentError(absl::StrCat(ew, ".metadata is ", ev.metadata.size(),
                                                       " bytes; the limit is ",
                                                       limits.max_metadata_bytes));
      }
      size_t size = ev.type.size() + ev.data.size() + ev.metadata.size();
      if (size > limits.max_event_bytes) {
        return absl::InvalidArgumentError(absl::StrCat(ew, " is ", size,
                                                       " bytes (type + data + metadata); the "
                                                       "limit is ",
                                                       limits.max_event_bytes));
      }
      total_bytes += size;
    }
  }
  if (total_bytes > limits.max_append_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("append is ", total_bytes, " bytes; the limit is ", limits.max_append_bytes));
  }
  return absl::OkStatus();
}

}  // namespace crm::engine
