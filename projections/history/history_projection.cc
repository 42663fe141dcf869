#include "projections/history/history_projection.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/common.pb.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/opportunity.pb.h"
#include "crm/v1/order_events.pb.h"
#include "engine/domain/event_codec.h"
#include "engine/status_macros.h"
#include "projections/history/event_summary.h"
#include "projections/history/history_rows.pb.h"
#include "projections/view_keys.h"

namespace crm::projections::history {

namespace keys {

std::string TimelinePrefix(absl::string_view customer_id) {
  std::string k = absl::StrCat("e/", customer_id);
  k.push_back('\0');
  return k;
}

std::string Timeline(absl::string_view customer_id, uint64_t position) {
  std::string k = TimelinePrefix(customer_id);
  view_keys::PutU64BE(&k, position);
  return k;
}

std::string StreamOwner(absl::string_view stream) { return absl::StrCat("s/", stream); }

std::string DuplicatesPrefix(absl::string_view survivor) {
  std::string k = absl::StrCat("x/", survivor);
  k.push_back('\0');
  return k;
}

}  // namespace keys

namespace {

constexpr absl::string_view kCustomerStream = "customer-";
constexpr absl::string_view kOrderStream = "order-";
constexpr absl::string_view kOpportunityStream = "opportunity-";

// Decodes `event` into `envelope`; false (and OK) if it is not one of its
// events, which the timeline then skips.
absl::StatusOr<bool> Decode(const engine::RecordedEvent& event,
                            google::protobuf::Message& envelope) {
  absl::Status s = engine::domain::DecodeEvent(event.type, event.data, envelope);
  if (absl::IsNotFound(s)) return false;
  CRM_RETURN_IF_ERROR(s);
  return true;
}

// The customer an order's or opportunity's event belongs to: named by its
// first event, remembered for the rest.
absl::StatusOr<std::string> StreamCustomer(const engine::RecordedEvent& event,
                                           const std::string& named, ViewWriter& view) {
  const std::string key = keys::StreamOwner(event.stream);
  if (!named.empty()) {
    view.Put(key, named);
    return named;
  }
  CRM_ASSIGN_OR_RETURN(std::optional<std::string> owner, view.Get(key));
  if (!owner) {
    return absl::DataLossError(absl::StrCat(event.type, " at position ", event.position, " on ",
                                            event.stream, " before the event naming its customer"));
  }
  return *owner;
}

}  // namespace

std::vector<std::string> HistoryProjection::event_types() const {
  return {"crm.v1.Customer", "crm.v1.Contact", "crm.v1.FollowUp",   "crm.v1.NextFollowUp",
          "crm.v1.Order",    "crm.v1.Payment", "crm.v1.Opportunity"};
}

absl::Status HistoryProjection::Apply(const engine::RecordedEvent& event, ViewWriter& view) {
  TimelineRow row;
  std::string customer;
  if (absl::StartsWith(event.stream, kCustomerStream)) {
    v1::CustomerEvent e;
    CRM_ASSIGN_OR_RETURN(bool known, Decode(event, e));
    if (!known) return absl::OkStatus();
    customer = event.stream.substr(kCustomerStream.size());
    row.set_summary(Summarise(e));
    if (e.event_case() == v1::CustomerEvent::kFollowUpLogged) {
      row.set_happened_us(e.follow_up_logged().occurred_us());
    }
    if (e.event_case() == v1::CustomerEvent::kDuplicateAbsorbed) {
      view.Put(keys::DuplicatesPrefix(customer) + e.duplicate_absorbed().duplicate_customer_id(),
               "");
    }
  } else if (absl::StartsWith(event.stream, kOrderStream)) {
    v1::OrderEvent e;
    CRM_ASSIGN_OR_RETURN(bool known, Decode(event, e));
    if (!known) return absl::OkStatus();
    CRM_ASSIGN_OR_RETURN(customer, StreamCustomer(event, e.placed().customer_id(), view));
    row.set_summary(Summarise(e, event.stream.substr(kOrderStream.size())));
  } else if (absl::StartsWith(event.stream, kOpportunityStream)) {
    v1::OpportunityEvent e;
    CRM_ASSIGN_OR_RETURN(bool known, Decode(event, e));
    if (!known) return absl::OkStatus();
    CRM_ASSIGN_OR_RETURN(customer, StreamCustomer(event, e.opened().customer_id(), view));
    row.set_summary(Summarise(e, event.stream.substr(kOpportunityStream.size())));
  } else {
    return absl::OkStatus();
  }
  // Metadata is opaque to the store; an event appended by something other
  // than the domain may lack it, and still belongs on the timeline.
  v1::EventMetadata metadata;
  if (metadata.ParseFromString(event.metadata)) {
    row.set_actor(metadata.actor());
    row.set_request_id(metadata.request_id());
    row.set_occurred_us(metadata.recorded_us());
  }
  row.set_position(event.position);
  row.set_stream(event.stream);
  row.set_type(event.type);
  row.set_committed_us(event.recorded_us);
  row.set_customer_id(customer);
  view.Put(keys::Timeline(customer, event.position), row.SerializeAsString());
  return absl::OkStatus();
}

}  // namespace crm::projections::history
