// EventId: a 128-bit event identifier, in practice a UUID.
//
// Event ids make appends idempotent: re-appending an event whose id is already
// stored at the same place is a no-op (see EventStore::Append). Callers choose
// ids; NameBased() derives one deterministically from a request id, so a
// retried command produces the same ids instead of duplicate events.
//
// Thread-safety: a value type; immutable use is safe from any thread.
#ifndef CRM_ENGINE_STORE_EVENT_ID_H_
#define CRM_ENGINE_STORE_EVENT_ID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::engine {

class EventId {
 public:
  static constexpr size_t kSize = 16;

  // The nil id (all zero bytes). Appends refuse it: an id must identify.
  EventId() = default;
  explicit EventId(const std::array<uint8_t, kSize>& bytes) : bytes_(bytes) {}

  // Parses the canonical 8-4-4-4-12 hex form, case-insensitive.
  // Returns InvalidArgument on anything else.
  static absl::StatusOr<EventId> Parse(absl::string_view text);

  // Builds an id from exactly 16 raw bytes. Returns InvalidArgument otherwise.
  static absl::StatusOr<EventId> FromBytes(absl::string_view bytes);

  // A random version-4 UUID from a per-thread generator seeded by the OS.
  static EventId Random();

  // A version-5-shaped UUID derived from (namespace, name) by a 128-bit hash.
  // The same inputs always give the same id; used to turn a client request id
  // into event ids so retries are idempotent.
  static EventId NameBased(absl::string_view name_space, absl::string_view name);

  bool IsNil() const;
  std::string ToString() const;  // canonical lower-case 8-4-4-4-12 form
  absl::string_view Bytes() const {
    return absl::string_view(reinterpret_cast<const char*>(bytes_.data()), kSize);
  }

  auto operator<=>(const EventId&) const = default;
  bool operator==(const EventId&) const = default;

  template <typename H>
  friend H AbslHashValue(H h, const EventId& id) {
    return H::combine(std::move(h), id.Bytes());
  }

 private:
  std::array<uint8_t, kSize> bytes_{};
};

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_EVENT_ID_H_
