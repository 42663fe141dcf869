#include "engine/domain/command_handler.h"

#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/customer_events.pb.h"
#include "crm/v1/order_events.pb.h"
#include "crm/v1/reservation_events.pb.h"
#include "engine/domain/company_name_normalizer.h"
#include "engine/domain/customer_decider.h"
#include "engine/domain/customer_merge.h"
#include "engine/domain/event_codec.h"
#include "engine/domain/field_validation.h"
#include "engine/domain/order_decider.h"
#include "engine/domain/phone_normalizer.h"
#include "engine/domain/reservations.h"
#include "engine/domain/state_cache.h"
#include "engine/status_macros.h"
#include "engine/store/event_id.h"

namespace crm::engine::domain {
namespace {

constexpr size_t kReadPage = 512;
// Event ids are NameBased(kIdNamespace, request_id "\n" stream "\n" index):
// the same command proposes the same ids on every retry.
constexpr absl::string_view kIdNamespace = "crm.v1.command";
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// A folded state plus what the handler needs to append after it.
template <typename State>
struct Loaded {
  State state;
  Revision revision = kNoRevision;  // last folded revision
  std::deque<std::string> recent_requests;

  bool Seen(const std::string& request_id) const {
    for (const std::string& r : recent_requests) {
      if (r == request_id) return true;
    }
    return false;
  }
  void Remember(const std::string& request_id) {
    if (!recent_requests.empty() && recent_requests.back() == request_id) return;
    recent_requests.push_back(request_id);
    if (recent_requests.size() > kRecentRequestIds) recent_requests.pop_front();
  }
};

// Puts a state back into its cache (Load takes it out, so concurrent
// commands on one stream do not copy it), unless the cache already holds a
// newer one that a concurrent command stored first.
template <typename State>
void Remember(StateCache<Loaded<State>>& cache, const std::string& stream, Loaded<State> loaded) {
  cache.Put(stream, std::move(loaded), [](const Loaded<State>& cached, const Loaded<State>& fresh) {
    return cached.revision != kNoRevision &&
           (fresh.revision == kNoRevision || cached.revision > fresh.revision);
  });
}

ExpectedRevision ExpectedFor(Revision revision) {
  return revision == kNoRevision ? ExpectedRevision::NoStream() : ExpectedRevision::Exact(revision);
}

// Folds the events of `stream` after loaded.revision (and committed at or
// before `as_of_us`) into `loaded`.
template <typename Envelope, typename State>
absl::Status CatchUp(const EventStore& store, const std::string& stream, Loaded<State>& loaded,
                     int64_t as_of_us = kForever) {
  while (true) {
    const Revision from = loaded.revision == kNoRevision ? 0 : loaded.revision + 1;
    absl::StatusOr<std::vector<RecordedEvent>> events =
        store.ReadStream(stream, from, Direction::kForward, kReadPage);
    if (absl::IsNotFound(events.status())) return absl::OkStatus();  // no stream yet
    if (!events.ok()) return events.status();
    for (const RecordedEvent& recorded : *events) {
      if (recorded.recorded_us > as_of_us) return absl::OkStatus();
      Envelope envelope;
      absl::Status decoded = DecodeEvent(recorded.type, recorded.data, envelope);
      // An event type this build does not know (written by a newer one) is
      // skipped, not fatal: its revision still counts.
      if (!decoded.ok() && !absl::IsNotFound(decoded)) {
        return absl::DataLossError(
            absl::StrCat(stream, "@", recorded.revision, ": ", decoded.message()));
      }
      if (decoded.ok()) Evolve(loaded.state, envelope);
      loaded.revision = recorded.revision;
      v1::EventMetadata metadata;
      if (metadata.ParseFromString(recorded.metadata) && !metadata.request_id().empty()) {
        loaded.Remember(metadata.request_id());
      }
    }
    if (events->size() < kReadPage) return absl::OkStatus();
  }
}

std::string Metadata(const v1::CommandContext& ctx) {
  v1::EventMetadata m;
  m.set_actor(ctx.actor());
  m.set_request_id(ctx.request_id());
  m.set_correlation_id(ctx.correlation_id());
  m.set_causation_id(ctx.causation_id());
  m.set_recorded_us(ctx.now_us());
  return m.SerializeAsString();
}

// The id of the `index`th event a command with this request id proposes
// for `stream`.
EventId CommandEventId(const v1::CommandContext& ctx, const std::string& stream, size_t index) {
  return EventId::NameBased(kIdNamespace,
                            absl::StrCat(ctx.request_id(), "\n", stream, "\n", index));
}

template <typename Envelope>
absl::StatusOr<StreamAppend> Proposal(const v1::CommandContext& ctx, const std::string& stream,
                                      ExpectedRevision expected,
                                      const std::vector<Envelope>& events) {
  StreamAppend append;
  append.stream = stream;
  append.expected = expected;
  const std::string metadata = Metadata(ctx);
  for (size_t i = 0; i < events.size(); ++i) {
    CRM_ASSIGN_OR_RETURN(EncodedEvent encoded, EncodeEvent(events[i]));
    ProposedEvent event;
    event.id = CommandEventId(ctx, stream, i);
    event.type = std::move(encoded.type);
    event.data = std::move(encoded.data);
    event.metadata = metadata;
    append.events.push_back(std::move(event));
  }
  return append;
}

template <typename Envelope, typename State>
void FoldAll(Loaded<State>& loaded, const std::vector<Envelope>& events) {
  for (const Envelope& e : events) Evolve(loaded.state, e);
}

// The revision `stream` reached in `result`.
Revision RevisionOf(const AppendResult& result, const std::string& stream) {
  for (const StreamAppendResult& s : result.streams) {
    if (s.stream == stream) return s.last_revision;
  }
  return kNoRevision;
}

CommandResult Done(Revision revision) {
  CommandResult r;
  r.revision = revision;
  r.already_done = true;
  return r;
}

absl::Status GaveUp(const std::string& stream, int attempts) {
  return absl::AbortedError(absl::StrCat("stream ", stream, " kept changing; gave up after ",
                                         attempts, " attempts: retry the command"));
}

bool AllowsDuplicate(const v1::CustomerCommand& c) {
  switch (c.command_case()) {
    case v1::CustomerCommand::kRegister:
      return c.register_().allow_duplicate();
    case v1::CustomerCommand::kUpdateProfile:
      return c.update_profile().allow_duplicate();
    case v1::CustomerCommand::kAddContact:
      return c.add_contact().allow_duplicate();
    case v1::CustomerCommand::kChangeContact:
      return c.change_contact().allow_duplicate();
    default:
      return false;
  }
}

std::string CustomerStream(absl::string_view id) { return absl::StrCat("customer-", id); }

}  // namespace

class CommandHandler::Impl {
 public:
  Impl(EventStore* store, CommandHandlerOptions options)
      : store_(store),
        options_(std::move(options)),
        customers_(options_.cache_capacity),
        orders_(options_.cache_capacity),
        opportunities_(options_.cache_capacity),
        products_(options_.cache_capacity),
        reps_(options_.cache_capacity),
        teams_(options_.cache_capacity) {}

