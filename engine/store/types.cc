#include "engine/store/types.h"

#include "absl/strings/str_cat.h"

namespace crm::engine {

std::string ExpectedRevision::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kStreamExists:
      return "stream_exists";
    case Kind::kExact:
      return absl::StrCat(revision_);
  }
  return "?";
}

}  // namespace crm::engine
