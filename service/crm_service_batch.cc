// CrmService's batch RPCs: ExecuteCommands, LookupCustomers and
// BatchGetCustomers. They exist for bulk clients (crmctl import sends a
// spreadsheet's 100,000 rows): one call instead of hundreds saves the
// per-call cost — a round trip, HTTP/2 framing, a hand-off to the pool —
// which dominates small commands.
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/status_macros.h"
#include "service/crm_service.h"
#include "service/crm_service_internal.h"
#include "service/status_mapping.h"

namespace crm::service {
namespace {

constexpr int kMaxBatchedCommands = 500;
constexpr int kMaxBatchedReads = 1000;
// How many of one batch's chains may be queued or running on the pool.
constexpr size_t kChainsInFlight = 4;

absl::Status CheckCount(int n, int max, absl::string_view field) {
  if (n == 0) return absl::InvalidArgumentError(absl::StrCat(field, ": at least one is required"));
  if (n > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", n, " given, at most ", max, " per call; split the batch"));
  }
  return absl::OkStatus();
}

// The aggregate a batched command writes: commands with the same key run in
// order, one after another.
std::string ChainKey(const v1::BatchedCommand& c) {
  switch (c.command_case()) {
    case v1::BatchedCommand::kCustomer:
      return absl::StrCat("customer:", internal::TargetId(c.customer(), "customer_id"));
    case v1::BatchedCommand::kOrder:
      return absl::StrCat("order:", internal::TargetId(c.order(), "order_id"));
    case v1::BatchedCommand::kOpportunity:
      return absl::StrCat("opportunity:", internal::TargetId(c.opportunity(), "opportunity_id"));
    case v1::BatchedCommand::kProduct:
      return absl::StrCat("product:", internal::TargetId(c.product(), "product_id"));
    case v1::BatchedCommand::kRep:
      return absl::StrCat("rep:", internal::TargetId(c.rep(), "rep_id"));
    case v1::BatchedCommand::COMMAND_NOT_SET:
      break;
  }
  return "";
}

void SetOutcome(const absl::Status& s, v1::CommandOutcome* outcome) {
  outcome->set_code(static_cast<int32_t>(s.code()));
  outcome->set_message(std::string(s.message()));
  if (!s.ok()) outcome->clear_response();
}

}  // namespace

grpc::ServerUnaryReactor* CrmServiceImpl::ExecuteCommands(grpc::CallbackServerContext* context,
                                                          const v1::ExecuteCommandsRequest* request,
                                                          v1::ExecuteCommandsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Principal> principal = gate_->Admit(*context);
  if (!principal.ok()) {
    reactor->Finish(ToGrpcStatus(principal.status()));
    return reactor;
  }
  const int n = request->commands_size();
  if (absl::Status s = CheckCount(n, kMaxBatchedCommands, "commands"); !s.ok()) {
    reactor->Finish(ToGrpcStatus(s));
    return reactor;
  }
  // Chains of command indices, in request order within a chain.
  std::vector<std::vector<int>> chains;
  absl::flat_hash_map<std::string, size_t> chain_of;
  for (int i = 0; i < n; ++i) {
    auto [it, added] = chain_of.try_emplace(ChainKey(request->commands(i)), chains.size());
    if (added) chains.emplace_back();
    chains[it->second].push_back(i);
  }
  for (int i = 0; i < n; ++i) response->add_outcomes();

  // At most kChainsInFlight of a batch's chains are on the pool at a time,
  // and a finished chain posts the next one to the back of the queue: a
  // 500-command batch (or eight, from an import) then queues a few tasks
  // ahead of another caller's command instead of 500, so interactive calls
  // are not stuck behind bulk ones. No task waits for another, so a batch
  // cannot starve the pool of the threads its own chains need.
  struct Shared {
    Principal principal;
    std::vector<std::vector<int>> chains;
    std::atomic<size_t> next;       // the next chain to post
    std::atomic<size_t> remaining;  // chains not finished
  };
  auto shared = std::make_shared<Shared>();
  shared->principal = *std::move(principal);
  shared->chains = std::move(chains);
  const size_t first = std::min(shared->chains.size(), kChainsInFlight);
  shared->next = first;
  shared->remaining = shared->chains.size();
  // Runs chain c, then hands its place to the next chain not yet started.
  // When the pool is stopping it runs that chain itself, in a loop rather
  // than by recursion, so a drained batch cannot grow the stack.
  auto run = [this, reactor, context, request, response](auto& self, std::shared_ptr<Shared> shared,
                                                         size_t c) -> void {
    while (true) {
      absl::Status failed;  // the chain's first failure
      for (int i : shared->chains[c]) {
        v1::CommandOutcome* outcome = response->mutable_outcomes(i);
        if (!failed.ok()) {
          SetOutcome(absl::AbortedError(absl::StrCat(
                         "not run: an earlier command of this batch for the same target failed (",
                         failed.message(), ")")),
                     outcome);
          continue;
        }
        absl::Status s =
            context->IsCancelled()
                ? absl::CancelledError("cancelled by the client")
                : RunBatched(shared->principal, request->commands(i), outcome->mutable_response());
        SetOutcome(s, outcome);
        failed = s;
      }
      const size_t next = shared->next.fetch_add(1);
      const bool handed_off =
          next >= shared->chains.size() ||
          pool_->TryPost([self, shared, next]() mutable { self(self, shared, next); });
      if (shared->remaining.fetch_sub(1) == 1) reactor->Finish(grpc::Status::OK);
      if (handed_off) return;
      c = next;
    }
  };
  for (size_t c = 0; c < first; ++c) {
    pool_->Post([run, shared, c]() mutable { run(run, shared, c); });
  }
  return reactor;
}

grpc::ServerUnaryReactor* CrmServiceImpl::LookupCustomers(grpc::CallbackServerContext* context,
                                                          const v1::LookupCustomersRequest* request,
                                                          v1::LookupCustomersResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, internal::kEditors, "LookupCustomers"));
    CRM_RETURN_IF_ERROR(CheckCount(request->lookups_size(), kMaxBatchedReads, "lookups"));
    for (const v1::LookupCustomerRequest& lookup : request->lookups()) {
      absl::StatusOr<std::string> holder = Lookup(p, lookup);
      v1::LookupResult* result = response->add_results();
      result->set_code(static_cast<int32_t>(holder.status().code()));
      if (holder.ok()) {
        result->set_customer_id(*std::move(holder));
      } else if (absl::IsInvalidArgument(holder.status()) || absl::IsNotFound(holder.status()) ||
                 absl::IsPermissionDenied(holder.status())) {
        result->set_message(std::string(holder.status().message()));
      } else {
        // A failure of the server (a read error), not an answer about this
        // value: the whole call fails, as the single lookup would.
        return holder.status();
      }
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CrmServiceImpl::BatchGetCustomers(
    grpc::CallbackServerContext* context, const v1::BatchGetCustomersRequest* request,
    v1::BatchGetCustomersResponse* response) {
  return Run(context, [=, this](const Principal& p) -> absl::Status {
    CRM_RETURN_IF_ERROR(AccessControl::RequireRole(p, internal::kReaders, "BatchGetCustomers"));
    CRM_RETURN_IF_ERROR(CheckCount(request->customer_ids_size(), kMaxBatchedReads, "customer_ids"));
    for (const std::string& id : request->customer_ids()) {
      CRM_RETURN_IF_ERROR(ReadCustomer(p, id, response->add_customers()));
    }
    return absl::OkStatus();
  });
}

}  // namespace crm::service