  // Takes the stream's state out of the cache (or starts empty) and reads on
  // from its revision. The caller puts it back with Remember; a command that
  // fails on the way simply leaves it to be re-read next time.
  template <typename Envelope, typename State>
  absl::StatusOr<Loaded<State>> Load(StateCache<Loaded<State>>& cache, const std::string& stream) {
    Loaded<State> loaded = cache.Take(stream).value_or(Loaded<State>{});
    CRM_RETURN_IF_ERROR(CatchUp<Envelope>(*store_, stream, loaded));
    return loaded;
  }

  // Whether the command with ctx's request id was already applied to
  // `stream`: among the stream's recent request ids, or — for an older retry
  // — its first derived event id is in the store's id index. Either way the
  // retry returns success without deciding again (a re-decided registration
  // or follow-up would be refused as a duplicate of itself).
  template <typename State>
  absl::StatusOr<bool> Seen(const Loaded<State>& loaded, const v1::CommandContext& ctx,
                            const std::string& stream) const {
    if (loaded.Seen(ctx.request_id())) return true;
    if (loaded.revision == kNoRevision) return false;  // a new stream holds nothing yet
    CRM_ASSIGN_OR_RETURN(const Position position,
                         store_->FindEvent(CommandEventId(ctx, stream, 0)));
    return position != kNoPosition;
  }

  absl::StatusOr<Loaded<ReservationState>> LoadReservation(const ReservationKey& key) {
    Loaded<ReservationState> loaded;
    CRM_RETURN_IF_ERROR(CatchUp<v1::ReservationEvent>(*store_, key.Stream(), loaded));
    return loaded;
  }

