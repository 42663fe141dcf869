// A small projection for testing the runner: counts events per stream and per
// type. Version 2 counts each event twice, so tests can tell the views apart.
#ifndef CRM_TESTS_PROJECTIONS_COUNTING_PROJECTION_H_
#define CRM_TESTS_PROJECTIONS_COUNTING_PROJECTION_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "projections/projection.h"

namespace crm::projections::testing {

class CountingProjection : public Projection {
 public:
  explicit CountingProjection(uint32_t version = 1, std::string fail_on_type = "")
      : version_(version), fail_on_type_(std::move(fail_on_type)) {}

  std::string name() const override { return "counts"; }
  uint32_t version() const override { return version_; }
  std::vector<std::string> event_types() const override { return {"test."}; }

  absl::Status Apply(const engine::RecordedEvent& e, ViewWriter& view) override {
    if (!fail_on_type_.empty() && e.type == fail_on_type_) {
      return absl::InvalidArgumentError("this projection cannot read " + e.type);
    }
    for (const std::string& key :
         {absl::StrCat("stream/", e.stream), absl::StrCat("type/", e.type)}) {
      auto current = view.Get(key);
      if (!current.ok()) return current.status();
      uint64_t n = 0;
      if (*current && !absl::SimpleAtoi(**current, &n)) return absl::DataLossError("bad count");
      view.Put(key, absl::StrCat(n + version_));
    }
    return absl::OkStatus();
  }

 private:
  uint32_t version_;
  std::string fail_on_type_;
};

}  // namespace crm::projections::testing

#endif  // CRM_TESTS_PROJECTIONS_COUNTING_PROJECTION_H_
