// Uniqueness reservations (客户查重 without races).
//
// A value that must belong to at most one aggregate (a customer's normalised
// phone or company name, an order's contract number) has its own stream:
//
//   phone-<normalised phone>        e.g. "phone-13857390467"
//   company-<normalised name>       e.g. "company-天宇物流集团"
//   contract-<normalised number>    e.g. "contract-ht2026001"
//
// holding ReservationClaimed / Released / Transferred events. The owner is
// whoever claimed it last and has not released it. The command handler
// appends a claim in the same atomic append as the owner's own events,
// expecting no_stream (or the exact revision of a released reservation), so
// of two racing registrations of one phone exactly one commits.
//
// Thread-safety: pure functions; value types.
#ifndef CRM_ENGINE_DOMAIN_RESERVATIONS_H_
#define CRM_ENGINE_DOMAIN_RESERVATIONS_H_

#include <compare>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/v1/reservation_events.pb.h"
#include "engine/domain/customer_state.h"

namespace crm::engine::domain {

struct ReservationKey {
  v1::ReservationKind kind = v1::RESERVATION_KIND_UNSPECIFIED;
  // The normalised value.
  std::string value;

  // The reservation's stream name.
  std::string Stream() const;
  // For messages: "phone 13857390467".
  std::string Describe() const;

  auto operator<=>(const ReservationKey&) const = default;
  bool operator==(const ReservationKey&) const = default;
};

// The values a customer in `state` should hold: the normalised phones of its
// profile and contacts, and for a company its normalised name plus names taken
// over by merges. A merged (closed) customer holds none. Values that do not
// normalise are skipped (the decider refuses them in new commands; history is
// never re-judged).
std::set<ReservationKey> CustomerReservationKeys(const CustomerState& state);

// Whether folding `events` into a customer's state can change its
// CustomerReservationKeys. The commonest commands (a follow-up, a pool move)
// cannot, and normalising every phone and name twice per command was a
// measurable part of logging a call. Event kinds not known to leave the keys
// alone count as changing them, so a new event type is safe by default.
bool MayChangeReservationKeys(const std::vector<v1::CustomerEvent>& events);

// The reservation of a contract number: trimmed, full-width folded, upper
// case ASCII, spaces removed. Returns InvalidArgument naming `field`.
absl::StatusOr<ReservationKey> ContractReservationKey(absl::string_view field,
                                                      absl::string_view contract_number);

// A reservation stream's state.
struct ReservationState {
  bool exists = false;
  // Empty when released.
  std::string owner_id;
};

void Evolve(ReservationState& state, const v1::ReservationEvent& event);

}  // namespace crm::engine::domain

#endif  // CRM_ENGINE_DOMAIN_RESERVATIONS_H_