  // The appends that make `owner_id`'s reservations follow its change from
  // `before` to `after` keys. Fails with AlreadyExists when a new value
  // belongs to another owner and duplicates are not allowed.
  absl::Status PlanReservations(const v1::CommandContext& ctx, const std::string& owner_id,
                                absl::string_view owner_kind,
                                const std::set<ReservationKey>& before,
                                const std::set<ReservationKey>& after, bool allow_duplicate,
                                std::vector<StreamAppend>& request) {
    for (const ReservationKey& key : after) {
      if (before.contains(key)) continue;
      CRM_ASSIGN_OR_RETURN(Loaded<ReservationState> r, LoadReservation(key));
      if (r.state.owner_id == owner_id) continue;
      if (!r.state.owner_id.empty()) {
        if (allow_duplicate) continue;  // registered as a duplicate: not ours
        return absl::AlreadyExistsError(absl::StrCat(key.Describe(), " already belongs to ",
                                                     owner_kind, " ", r.state.owner_id));
      }
      v1::ReservationEvent claim;
      claim.mutable_claimed()->set_kind(key.kind);
      claim.mutable_claimed()->set_value(key.value);
      claim.mutable_claimed()->set_owner_id(owner_id);
      CRM_ASSIGN_OR_RETURN(StreamAppend append, Proposal(ctx, key.Stream(), ExpectedFor(r.revision),
                                                         std::vector<v1::ReservationEvent>{claim}));
      request.push_back(std::move(append));
    }
    for (const ReservationKey& key : before) {
      if (after.contains(key)) continue;
      CRM_ASSIGN_OR_RETURN(Loaded<ReservationState> r, LoadReservation(key));
      if (r.state.owner_id != owner_id) continue;
      v1::ReservationEvent release;
      release.mutable_released()->set_owner_id(owner_id);
      CRM_ASSIGN_OR_RETURN(StreamAppend append,
                           Proposal(ctx, key.Stream(), ExpectedRevision::Exact(r.revision),
                                    std::vector<v1::ReservationEvent>{release}));
      request.push_back(std::move(append));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ClaimantLoad> ClaimantFor(const v1::CommandContext& ctx,
                                           const v1::CustomerCommand& command) {
    if (command.command_case() != v1::CustomerCommand::kClaimFromPool) return ClaimantLoad{};
    const v1::PoolRules& rules = options_.pool_rules;
    if (rules.daily_claim_limit() <= 0 && rules.max_owned_customers() <= 0) return ClaimantLoad{};
    if (!options_.claimant_load) {
      return absl::FailedPreconditionError(
          "pool claim limits are configured but the handler has no claimant_load source");
    }
    return options_.claimant_load(command.claim_from_pool().rep_id(),
                                  CivilDayAt(ctx.now_us(), options_.zone));
  }

  absl::StatusOr<CommandResult> ExecuteCustomer(const v1::CommandContext& ctx,
                                                const v1::CustomerCommand& command) {
    CRM_RETURN_IF_ERROR(ValidateContext(ctx));
    const std::string& id = TargetCustomerId(command);
    if (absl::Status s = ValidateId("customer_id", id); !s.ok()) {
      // Let the decider word the error with the command's field path.
      return DecideCustomer(ctx, command, CustomerState{}, CustomerEnvironment{}).status();
    }
    const std::string stream = CustomerStream(id);
    CustomerEnvironment env;
    env.zone = options_.zone;
    env.pool_rules = options_.pool_rules;
    CRM_ASSIGN_OR_RETURN(env.claimant, ClaimantFor(ctx, command));
    for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
      CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::CustomerEvent>(customers_, stream)));
      const Revision read_at = loaded.revision;
      CRM_ASSIGN_OR_RETURN(const bool seen, Seen(loaded, ctx, stream));
      if (seen) {
        Remember(customers_, stream, std::move(loaded));
        return Done(read_at);
      }
      CRM_ASSIGN_OR_RETURN(std::vector<v1::CustomerEvent> events,
                           DecideCustomer(ctx, command, loaded.state, env));
      if (events.empty()) {
        Remember(customers_, stream, std::move(loaded));
        return Done(read_at);
      }
      // Fold into the loaded state itself rather than a copy: a hot
      // customer's state holds every follow-up id, and copying it per
      // command made logging a follow-up O(history). If the append then
      // fails, the state (now ahead of the store) is dropped, not cached.
      const bool reserves = MayChangeReservationKeys(events);
      std::set<ReservationKey> keys_before;
      if (reserves) keys_before = CustomerReservationKeys(loaded.state);
      FoldAll(loaded, events);
      std::vector<StreamAppend> request;
      CRM_ASSIGN_OR_RETURN(StreamAppend own, Proposal(ctx, stream, ExpectedFor(read_at), events));
      request.push_back(std::move(own));
      if (reserves) {
        CRM_RETURN_IF_ERROR(PlanReservations(ctx, id, "customer", keys_before,
                                             CustomerReservationKeys(loaded.state),
                                             AllowsDuplicate(command), request));
      }
      absl::StatusOr<AppendResult> result = store_->Append(std::move(request));
      if (absl::IsAborted(result.status())) continue;  // someone wrote first: re-read
      if (!result.ok()) return result.status();
      loaded.revision = RevisionOf(*result, stream);
      loaded.Remember(ctx.request_id());
      Remember(customers_, stream, std::move(loaded));
      return Written(*result, stream, events.size());
    }
    return GaveUp(stream, options_.max_attempts);
  }

  absl::StatusOr<CommandResult> Merge(const v1::CommandContext& ctx,
                                      const v1::MergeCustomers& command) {
    // Validate before touching streams named by the ids.
    CRM_RETURN_IF_ERROR(ValidateContext(ctx));
    CRM_RETURN_IF_ERROR(ValidateId("merge.duplicate_customer_id", command.duplicate_customer_id()));
    CRM_RETURN_IF_ERROR(ValidateId("merge.survivor_customer_id", command.survivor_customer_id()));
    const std::string& dup_id = command.duplicate_customer_id();
    const std::string& surv_id = command.survivor_customer_id();
    const std::string dup_stream = CustomerStream(dup_id);
    const std::string surv_stream = CustomerStream(surv_id);
    for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
      CRM_ASSIGN_OR_RETURN(auto dup, (Load<v1::CustomerEvent>(customers_, dup_stream)));
      CRM_ASSIGN_OR_RETURN(auto surv, (Load<v1::CustomerEvent>(customers_, surv_stream)));
      CRM_ASSIGN_OR_RETURN(const bool seen, Seen(dup, ctx, dup_stream));
      if (seen) return Done(dup.revision);
      CRM_ASSIGN_OR_RETURN(MergeDecision decision,
                           DecideMerge(ctx, command, dup.state, surv.state));
      if (decision.duplicate_events.empty()) return Done(dup.revision);
      Loaded<CustomerState> dup_next = dup, surv_next = surv;
      FoldAll(dup_next, decision.duplicate_events);
      FoldAll(surv_next, decision.survivor_events);

      std::vector<StreamAppend> request;
      CRM_ASSIGN_OR_RETURN(StreamAppend a, Proposal(ctx, dup_stream, ExpectedFor(dup.revision),
                                                    decision.duplicate_events));
      request.push_back(std::move(a));
      CRM_ASSIGN_OR_RETURN(StreamAppend b, Proposal(ctx, surv_stream, ExpectedFor(surv.revision),
                                                    decision.survivor_events));
      request.push_back(std::move(b));
      // The duplicate's reservations move to the survivor ...
      std::set<ReservationKey> handled;
      for (const ReservationKey& key : CustomerReservationKeys(dup.state)) {
        CRM_ASSIGN_OR_RETURN(Loaded<ReservationState> r, LoadReservation(key));
        if (r.state.owner_id != dup_id) continue;
        v1::ReservationEvent moved;
        moved.mutable_transferred()->set_from_owner_id(dup_id);
        moved.mutable_transferred()->set_to_owner_id(surv_id);
        CRM_ASSIGN_OR_RETURN(StreamAppend t,
                             Proposal(ctx, key.Stream(), ExpectedRevision::Exact(r.revision),
                                      std::vector<v1::ReservationEvent>{moved}));
        request.push_back(std::move(t));
        handled.insert(key);
      }
      // ... and values new to the survivor that nobody holds are claimed; a
      // merge never fails because a third customer holds one of them.
      std::set<ReservationKey> before = CustomerReservationKeys(surv.state);
      before.insert(handled.begin(), handled.end());
      CRM_RETURN_IF_ERROR(PlanReservations(ctx, surv_id, "customer", before,
                                           CustomerReservationKeys(surv_next.state),
                                           /*allow_duplicate=*/true, request));
      absl::StatusOr<AppendResult> result = store_->Append(std::move(request));
      if (absl::IsAborted(result.status())) {
        Remember(customers_, dup_stream, std::move(dup));
        Remember(customers_, surv_stream, std::move(surv));
        continue;
      }
      if (!result.ok()) return result.status();
      dup_next.revision = RevisionOf(*result, dup_stream);
      surv_next.revision = RevisionOf(*result, surv_stream);
      dup_next.Remember(ctx.request_id());
      surv_next.Remember(ctx.request_id());
      Remember(customers_, dup_stream, std::move(dup_next));
      Remember(customers_, surv_stream, std::move(surv_next));
      return Written(*result, dup_stream, decision.duplicate_events.size());
    }
    return GaveUp(dup_stream, options_.max_attempts);
  }

  absl::StatusOr<size_t> RecyclePool(const v1::CommandContext& ctx,
                                     const v1::RecyclePool& command) {
    CRM_RETURN_IF_ERROR(ValidateContext(ctx));
    CRM_RETURN_IF_ERROR(ValidatePoolRules("recycle_pool.rules", command.rules()));
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> streams, CustomerStreams());
    return ForEachCustomer(ctx, streams, [&](const CustomerState& state) {
      std::vector<v1::CustomerEvent> events;
      if (std::optional<v1::CustomerEvent> e =
              DecideRecycle(command.rules(), state, ctx.now_us(), options_.zone)) {
        events.push_back(*std::move(e));
      }
      return absl::StatusOr<std::vector<v1::CustomerEvent>>(std::move(events));
    });
  }

  absl::StatusOr<size_t> ReassignCustomers(const v1::CommandContext& ctx,
                                           const v1::ReassignRepCustomers& command) {
    CRM_RETURN_IF_ERROR(ValidateContext(ctx));
    CRM_RETURN_IF_ERROR(ValidateId("reassign.from_rep_id", command.from_rep_id()));
    CRM_RETURN_IF_ERROR(ValidateId("reassign.to_rep_id", command.to_rep_id()));
    if (command.from_rep_id() == command.to_rep_id()) {
      return absl::InvalidArgumentError("reassign.to_rep_id: must differ from from_rep_id");
    }
    CRM_ASSIGN_OR_RETURN(auto to_rep,
                         (Load<v1::RepEvent>(reps_, absl::StrCat("rep-", command.to_rep_id()))));
    if (to_rep.state.exists && !to_rep.state.active) {
      return absl::FailedPreconditionError(
          absl::StrCat("rep ", command.to_rep_id(), " is deactivated"));
    }
    CRM_ASSIGN_OR_RETURN(std::vector<std::string> streams, CustomerStreams());
    v1::CustomerCommand assign;
    assign.mutable_assign_owner()->set_owner_rep_id(command.to_rep_id());
    assign.mutable_assign_owner()->set_reason(command.reason());
    CustomerEnvironment env;
    env.zone = options_.zone;
    return ForEachCustomer(ctx, streams, [&](const CustomerState& state) {
      if (state.owner_rep_id != command.from_rep_id() || !state.merged_into.empty() ||
          state.archived) {
        return absl::StatusOr<std::vector<v1::CustomerEvent>>(std::vector<v1::CustomerEvent>{});
      }
      assign.mutable_assign_owner()->set_customer_id(state.customer_id);
      return DecideCustomer(ctx, assign, state, env);
    });
  }

  // Every customer stream, in the order of their first event.
  absl::StatusOr<std::vector<std::string>> CustomerStreams() {
    std::vector<std::string> streams;
    std::set<std::string> seen;
    Position from = 0;
    while (true) {
      absl::StatusOr<std::vector<RecordedEvent>> page =
          store_->ReadCategory("customer", from, Direction::kForward, kReadPage);
      if (absl::IsNotFound(page.status())) break;
      if (!page.ok()) return page.status();
      for (const RecordedEvent& e : *page) {
        if (seen.insert(e.stream).second) streams.push_back(e.stream);
        from = e.position + 1;
      }
      if (page->size() < kReadPage) break;
    }
    return streams;
  }

  // Runs `decide` on each customer stream and appends what it yields, one
  // append per customer (re-deciding on conflicts). A stream that already
  // holds this request id is skipped, so a re-run of the same batch command
  // is a no-op. Returns how many customers got events.
  template <typename Decide>
  absl::StatusOr<size_t> ForEachCustomer(const v1::CommandContext& ctx,
                                         const std::vector<std::string>& streams, Decide decide) {
    size_t changed = 0;
    for (const std::string& stream : streams) {
      int attempt = 0;
      for (; attempt < options_.max_attempts; ++attempt) {
        CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::CustomerEvent>(customers_, stream)));
        CRM_ASSIGN_OR_RETURN(const bool seen, Seen(loaded, ctx, stream));
        if (seen) break;
        CRM_ASSIGN_OR_RETURN(std::vector<v1::CustomerEvent> events, decide(loaded.state));
        if (events.empty()) break;
        CRM_ASSIGN_OR_RETURN(StreamAppend append,
                             Proposal(ctx, stream, ExpectedFor(loaded.revision), events));
        std::vector<StreamAppend> request;
        request.push_back(std::move(append));
        absl::StatusOr<AppendResult> result = store_->Append(std::move(request));
        if (absl::IsAborted(result.status())) {
          Remember(customers_, stream, std::move(loaded));
          continue;
        }
        if (!result.ok()) return result.status();
        FoldAll(loaded, events);
        loaded.revision = RevisionOf(*result, stream);
        loaded.Remember(ctx.request_id());
        Remember(customers_, stream, std::move(loaded));
        ++changed;
        break;
      }
      // The customers done so far stay done; a re-run skips them by request id.
      if (attempt == options_.max_attempts) return GaveUp(stream, attempt);
    }
    return changed;
  }

  // Load → decide → append for aggregates without reservations. `decide`
  // maps the loaded state to events; `extra` may add appends (a contract
  // number's reservation).
  template <typename Envelope, typename State, typename Decide, typename Extra>
  absl::StatusOr<CommandResult> ExecuteSimple(const v1::CommandContext& ctx,
                                              StateCache<Loaded<State>>& cache,
                                              const std::string& stream, Decide decide,
                                              Extra extra) {
    for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
      CRM_ASSIGN_OR_RETURN(auto loaded, (Load<Envelope>(cache, stream)));
      const Revision read_at = loaded.revision;
      CRM_ASSIGN_OR_RETURN(const bool seen, Seen(loaded, ctx, stream));
      if (seen) {
        Remember(cache, stream, std::move(loaded));
        return Done(read_at);
      }
      CRM_ASSIGN_OR_RETURN(std::vector<Envelope> events, decide(loaded.state));
      if (events.empty()) {
        Remember(cache, stream, std::move(loaded));
        return Done(read_at);
      }
      std::vector<StreamAppend> request;
      CRM_ASSIGN_OR_RETURN(StreamAppend own,
                           Proposal(ctx, stream, ExpectedFor(loaded.revision), events));
      request.push_back(std::move(own));
      CRM_RETURN_IF_ERROR(extra(loaded.state, request));
      absl::StatusOr<AppendResult> result = store_->Append(std::move(request));
      if (absl::IsAborted(result.status())) {
        Remember(cache, stream, std::move(loaded));
        continue;
      }
      if (!result.ok()) return result.status();
      FoldAll(loaded, events);
      loaded.revision = RevisionOf(*result, stream);
      loaded.Remember(ctx.request_id());
      Remember(cache, stream, std::move(loaded));
      return Written(*result, stream, events.size());
    }
    return GaveUp(stream, options_.max_attempts);
  }

  // The customer an order or opportunity names must exist and be live.
  absl::Status CheckCustomerLive(absl::string_view field, const std::string& customer_id) {
    CRM_RETURN_IF_ERROR(ValidateId(field, customer_id));
    const std::string stream = CustomerStream(customer_id);
    CRM_ASSIGN_OR_RETURN(auto customer, (Load<v1::CustomerEvent>(customers_, stream)));
    absl::Status status = absl::OkStatus();
    const CustomerState& state = customer.state;
    if (!state.exists) {
      status = absl::NotFoundError(absl::StrCat(field, ": customer ", customer_id, " not found"));
    } else if (!state.merged_into.empty()) {
      status = absl::FailedPreconditionError(
          absl::StrCat(field, ": customer ", customer_id, " was merged into customer ",
                       state.merged_into, "; use ", state.merged_into));
    } else if (state.archived) {
      status = absl::FailedPreconditionError(
          absl::StrCat(field, ": customer ", customer_id, " is archived"));
    }
    Remember(customers_, stream, std::move(customer));
    return status;
  }

  // What an order command read of the products its lines name.
  struct ProductsRead {
    std::map<std::string, ProductState> states;
    // One check-only entry per product stream, expecting the revision read.
    std::vector<StreamAppend> checks;
  };

  // Reads the products named by `ids` (valid ids: the decider checked them).
  absl::StatusOr<ProductsRead> ReadProducts(const std::vector<std::string>& ids) {
    ProductsRead read;
    for (const std::string& id : ids) {
      const std::string stream = absl::StrCat("product-", id);
      CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::ProductEvent>(products_, stream)));
      read.states.emplace(id, loaded.state);
      read.checks.push_back(StreamAppend{stream, ExpectedFor(loaded.revision), {}});
      Remember(products_, stream, std::move(loaded));
    }
    return read;
  }

  absl::StatusOr<CommandResult> ExecuteOrder(const v1::CommandContext& ctx,
                                             const v1::OrderCommand& command) {
    OrderEnvironment env;
    env.zone = options_.zone;
    const std::string& id = TargetOrderId(command);
    if (!ValidateContext(ctx).ok() || !ValidateId("order_id", id).ok()) {
      return DecideOrder(ctx, command, OrderState{}, env).status();
    }
    const bool placing = command.command_case() == v1::OrderCommand::kPlace;
    if (placing) {
      // Refuse a malformed order before looking anything up.
      CRM_RETURN_IF_ERROR(DecideOrder(ctx, command, OrderState{}, env).status());
      CRM_RETURN_IF_ERROR(CheckCustomerLive("place.customer_id", command.place().customer_id()));
    }
    const bool names_products = placing || command.command_case() == v1::OrderCommand::kAmend;
    // The product streams the last decision read; its append asserts they
    // are unchanged, so a product retired after the read aborts the append
    // and the re-decision sees the retirement.
    std::vector<StreamAppend> product_checks;
    const std::string stream = absl::StrCat("order-", id);
    return ExecuteSimple<v1::OrderEvent>(
        ctx, orders_, stream,
        [&](const OrderState& state) -> absl::StatusOr<std::vector<v1::OrderEvent>> {
          product_checks.clear();
          CRM_ASSIGN_OR_RETURN(std::vector<v1::OrderEvent> events,
                               DecideOrder(ctx, command, state, env));
          if (events.empty() || !names_products) return events;
          // Only a command that would write reads the products it names: a
          // malformed or already applied one costs no reads.
          CRM_ASSIGN_OR_RETURN(ProductsRead products, ReadProducts(NamedProductIds(command)));
          product_checks = std::move(products.checks);
          OrderEnvironment with_products = env;
          with_products.products = std::move(products.states);
          return DecideOrder(ctx, command, state, with_products);
        },
        [&](const OrderState& state, std::vector<StreamAppend>& request) -> absl::Status {
          for (StreamAppend& check : product_checks) request.push_back(std::move(check));
          if (!placing || state.exists) return absl::OkStatus();
          CRM_ASSIGN_OR_RETURN(
              ReservationKey key,
              ContractReservationKey("place.contract_number", command.place().contract_number()));
          return PlanReservations(ctx, id, "order", {}, {key}, /*allow_duplicate=*/false, request);
        });
  }

  absl::StatusOr<CommandResult> ExecuteOpportunity(const v1::CommandContext& ctx,
                                                   const v1::OpportunityCommand& command) {
    // Every opportunity command names the opportunity in field 1.
    const google::protobuf::FieldDescriptor* field =
        command.GetDescriptor()->FindFieldByNumber(command.command_case());
    if (field == nullptr) return DecideOpportunity(ctx, command, OpportunityState{}).status();
    const google::protobuf::Message& inner = command.GetReflection()->GetMessage(command, field);
    const std::string id = inner.GetReflection()->GetString(
        inner, inner.GetDescriptor()->FindFieldByName("opportunity_id"));
    if (!ValidateContext(ctx).ok() || !ValidateId("opportunity_id", id).ok()) {
      return DecideOpportunity(ctx, command, OpportunityState{}).status();
    }
    if (command.command_case() == v1::OpportunityCommand::kOpen) {
      CRM_RETURN_IF_ERROR(DecideOpportunity(ctx, command, OpportunityState{}).status());
      CRM_RETURN_IF_ERROR(CheckCustomerLive("open.customer_id", command.open().customer_id()));
    }
    return ExecuteSimple<v1::OpportunityEvent>(
        ctx, opportunities_, absl::StrCat("opportunity-", id),
        [&](const OpportunityState& state) { return DecideOpportunity(ctx, command, state); },
        [](const OpportunityState&, std::vector<StreamAppend>&) { return absl::OkStatus(); });
  }

  absl::StatusOr<CommandResult> ExecuteProduct(const v1::CommandContext& ctx,
                                               const v1::ProductCommand& command) {
    std::string id;
    switch (command.command_case()) {
      case v1::ProductCommand::kDefine:
        id = command.define().product_id();
        break;
      case v1::ProductCommand::kChangePrice:
        id = command.change_price().product_id();
        break;
      case v1::ProductCommand::kRetire:
        id = command.retire().product_id();
        break;
      case v1::ProductCommand::COMMAND_NOT_SET:
        break;
    }
    if (!ValidateContext(ctx).ok() || !ValidateId("product_id", id).ok()) {
      return DecideProduct(ctx, command, ProductState{}).status();
    }
    return ExecuteSimple<v1::ProductEvent>(
        ctx, products_, absl::StrCat("product-", id),
        [&](const ProductState& state) { return DecideProduct(ctx, command, state); },
        [](const ProductState&, std::vector<StreamAppend>&) { return absl::OkStatus(); });
  }

  // Fills `teams` with `team_id` if that team exists.
  absl::Status LookUpTeam(const std::string& team_id, TeamDirectory& teams) {
    if (team_id.empty() || !ValidateId("team_id", team_id).ok()) return absl::OkStatus();
    const std::string stream = absl::StrCat("team-", team_id);
    CRM_ASSIGN_OR_RETURN(auto team, (Load<v1::TeamEvent>(teams_, stream)));
    if (team.state.exists) teams.existing_teams.insert(team_id);
    Remember(teams_, stream, std::move(team));
    return absl::OkStatus();
  }

  absl::StatusOr<CommandResult> ExecuteRep(const v1::CommandContext& ctx,
                                           const v1::RepCommand& command) {
    std::string id, team;
    switch (command.command_case()) {
      case v1::RepCommand::kRegister:
        id = command.register_().rep_id();
        team = command.register_().team_id();
        break;
      case v1::RepCommand::kMoveToTeam:
        id = command.move_to_team().rep_id();
        team = command.move_to_team().team_id();
        break;
      case v1::RepCommand::kDeactivate:
        id = command.deactivate().rep_id();
        break;
      case v1::RepCommand::COMMAND_NOT_SET:
        break;
    }
    TeamDirectory teams;
    if (!ValidateContext(ctx).ok() || !ValidateId("rep_id", id).ok()) {
      return DecideRep(ctx, command, RepState{}, teams).status();
    }
    CRM_RETURN_IF_ERROR(LookUpTeam(team, teams));
    return ExecuteSimple<v1::RepEvent>(
        ctx, reps_, absl::StrCat("rep-", id),
        [&](const RepState& state) { return DecideRep(ctx, command, state, teams); },
        [](const RepState&, std::vector<StreamAppend>&) { return absl::OkStatus(); });
  }

  absl::StatusOr<CommandResult> ExecuteTeam(const v1::CommandContext& ctx,
                                            const v1::CreateTeam& command) {
    TeamDirectory teams;
    if (!ValidateContext(ctx).ok() || !ValidateId("team_id", command.team_id()).ok()) {
      return DecideCreateTeam(ctx, command, TeamState{}, teams).status();
    }
    CRM_RETURN_IF_ERROR(LookUpTeam(command.parent_team_id(), teams));
    return ExecuteSimple<v1::TeamEvent>(
        ctx, teams_, absl::StrCat("team-", command.team_id()),
        [&](const TeamState& state) { return DecideCreateTeam(ctx, command, state, teams); },
        [](const TeamState&, std::vector<StreamAppend>&) { return absl::OkStatus(); });
  }

  absl::StatusOr<CustomerState> LoadCustomer(const std::string& id) {
    CRM_RETURN_IF_ERROR(ValidateId("customer_id", id));
    CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::CustomerEvent>(customers_, CustomerStream(id))));
    CustomerState state = loaded.state;
    Remember(customers_, CustomerStream(id), std::move(loaded));
    return state;
  }

  absl::StatusOr<OrderState> LoadOrder(const std::string& id) {
    CRM_RETURN_IF_ERROR(ValidateId("order_id", id));
    const std::string stream = absl::StrCat("order-", id);
    CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::OrderEvent>(orders_, stream)));
    OrderState state = loaded.state;
    Remember(orders_, stream, std::move(loaded));
    return state;
  }

  absl::StatusOr<ProductState> LoadProduct(const std::string& id) {
    CRM_RETURN_IF_ERROR(ValidateId("product_id", id));
    const std::string stream = absl::StrCat("product-", id);
    CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::ProductEvent>(products_, stream)));
    ProductState state = loaded.state;
    Remember(products_, stream, std::move(loaded));
    return state;
  }

  absl::StatusOr<RepState> LoadRep(const std::string& id) {
    CRM_RETURN_IF_ERROR(ValidateId("rep_id", id));
    const std::string stream = absl::StrCat("rep-", id);
    CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::RepEvent>(reps_, stream)));
    RepState state = loaded.state;
    Remember(reps_, stream, std::move(loaded));
    return state;
  }

  absl::StatusOr<TeamState> LoadTeam(const std::string& id) {
    CRM_RETURN_IF_ERROR(ValidateId("team_id", id));
    const std::string stream = absl::StrCat("team-", id);
    CRM_ASSIGN_OR_RETURN(auto loaded, (Load<v1::TeamEvent>(teams_, stream)));
    TeamState state = loaded.state;
    Remember(teams_, stream, std::move(loaded));
    return state;
  }

  absl::StatusOr<std::string> Holder(const ReservationKey& key) {
    CRM_ASSIGN_OR_RETURN(Loaded<ReservationState> r, LoadReservation(key));
    if (r.state.owner_id.empty()) {
      return absl::NotFoundError(absl::StrCat("no customer holds ", key.Describe()));
    }
    return r.state.owner_id;
  }

  absl::StatusOr<std::string> CustomerHoldingPhone(absl::string_view phone) {
    absl::StatusOr<NormalizedPhone> normalized = NormalizePhone(phone);
    if (!normalized.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("phone: ", normalized.status().message()));
    }
    return Holder(ReservationKey{v1::RESERVATION_KIND_PHONE, normalized->key});
  }

  absl::StatusOr<std::string> CustomerHoldingCompanyName(absl::string_view name) {
    absl::StatusOr<std::string> key = NormalizeCompanyName(name);
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("company_name: ", key.status().message()));
    }
    return Holder(ReservationKey{v1::RESERVATION_KIND_COMPANY_NAME, *key});
  }

  absl::StatusOr<CustomerState> CustomerAsOf(const std::string& id, int64_t as_of_us) {
    CRM_RETURN_IF_ERROR(ValidateId("customer_id", id));
    Loaded<CustomerState> loaded;
    CRM_RETURN_IF_ERROR(CatchUp<v1::CustomerEvent>(*store_, CustomerStream(id), loaded, as_of_us));
    return loaded.state;
  }

 private:
  static CommandResult Written(const AppendResult& result, const std::string& stream,
                               size_t events) {
    CommandResult r;
    r.revision = RevisionOf(result, stream);
    r.position = result.last_position;
    r.events_written = events;
    r.already_done = result.idempotent_replay;
    return r;
  }

  EventStore* const store_;
  const CommandHandlerOptions options_;
  StateCache<Loaded<CustomerState>> customers_;
  StateCache<Loaded<OrderState>> orders_;
  StateCache<Loaded<OpportunityState>> opportunities_;
  StateCache<Loaded<ProductState>> products_;
  StateCache<Loaded<RepState>> reps_;
  StateCache<Loaded<TeamState>> teams_;
};

CommandHandler::CommandHandler(EventStore* store, CommandHandlerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

CommandHandler::~CommandHandler() = default;

absl::StatusOr<CommandResult> CommandHandler::Execute(const v1::CommandContext& context,
                                                      const v1::CustomerCommand& command) {
  return impl_->ExecuteCustomer(context, command);
}
absl::StatusOr<CommandResult> CommandHandler::Merge(const v1::CommandContext& context,
                                                    const v1::MergeCustomers& command) {
  return impl_->Merge(context, command);
}
absl::StatusOr<size_t> CommandHandler::RecyclePool(const v1::CommandContext& context,
                                                   const v1::RecyclePool& command) {
  return impl_->RecyclePool(context, command);
}
absl::StatusOr<size_t> CommandHandler::ReassignCustomers(const v1::CommandContext& context,
                                                         const v1::ReassignRepCustomers& command) {
  return impl_->ReassignCustomers(context, command);
}
absl::StatusOr<CommandResult> CommandHandler::Execute(const v1::CommandContext& context,
                                                      const v1::OrderCommand& command) {
  return impl_->ExecuteOrder(context, command);
}
absl::StatusOr<CommandResult> CommandHandler::Execute(const v1::CommandContext& context,
                                                      const v1::OpportunityCommand& command) {
  return impl_->ExecuteOpportunity(context, command);
}
absl::StatusOr<CommandResult> CommandHandler::Execute(const v1::CommandContext& context,
                                                      const v1::ProductCommand& command) {
  return impl_->ExecuteProduct(context, command);
}
absl::StatusOr<CommandResult> CommandHandler::Execute(const v1::CommandContext& context,
                                                      const v1::RepCommand& command) {
  return impl_->ExecuteRep(context, command);
}
absl::StatusOr<CommandResult> CommandHandler::Execute(const v1::CommandContext& context,
                                                      const v1::CreateTeam& command) {
  return impl_->ExecuteTeam(context, command);
}
absl::StatusOr<CustomerState> CommandHandler::LoadCustomer(const std::string& customer_id) {
  return impl_->LoadCustomer(customer_id);
}
absl::StatusOr<OrderState> CommandHandler::LoadOrder(const std::string& order_id) {
  return impl_->LoadOrder(order_id);
}
absl::StatusOr<ProductState> CommandHandler::LoadProduct(const std::string& product_id) {
  return impl_->LoadProduct(product_id);
}
absl::StatusOr<RepState> CommandHandler::LoadRep(const std::string& rep_id) {
  return impl_->LoadRep(rep_id);
}
absl::StatusOr<TeamState> CommandHandler::LoadTeam(const std::string& team_id) {
  return impl_->LoadTeam(team_id);
}
absl::StatusOr<std::string> CommandHandler::CustomerHoldingPhone(absl::string_view phone) {
  return impl_->CustomerHoldingPhone(phone);
}
absl::StatusOr<std::string> CommandHandler::CustomerHoldingCompanyName(
    absl::string_view company_name) {
  return impl_->CustomerHoldingCompanyName(company_name);
}
absl::StatusOr<CustomerState> CommandHandler::CustomerAsOf(const std::string& customer_id,
                                                           int64_t as_of_us) {
  return impl_->CustomerAsOf(customer_id, as_of_us);
}

}  // namespace crm::engine::domain
